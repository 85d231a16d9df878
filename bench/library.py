"""Library benchmark: list and stats latency for a user with 20,000 entries, and import throughput.

Run against PostgreSQL (a dedicated database; it is migrated and filled by this script):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/myw_bench DJANGO_DEBUG=true \
        .venv/bin/python -m bench.library
    .venv/bin/python -m bench.library --smoke      # 300 entries, a 100-row import, 3 calls each

Latencies are measured in-process through Django's test client (routing, auth, queries, JSON), 50 calls each.
"""

from bench.common import api_client, arguments, percentiles, prepare_database  # first: it sets Django up

import sys
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from accounts.models import User
from catalog.models import MediaType, Title
from catalog.ingest.sources import data_source_sync
from catalog.ingest.sources import SourceInfo
from library.models import Entry, Status
from library.services import import_job_create, import_job_run


@dataclass(frozen=True)
class Sizes:
    entries: int
    import_rows: int
    calls: int


FULL = Sizes(entries=20_000, import_rows=10_000, calls=50)
SMOKE = Sizes(entries=300, import_rows=100, calls=3)
BENCH_SOURCE = SourceInfo(
    key="bench",
    name="Benchmark filler (bench database only)",
    licence="-",
    url="",
    attribution="Titles made up by bench/library.py so one user can hold 20,000 entries.",
)


def main() -> None:
    smoke = arguments().smoke
    sizes = SMOKE if smoke else FULL
    print(f"database: {connection.vendor} {settings.DATABASES['default'].get('NAME')}")
    prepare_database(smoke=smoke)
    missing = sizes.entries - Title.objects.count()
    if missing > 0:  # the embedded catalog holds ~17,800 titles: top up, in this database only
        source = data_source_sync(BENCH_SOURCE)
        Title.objects.bulk_create(
            [
                Title(
                    media_type=MediaType.MOVIE,
                    title_en=f"Bench filler {i}",
                    year=1950 + i % 70,
                    source=source,
                    source_key=f"bench-{i}",
                )
                for i in range(missing)
            ],
            batch_size=2000,
        )

    user, _ = User.objects.get_or_create(username="bench", defaults={"email": "bench@example.org"})
    Entry.objects.filter(user=user).delete()
    title_ids = list(Title.objects.order_by("pk").values_list("pk", flat=True)[: sizes.entries])
    statuses = [Status.SEEN, Status.SEEN, Status.LATER, Status.HIDDEN]
    Entry.objects.bulk_create(
        [
            Entry(user=user, title_id=pk, status=statuses[i % 4], rating=(1 + i % 10) if i % 4 < 2 else None)
            for i, pk in enumerate(title_ids)
        ],
        batch_size=5000,
    )
    if connection.vendor == "postgresql":  # fresh statistics, as autovacuum would have them in production
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE library_entry")
            cursor.execute("VACUUM ANALYZE catalog_title")
    print(f"user has {Entry.objects.filter(user=user).count()} entries")

    client = api_client(user)
    seen_movies = Entry.objects.filter(user=user, status=Status.SEEN, title__media_type=MediaType.MOVIE)
    deep = max(1, min(200, seen_movies.count() // 20))  # page 200 of the full run
    for label, path in [
        ("list seen, page 1", "/me/movies/seen?page_size=20"),
        (f"list seen, page {deep}", f"/me/movies/seen?page_size=20&page={deep}"),
        ("list later, 100/page", "/me/movies/towatchlater?page_size=100"),
        ("stats", "/users/me/stats"),
    ]:
        assert client.get(path).status_code == 200, path
        p50, p95 = percentiles(lambda path=path: client.get(path), n=sizes.calls)
        print(f"{label:<24} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")

    rows = Title.objects.exclude(imdb_id=None).order_by("pk").values_list("imdb_id", "title_en", "year")
    rows = list(rows[: sizes.import_rows])
    header = (
        "Const,Your Rating,Date Rated,Title,URL,Title Type,IMDb Rating,Runtime (mins),Year,Genres,Num Votes,"
    )
    lines = [header + "Release Date,Directors"]
    for i, (imdb_id, title, year) in enumerate(rows):
        name = title.replace('"', '""')
        lines.append(f'{imdb_id},{1 + i % 10},2024-01-01,"{name}",,movie,,,{year or ""},,,,')
    data = ("\n".join(lines) + "\n").encode()
    importer, _ = User.objects.get_or_create(
        username="bench-import", defaults={"email": "bench-import@example.org"}
    )
    Entry.objects.filter(user=importer).delete()
    # The second upload ends with one more newline: the same rows, but not a file the service gives back.
    for run, upload in (("first import", data), ("same file again", data + b"\n")):
        started = time.perf_counter()
        job = import_job_create(
            user=importer, source="imdb", filename="bench.csv", data=upload, enqueue=False, daily_limit=False
        ).job
        job = import_job_run(job_id=job.pk)
        elapsed = time.perf_counter() - started
        print(
            f"{run:<24} {len(rows)} rows in {elapsed:5.2f} s = {len(rows) / elapsed:.0f} rows/s {job.counts}"
        )


if __name__ == "__main__":
    sys.exit(main())
