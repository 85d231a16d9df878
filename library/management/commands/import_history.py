from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from core.exceptions import ApplicationError
from library.importers import AUTO
from library.models import ImportJob
from library.services import import_job_create, import_job_run
from library.validators import IMPORT_SOURCES


class Command(BaseCommand):
    help = "Import a user's history from a Letterboxd ZIP, an IMDb CSV or a Trakt JSON/ZIP export."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--user", required=True, help="The user's email address.")
        parser.add_argument(
            "--source", default=AUTO, choices=IMPORT_SOURCES, help="Read from the file when not given."
        )
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, user: str, source: str, file: Path, **options: Any) -> None:
        account = User.objects.filter(email__iexact=user.strip()).first()
        if account is None:
            raise CommandError(f"No user with the email address {user!r}.")
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            with transaction.atomic():  # the job is imported below, in this process, with a progress bar
                job = import_job_create(
                    user=account,
                    source=source,
                    filename=file.name,
                    data=file.read_bytes(),
                    enqueue=False,
                    daily_limit=False,
                ).job
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        ran = import_job_run(job_id=job.pk, progress=True)
        if ran is None:  # deleted meanwhile (its user was)
            raise CommandError(f"Import job {job.pk} no longer exists.")
        job = ran
        if job.status != ImportJob.State.DONE:
            raise CommandError(f"Import failed: {job.error}")
        counts = job.count_values
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {file.name} ({job.get_source_display()}) for {account.email}: "
                f"{counts['matched']} matched, {counts['created']} created, {counts['updated']} updated, "
                f"{counts['unmatched']} unmatched, {counts['conflicts']} kept as set here (job {job.pk})."
            )
        )
        for change in job.changes[:20]:
            self.stdout.write(
                f"  changed: {change['title']} ({change['year'] or '?'}): {change['status_before']} → "
                f"{change['status_after']}, rating {change['rating_before'] or '-'} → "
                f"{change['rating_after'] or '-'}"
            )
        for kept in job.conflicts[:20]:
            self.stdout.write(
                f"  kept: {kept['title']} ({kept['year'] or '?'}): {kept['field']} {kept['kept']} "
                f"(the file says {kept['file_value']}, dated {kept['file_date'] or 'never'})"
            )
        for row in job.unmatched[:20]:
            self.stdout.write(
                f"  unmatched: {row['file']}:{row['line']} {row['title']} ({row['year'] or '?'})"
            )
