from argparse import ArgumentParser, ArgumentTypeError
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from catalog.ingest.imdb import ImdbDatasetError, imdb_datasets_import


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


class Command(BaseCommand):
    help = (
        "Import movies and TV shows from IMDb's non-commercial dataset files "
        "(https://developer.imdb.com/non-commercial-datasets/): titles, years, runtime and genres from "
        "title.basics, current ratings and votes from title.ratings, French titles from title.akas. "
        "Titles already in the catalog (same IMDb id) get the current rating and only fill their blanks. "
        "Idempotent: a second run with the same files changes nothing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("basics", type=Path, help="title.basics.tsv.gz")
        parser.add_argument("ratings", type=Path, help="title.ratings.tsv.gz")
        parser.add_argument("akas", type=Path, nargs="?", help="title.akas.tsv.gz (for French titles)")
        parser.add_argument(
            "--as-of",
            type=_day,
            help="The files' date, YYYY-MM-DD (default: title.ratings' modification date).",
        )
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bars.")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of: date | None = options["as_of"]
        if as_of is not None and as_of > timezone.localdate():
            raise CommandError(f"--as-of: {as_of} is in the future.")
        try:
            report = imdb_datasets_import(
                basics=options["basics"],
                ratings=options["ratings"],
                akas=options["akas"],
                as_of=as_of,
                progress=not options["no_progress"] and options["verbosity"] > 0,
            )
        except ImdbDatasetError as exc:
            raise CommandError(f"{exc} Nothing was imported.") from exc

        lines = ", ".join(f"{name} {count:,}" for name, count in report.lines.items())
        self.stdout.write(f"Read: {lines} lines (ratings as of {report.as_of}).")
        self.stdout.write(
            f"Titles: {report.created:,} created, {report.updated:,} updated, "
            f"{report.unchanged:,} unchanged; {report.ratings_changed:,} ratings changed on existing titles; "
            f"{report.fr_titles:,} French titles ({report.fr_rows:,} FR rows in title.akas)."
        )
        if report.skipped:
            skipped = ", ".join(f"{reason} {count:,}" for reason, count in report.skipped.most_common())
            self.stdout.write(f"Skipped: {skipped}.")
        if report.repaired:
            dropped = ", ".join(f"{name} {count:,}" for name, count in report.repaired.most_common())
            self.stdout.write(f"Values the validators refuse, left empty: {dropped}.")
        if report.unknown_genres:
            unknown = ", ".join(f"{name} ({count:,})" for name, count in report.unknown_genres.most_common())
            self.stdout.write(
                self.style.WARNING(f"IMDb genres not in catalog/genres.py, left out: {unknown}.")
            )
        if options["verbosity"] > 1:
            phases = ", ".join(f"{phase} {seconds:.1f} s" for phase, seconds in report.seconds.items())
            self.stdout.write(f"Time per phase: {phases}.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Done in {report.elapsed:.1f} s ({report.rows_per_second:,.0f} rows/s over "
                f"{report.rows_read:,} lines)."
            )
        )
