import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from catalog.ingest.clients import tmdb_is_configured
from catalog.ingest.enrichment import title_refresh, titles_stale
from catalog.models import Title
from core.exceptions import ProviderUnavailable


class Command(BaseCommand):
    help = (
        "Refresh titles from TMDB (English and French) and OMDb (IMDb rating), now, in this process. "
        "Needs TMDB_API_KEY or TMDB_READ_TOKEN (OMDB_API_KEY optional)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--stale", action="store_true", help="Titles older than the refresh period.")
        which.add_argument("--all", action="store_true", help="Every title.")
        which.add_argument("--ids", type=int, nargs="+", metavar="ID", help="These titles (our ids).")
        parser.add_argument("--limit", type=int, help="At most N titles.")
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not tmdb_is_configured():
            raise CommandError("No TMDB credentials: set TMDB_API_KEY or TMDB_READ_TOKEN.")
        if options["limit"] is not None and options["limit"] < 1:
            raise CommandError("--limit must be a positive number.")
        if options["ids"]:
            ids = list(Title.objects.filter(pk__in=options["ids"]).values_list("pk", flat=True))
            if missing := sorted(set(options["ids"]) - set(ids)):
                raise CommandError(f"--ids: no title with id {', '.join(map(str, missing))}.")
        else:
            titles = titles_stale() if options["stale"] else Title.objects.order_by("pk")
            ids = list(titles.values_list("pk", flat=True)[: options["limit"]])
        ids = ids[: options["limit"]]

        started = time.monotonic()
        refreshed, unknown, failed = 0, 0, 0
        for title_id in tqdm(ids, desc="Refreshing", unit="title", disable=options["no_progress"]):
            try:
                outcome = title_refresh(title_id=title_id)
            except ProviderUnavailable:
                failed += 1  # recorded on the title; the next sweep tries again
                continue
            refreshed += outcome.refreshed
            unknown += not outcome.refreshed
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"{len(ids)} titles in {elapsed:.1f} s: {refreshed} refreshed, "
            f"{unknown} unknown to the providers, {failed} failed for now (providers unavailable)."
        )
