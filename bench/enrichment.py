"""Enrichment throughput against fake TMDB and OMDb servers that answer after 100 ms, like a distant API.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/myw_bench_enrich REDIS_URL=redis://127.0.0.1:6379/8 \
        .venv/bin/python -m bench.enrichment
    .venv/bin/python -m bench.enrichment --smoke     # a few titles, 10 ms latency; the worker run with Redis

Titles enriched per second, one at a time and with concurrent workers (threads of one process, then real
Celery worker processes sharing the Redis token bucket), and the highest TMDB request rate the fake saw in
any one-second window beside the configured limit (TMDB_RATE_LIMIT_PER_SECOND, 40 by default).
"""

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.common import arguments, prepare_database  # sets Django up first

from django.conf import settings
from django.db import close_old_connections, connection

from catalog.ingest.enrichment import title_refresh
from catalog.models import Title
from catalog.tasks import title_refresh_task
from moviesyoudidntwatch.celery import app as celery_app
from tests.fakes.omdb import FakeOmdb
from tests.fakes.tmdb import FakeTmdb, build_world

LATENCY_SECONDS = 0.1
# (label, threads, titles) of the runs; the Celery run's titles and worker processes
RUNS = [("sequential", 1, 40), ("8 threads", 8, 120), ("16 threads", 16, 120)]
CELERY_RUN = (120, 8)
SMOKE_LATENCY_SECONDS = 0.01
SMOKE_RUNS = [("sequential", 1, 3), ("8 threads", 8, 8), ("16 threads", 16, 8)]
SMOKE_CELERY_RUN = (4, 1)
TMDB_KEY, OMDB_KEY = "bench-tmdb-key", "bench-omdb-key"
ROOT = Path(__file__).resolve().parent.parent


def highest_rate(times: list[float]) -> int:
    """Most requests received within any one-second window."""
    times = sorted(times)
    best, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


def fresh_titles(world: list, offset: int, count: int) -> list[int]:
    """Local copies known only by IMDb id, as the embedded catalog holds its films."""
    Title.objects.filter(source_key__startswith="bench-").delete()
    source = Title.objects.first().source
    return [
        Title.objects.create(
            media_type=fake.media_type,
            imdb_id=fake.imdb_id,
            title_en=fake.title["en"],
            source=source,
            source_key=f"bench-{fake.imdb_id}",
        ).pk
        for fake in world[offset : offset + count]
    ]


def in_threads(ids: list[int], workers: int) -> None:
    def refresh(title_id: int) -> None:
        try:
            title_refresh(title_id=title_id)
        finally:
            close_old_connections()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(refresh, ids))


def in_celery_workers(ids: list[int], processes: int, tmdb: FakeTmdb, omdb: FakeOmdb) -> float:
    """Queue the tasks through Redis and time real worker processes until every title is refreshed."""
    env = {
        **os.environ,
        "DJANGO_DEBUG": "true",
        "TMDB_BASE_URL": tmdb.url,
        "TMDB_API_KEY": TMDB_KEY,
        "OMDB_BASE_URL": f"{omdb.url}/",
        "OMDB_API_KEY": OMDB_KEY,
        "OMDB_DAILY_BUDGET": "100000000",
        "OMDB_RATE_LIMIT_PER_SECOND": "1000",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "moviesyoudidntwatch", "worker", "--queues=enrichment",
         f"--concurrency={processes}", "--loglevel=WARNING"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        # The worker's start-up (imports, broker connection) is not what we measure.
        deadline = time.monotonic() + 60
        while not celery_app.control.ping(timeout=0.5):
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the Celery worker did not start")
        started = time.perf_counter()
        for title_id in ids:
            title_refresh_task.delay(title_id)
        while Title.objects.filter(pk__in=ids, cache_update_date__isnull=True).exists():
            time.sleep(0.05)
        return time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def main() -> None:
    smoke = arguments().smoke
    latency, runs, (celery_titles, celery_processes) = (
        (SMOKE_LATENCY_SECONDS, SMOKE_RUNS, SMOKE_CELERY_RUN)
        if smoke
        else (LATENCY_SECONDS, RUNS, CELERY_RUN)
    )
    prepare_database(smoke=smoke)
    world = build_world(700, 0, seed=7)  # more than every run takes
    with FakeTmdb(api_key=TMDB_KEY) as tmdb, FakeOmdb(api_key=OMDB_KEY) as omdb:
        tmdb.add(*world)
        omdb.add(*world)
        tmdb.latency = omdb.latency = latency
        settings.TMDB_BASE_URL, settings.TMDB_API_KEY = tmdb.url, TMDB_KEY
        settings.OMDB_BASE_URL, settings.OMDB_API_KEY = f"{omdb.url}/", OMDB_KEY
        settings.OMDB_DAILY_BUDGET = 100_000_000
        limit = settings.TMDB_RATE_LIMIT_PER_SECOND
        print(
            f"{connection.vendor}, fake latency {latency * 1000:.0f} ms per request, TMDB limit {limit:g}/s"
        )
        print("(each title: TMDB /find, details in English and in French, OMDb: 4 requests)")
        print(
            f"OMDb limit {settings.OMDB_RATE_LIMIT_PER_SECOND:g}/s (the second row block: 1000/s, a paid key)"
        )
        print(
            f"{'how':<36} {'titles':>6} {'seconds':>8} {'titles/s':>9} {'max TMDB/s':>11} {'max OMDb/s':>11}"
        )

        def report(label: str, count: int, elapsed: float) -> None:
            rates = [highest_rate([r.received_at for r in fake.requests]) for fake in (tmdb, omdb)]
            print(
                f"{label:<36} {count:>6} {elapsed:>8.1f} {count / elapsed:>9.1f} {rates[0]:>11} {rates[1]:>11}"
            )
            tmdb.requests.clear()
            omdb.requests.clear()

        offset = 0
        for omdb_limit in (settings.OMDB_RATE_LIMIT_PER_SECOND, 1000.0):
            settings.OMDB_RATE_LIMIT_PER_SECOND = omdb_limit
            for label, workers, count in runs[1:] if omdb_limit == 1000.0 else runs:
                ids = fresh_titles(world, offset, count)
                offset += count
                started = time.perf_counter()
                in_threads(ids, workers)
                report(label, count, time.perf_counter() - started)
        if settings.REDIS_URL:
            ids = fresh_titles(world, offset, celery_titles)
            elapsed = in_celery_workers(ids, celery_processes, tmdb, omdb)
            report(f"Celery worker, {celery_processes} processes (Redis)", len(ids), elapsed)
        else:
            print("Celery worker run skipped: it needs REDIS_URL (the broker)")


if __name__ == "__main__":
    main()
