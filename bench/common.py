"""What every benchmark shares: Django set up from the environment, a migrated database, percentiles, and
`--smoke`: the same code on tiny sizes (a small catalog, a few calls), so a test can run every bench in
seconds and a schema change can never silently break one."""

import argparse
import math
import os
import statistics
import time
from collections.abc import Callable

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "moviesyoudidntwatch.settings.base")
os.environ.setdefault("DJANGO_DEBUG", "true")
django.setup()

from django.core.management import call_command
from django.test import Client

from accounts.models import User
from accounts.services import tokens_issue
from catalog.ingest.embedded import EmbeddedPaths, FilmRecord, read_films, read_movielens, read_ratings
from catalog.ingest.load import FilmMatcher


# Films and TV shows of the embedded catalog a smoke run loads into an empty database (about 3 s).
SMOKE_CATALOG_LIMIT = 150


def arguments(parser: argparse.ArgumentParser | None = None) -> argparse.Namespace:
    """The bench's own options, plus `--smoke`."""
    parser = parser or argparse.ArgumentParser()
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="tiny sizes, a few seconds, no network: checks that the bench still runs, measures nothing",
    )
    return parser.parse_args()


def prepare_database(*, smoke: bool = False) -> None:
    """Migrate, import genres and load the embedded catalog when the database is empty (a slice of it
    for a smoke run)."""
    call_command("migrate", verbosity=0)
    call_command("import_genres", "--offline", verbosity=0)
    limit = ["--limit", str(SMOKE_CATALOG_LIMIT)] if smoke else []
    call_command("load_catalog", "--if-empty", "--no-progress", *limit, verbosity=0)


def api_client(user: User) -> Client:
    return Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {tokens_issue(user=user).access}")


def percentiles(call: Callable[[], object], n: int = 50) -> tuple[float, float]:
    """p50 and p95 of `n` calls, in milliseconds."""
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[math.ceil(len(samples) * 0.95) - 1]  # nearest rank


def embedded_films(limit: int | None) -> tuple[EmbeddedPaths, list[FilmRecord], FilmMatcher]:
    """The embedded catalog's films as the loader reads and matches them (the first row of a repeated IMDb
    id), for the benches that measure what the load makes of them."""
    paths = EmbeddedPaths.installed()
    if not (paths.movies_db and paths.ratings and paths.movielens):
        raise SystemExit("the catalog packages are not installed")
    records: list[FilmRecord] = []
    seen: set[str] = set()
    for record in read_films(paths.movies_db):
        if record.imdb_id not in seen:
            seen.add(record.imdb_id)
            records.append(record)
        if limit and len(records) >= limit:
            break
    matcher = FilmMatcher(records, read_ratings(paths.ratings), read_movielens(paths.movielens), [])
    return paths, records, matcher
