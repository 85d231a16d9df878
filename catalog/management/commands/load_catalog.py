import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from catalog.ingest.embedded import EmbeddedPaths
from catalog.ingest.load import catalog_counts, catalog_load_embedded
from catalog.models import Title
from catalog.people import credits_rebuild


class Command(BaseCommand):
    help = (
        "Load the embedded catalog: real films from open-data packages (Wikidata via bokeh_sampledata, "
        "IMDb 2005 ratings via ggplot2movies, MovieLens titles, Wikipedia overviews) and the curated TV "
        "list. "
        "Idempotent: a second run changes nothing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--limit", type=int, help="Load at most N films and N TV shows (quick runs).")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when the catalog already holds titles."
        )
        parser.add_argument("--movies-db", type=Path, help="Another movies.db of the same schema.")
        parser.add_argument("--ratings", type=Path, help="Another ggplot2movies pickle (xz).")
        parser.add_argument("--movielens", type=Path, help="Another MovieLens pickle (xz).")
        parser.add_argument("--summaries", type=Path, help="Another Wikipedia summaries JSON.")
        parser.add_argument("--curated-tv", type=Path, help="Another curated TV JSON list.")
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["limit"] is not None and options["limit"] < 1:
            raise CommandError("--limit must be a positive number.")
        if options["if_empty"] and Title.objects.exists():
            self.stdout.write("The catalog already holds titles; nothing to do (--if-empty).")
            return
        installed = EmbeddedPaths.installed()
        overrides = {
            name: options[name]
            for name in ("movies_db", "ratings", "movielens", "summaries", "curated_tv")
            if options[name] is not None
        }
        for name, path in overrides.items():
            if not path.exists():
                raise CommandError(f"--{name.replace('_', '-')}: no such file: {path}")
        paths = EmbeddedPaths(**{**installed.__dict__, **overrides})

        started = time.monotonic()
        report = catalog_load_embedded(
            paths=paths, limit=options["limit"], progress=not options["no_progress"]
        )
        credits_rebuild()  # the person index keyword search finds people in (bulk writes bypass save())
        elapsed = time.monotonic() - started

        self.stdout.write(
            f"{'source':<20} {'read':>7} {'created':>8} {'updated':>8} {'unchanged':>9} "
            f"{'matched':>8} {'skipped':>8}"
        )
        for key, c in report.counts.items():
            self.stdout.write(
                f"{key:<20} {c.read:>7} {c.created:>8} {c.updated:>8} {c.unchanged:>9} "
                f"{c.matched:>8} {c.skipped:>8}"
            )
        for key, c in report.counts.items():
            if c.repaired:
                fields = ", ".join(f"{name} {count}" for name, count in c.repaired.most_common())
                self.stdout.write(
                    self.style.WARNING(f"{key}: values the validators refuse, not stored: {fields}.")
                )
        for note in report.notes:
            self.stdout.write(self.style.WARNING(note))
        totals = catalog_counts()
        self.stdout.write(
            self.style.SUCCESS(
                f"Catalog: {totals['movie']} movies, {totals['tv']} TV shows ({elapsed:.1f} s)."
            )
        )
