"""The full stack's own commands, run without Docker: `setup`, `web`, `worker` and `beat` exactly as
docker-compose.yml and the Dockerfile start them, with the compose environment, against this machine's
PostgreSQL and Redis in place of the `db` and `redis` services.

This machine has no Docker engine (nor image registry); what the containers would run is proven here: the
first start migrates and loads the catalog, gunicorn answers its health check, the worker answers its
ping and does the work the web sends it through Redis, beat runs on the database scheduler.
"""

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import redis
import requests
import yaml
from django.conf import settings
from django.db import connection

from tests.workers import STACK_REDIS_OFFSET, own_name, own_redis_url

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not settings.REDIS_URL,
        reason="the stack runs on PostgreSQL and Redis (CI sets DATABASE_URL and REDIS_URL)",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
STACK_DATABASE = own_name("myw_stack_test")
RATINGS = (
    "Const,Your Rating,Date Rated,Title,Original Title,URL,Title Type,IMDb Rating,Runtime (mins),Year,Genres,"
    "Num Votes,Release Date,Directors\n"
    'tt0113277,8,2024-02-01,"Heat","Heat",https://www.imdb.com/title/tt0113277,Movie,8.3,170,1995,"Crime",'
    '700000,"1995-12-15","Michael Mann"\n'
    'tt0110912,9,2024-02-02,"Pulp Fiction","Pulp Fiction",https://www.imdb.com/title/tt0110912,Movie,8.9,154,'
    '1994,"Crime",2000000,"1994-10-14","Quentin Tarantino"\n'
    'tt7777777,7,2024-02-03,"Nowhere Film","Nowhere Film",https://www.imdb.com/title/tt7777777,Movie,6.0,90,'
    '2020,"Drama",10,"2020-01-01","Nobody"\n'
)


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def dockerfile_command() -> list[str]:
    """The Dockerfile's CMD (an exec-form JSON array, possibly continued over lines)."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    return json.loads(re.search(r"^CMD\s+(\[.*\])\s*$", text, re.MULTILINE).group(1))


def interpolate(value: str, given: dict[str, str]) -> str:
    """Compose's ${NAME}, ${NAME:-default} and ${NAME:?error}: `given` values first, then the defaults."""

    def one(match: re.Match) -> str:
        name, kind, default = match.group(1), match.group(2), match.group(3) or ""
        if name in given:
            return given[name]
        assert kind != ":?", f"compose requires {name}: {default}"
        return default

    return re.sub(r"\$\{(\w+)(?:(:-|:\?)([^}]*))?\}", one, value)


def stack_environment(database_url: str, redis_url: str) -> dict[str, str]:
    """The compose `x-app` environment, with `db` and `redis` pointing at this machine's servers."""
    given = {"DJANGO_SECRET_KEY": secrets.token_urlsafe(50)}
    environment = {k: interpolate(str(v), given) for k, v in compose()["x-app"]["environment"].items()}
    assert urlsplit(environment["DATABASE_URL"]).hostname == "db"
    assert urlsplit(environment["REDIS_URL"]).hostname == "redis"
    environment.update(DATABASE_URL=database_url, REDIS_URL=redis_url)
    return {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",  # `python`, `celery`…
        "HOME": str(Path.home()),
        "HOSTNAME": socket.gethostname(),  # what a container's shell has, and the worker's node name
        **environment,
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def until(check, *, seconds: float, what: str) -> object:
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result:
            return result
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.5)


