"""Every bench in bench/ still runs: `python -m bench.<name> --smoke` on tiny sizes, as a subprocess, against
a database of its own on the suite's engine (SQLite, or PostgreSQL in CI) and, when the suite has Redis, a
Redis database of its own (per pytest-xdist worker: tests/workers.py). A schema change that breaks a bench
fails here, not months later. One worker runs them all (their template database is made once).
"""

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import redis
from django.conf import settings
from django.db import connection

from tests.workers import BENCH_REDIS_OFFSET, own_name, own_redis_url

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = own_name("myw_bench_smoke_template")
# A line each bench prints only when it got to its figures.
EXPECTED = {
    "alerts": r"digest: \d+ members, \d+ items, \d+ e-mails in [\d.]+ s",
    "assistant": r"'comme Heat' +p50 +[\d.]+ ms +p95 +[\d.]+ ms",
    "assistant_quality": (
        r"summary: conversations meeting the request [\d.]+ \(en [\d.]+, fr [\d.]+\); turn p50"
    ),
    "discovery": r"'pulp fiktion' +[\d.]+ +[\d.]+ +first: ",
    "enrichment": r"8 threads +8 +[\d.]+ +[\d.]+ ",
    "genres": r"summary: served min P [\d.]+ min R [\d.]+; without flags",
    "households": r"3 +group: least misery +[\d.]+ +[\d.]+",
    "imdb_datasets": r"same files again: [\d,]+ lines .* 0 created, 0 updated",
    "library": r"same file again +100 rows in",
    "load": r"PASS: no duplicates, no lost updates",
    "quality": r"ours as served, dial 2 \(Balanced\) +[\d.]+ +[\d.]+ +[\d.]+x +[\d.]+ +[\d.]+ +\d+ ",
    "ratings": r"summary: critics [\d.]+ \+ [\d.]+ x m \d+; community",
    "search": r"summary: top-1 test [\d.]+ validation [\d.]+ \(trigram baseline [\d.]+\); people [\d.]+",
    "similar": r"\(b\) ours, as served +[\d.]+ +[\d,]+ ",
    "webhooks": r"receiver: \d+ events in [\d.]+ s = \d+ events/s",
    "trakt": r"first sync +[\d.]+ +\d+ +\d+ +\d+ ",
}


def bench_environment(database_url: str, redis_url: str = "") -> dict[str, str]:
    """A clean environment: none of the suite's own settings, only where the data lives."""
    kept = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR"}
    environment = {k: v for k, v in os.environ.items() if k in kept}
    return {**environment, "DATABASE_URL": database_url, "REDIS_URL": redis_url, "PYTHONUNBUFFERED": "1"}


def run(command: list[str], environment: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300, check=False
    )


def _admin_url() -> str:
    return urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path="/postgres"))


def _database_url(name: str) -> str:
    return urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}"))


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database migrated and holding the smoke catalog, copied for each bench."""
    if connection.vendor == "postgresql":
        with psycopg.connect(_admin_url(), autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {TEMPLATE}")
        url = _database_url(TEMPLATE)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('bench-smoke') / 'template.sqlite3'}"
    prepare = "from bench.common import prepare_database; prepare_database(smoke=True)"
    result = run([sys.executable, "-c", prepare], bench_environment(url))
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    yield url
    if connection.vendor == "postgresql":
        with psycopg.connect(_admin_url(), autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)")


@pytest.fixture
def database_url(template: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A copy of the template for one bench."""
    if connection.vendor != "postgresql":
        copy = tmp_path / "bench.sqlite3"
        shutil.copyfile(urlsplit(template).path, copy)
        yield f"sqlite:///{copy}"
        return
    name = own_name(f"myw_bench_smoke_{request.node.callspec.id}")
    with psycopg.connect(_admin_url(), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
    yield _database_url(name)
    with psycopg.connect(_admin_url(), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A Redis database of the benches' own when the suite has Redis (CI), else none: in-process."""
    if not settings.REDIS_URL:
        yield ""
        return
    url = own_redis_url(BENCH_REDIS_OFFSET)
    redis.Redis.from_url(url).flushdb()
    yield url
    redis.Redis.from_url(url).flushdb()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_bench_runs_in_smoke_mode(name: str, database_url: str, redis_url: str) -> None:
    started = time.monotonic()
    result = run(
        [sys.executable, "-m", f"bench.{name}", "--smoke"], bench_environment(database_url, redis_url)
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"bench.{name} --smoke failed:\n{output[-4000:]}"
    assert re.search(EXPECTED[name], result.stdout), result.stdout[-3000:]
    print(f"bench.{name} --smoke: {time.monotonic() - started:.1f} s")  # noqa: T201 - shown with -s


def test_every_bench_is_run_in_smoke_mode() -> None:
    modules = {path.stem for path in (ROOT / "bench").glob("*.py")} - {"__init__", "common"}
    packages = {path.parent.name for path in (ROOT / "bench").glob("*/__main__.py")}
    benches = modules | packages
    assert benches == set(EXPECTED)
