from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from catalog.clients import tmdb_is_configured
from catalog.services import genres_import
from core.exceptions import ProviderError


class Command(BaseCommand):
    help = "Import TMDB's movie and TV genres in English and French (live from TMDB when a key is set)."

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
            raise CommandError(f"Could not fetch genres from TMDB ({exc}). Retry, or use --offline.") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Genres from {report.source}: {report.created} created, {report.updated} updated, "
                f"{report.unchanged} unchanged."
            )
        )