@pytest.fixture
def stack_urls() -> Iterator[tuple[str, str]]:
    """A database and a Redis database of the stack's own, empty before and dropped after."""
    server = urlsplit(os.environ["DATABASE_URL"])  # the server the suite runs on (skipped without one)
    admin_url = urlunsplit(server._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {STACK_DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {STACK_DATABASE}")
    redis_url = own_redis_url(STACK_REDIS_OFFSET)
    redis.Redis.from_url(redis_url).flushdb()
    try:
        yield urlunsplit(server._replace(path=f"/{STACK_DATABASE}")), redis_url
    finally:
        redis.Redis.from_url(redis_url).flushdb()
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {STACK_DATABASE} WITH (FORCE)")


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[dict]:
    """Started services by name, each with its log file; all stopped at the end."""
    started: dict[str, tuple[subprocess.Popen, Path]] = {}

    def start(name: str, command: list[str], environment: dict[str, str]) -> subprocess.Popen:
        log = tmp_path / f"{name}.log"
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        started[name] = (process, log)
        return process

    yield {"start": start, "started": started}
    for process, _log in started.values():
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for name, (process, log) in started.items():
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            pytest.fail(f"{name} did not stop on SIGTERM:\n{log.read_text()[-2000:]}")


def test_the_compose_services_start_and_work_together(stack_urls: tuple[str, str], processes: dict) -> None:
    services = compose()["services"]
    environment = stack_environment(*stack_urls)

    # setup: the first start migrates, imports genres, loads the catalog and trains the recommender.
    setup = subprocess.run(
        ["sh", "-c", services["setup"]["command"]],  # noqa: S607 - as compose runs it
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert setup.returncode == 0, setup.stdout[-3000:] + setup.stderr[-3000:]
    assert "Catalog:" in setup.stdout

    port = free_port()
    web_command = [part.replace("0.0.0.0:8000", f"127.0.0.1:{port}") for part in dockerfile_command()]
    assert web_command[0] == "gunicorn" and f"127.0.0.1:{port}" in web_command
    web = processes["start"]("web", web_command, environment)
    worker = processes["start"]("worker", services["worker"]["command"], environment)
    beat = processes["start"]("beat", services["beat"]["command"], environment)

    # The services' own health checks, as compose runs them.
    web_check = [
        part.replace("127.0.0.1:8000", f"127.0.0.1:{port}") for part in services["web"]["healthcheck"]["test"]
    ]
    assert web_check[0] == "CMD"
    until(
        lambda: (
            subprocess.run(web_check[1:], env=environment, capture_output=True, check=False).returncode == 0
        ),
        seconds=60,
        what="the web health check",
    )
    worker_check = services["worker"]["healthcheck"]["test"]
    assert worker_check[0] == "CMD-SHELL"
    shell = worker_check[1].replace("$$", "$")  # compose's escape for a literal $
    until(
        lambda: (
            subprocess.run(
                ["sh", "-c", shell],  # noqa: S607
                env=environment,
                capture_output=True,
                timeout=30,
                check=False,
            ).returncode
            == 0
        ),
        seconds=90,
        what="the worker health check",
    )

    # A user signs up on the web, uploads their ratings; the worker imports them through Redis.
    base = f"http://127.0.0.1:{port}"
    credentials = {"email": "stack@example.org", "username": "stack", "password": "a-long-stack-password"}
    assert requests.post(f"{base}/auth/signup", json=credentials, timeout=30).status_code == 201
    login = requests.post(
        f"{base}/auth/login", json={"username": "stack", "password": credentials["password"]}, timeout=30
    )
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    upload = requests.post(
        f"{base}/me/import",
        data={"source": "imdb"},
        files={"file": ("ratings.csv", RATINGS.encode())},
        headers=headers,
        timeout=30,
    )
    assert upload.status_code == 202, upload.text
    job_url = f"{base}/me/import/{upload.json()['id']}"
    report = until(
        lambda: (
            (body := requests.get(job_url, headers=headers, timeout=30).json())["status"]
            in ("done", "failed")
            and body
        ),
        seconds=90,
        what="the import in the worker",
    )
    assert report["status"] == "done", report
    assert report["counts"]["matched"] == 2
    assert [row["title"] for row in report["unmatched"]] == ["Nowhere Film"]

    # The feed is served from the loaded catalog, without the two films just marked seen.
    feed = requests.post(
        f"{base}/movies/search-by-filters?page_size=50", json={}, headers=headers, timeout=30
    )
    assert feed.status_code == 200 and len(feed.json()["results"]) == 50
    assert feed.json()["excluded_count"] >= 2
    picks = requests.get(f"{base}/me/recommendations", headers=headers, timeout=30)
    assert picks.status_code == 200 and picks.json()["results"], picks.text

    # beat runs on the database scheduler and stays up; nothing has died.
    beat_log = processes["started"]["beat"][1]
    until(lambda: "beat: Starting" in beat_log.read_text(), seconds=30, what="beat to start")
    with psycopg.connect(stack_urls[0]) as database:  # the database scheduler adds Celery's own entry

        def installed() -> bool:
            names = database.execute("SELECT name FROM django_celery_beat_periodictask").fetchall()
            return ("celery.backend_cleanup",) in names

        until(installed, seconds=30, what="beat's database scheduler")
    for name, process in (("web", web), ("worker", worker), ("beat", beat)):
        assert process.poll() is None, f"{name} exited:\n{processes['started'][name][1].read_text()[-3000:]}"
    assert '" 500 ' not in processes["started"]["web"][1].read_text()  # gunicorn's access log
