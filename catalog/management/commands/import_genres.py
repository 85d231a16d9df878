from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from catalog.ingest.clients import tmdb_is_configured
from catalog.ingest.genres import genres_import
from core.exceptions import ProviderError


class Command(BaseCommand):
    help = (
        "Import TMDB's movie and TV genres in English and French (live from TMDB when a key is set; "
        "when TMDB cannot be reached, the lists kept in the repository fill in the missing ones)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--offline",
            action="store_true",
            help="Use the lists kept in the repository even when a TMDB key is set.",
        )

    def handle(self, *args: Any, offline: bool, **options: Any) -> None:
        live = tmdb_is_configured() and not offline
        try:
            report = genres_import(live=live)
        except ProviderError as exc:
            # Starting matters more than fresh genre names: the app starts on the repository's lists, and
            # the next start (or the daily refresh sweep, with a worker) asks TMDB again.
            self.stderr.write(
                self.style.WARNING(
                    f"Warning: could not fetch genres from TMDB ({exc}); using the lists kept in the "
                    "repository for the missing ones. The next run tries TMDB again."
                )
            )
            report = genres_import(live=False, missing_only=True)
        self.stdout.write(
            self.style.SUCCESS(
                f"Genres from {report.source}: {report.created} created, {report.updated} updated, "
                f"{report.unchanged} unchanged."
            )
        )
