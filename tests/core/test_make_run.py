"""`make run` serves what people run at home like production: `make serve` (its serving step) is started
here as it is, on a free port against a database of its own, and must answer every request of concurrent
keep-alive clients, never show a debug page, serve static files and sign with a key nobody else knows.
"""

import os
import shlex
import signal
import stat
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import jwt
import psycopg
import pytest
import requests
from django.db import connection

from tests.core.test_stack import dockerfile_command, free_port, until
from tests.workers import own_name

ROOT = Path(__file__).resolve().parents[2]
DATABASE = own_name("myw_make_run_test")
PUBLIC_DEVELOPMENT_KEY = "insecure-local-development-key-never-use-in-production"  # the settings' DEBUG key
PASSWORD = "plum-tiger-42-velvet"
# Form-encoded bodies a fuzzer sends: valid, malformed, binary, oversized; to routes that read the body
# and to routes that answer before reading it (unknown path, wrong method, CSRF refusal, throttling).
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
CALLS: list[tuple[str, str, bytes]] = [
    ("POST", "/auth/login", b"username=x&password=y"),
    ("POST", "/auth/login", b"username=%zz%&&==&password"),
    ("POST", "/auth/login", b"\xff\xfe\x00junk=\x80\x81"),
    ("POST", "/auth/signup", b"email=not-an-email&password=" + b"a" * 20_000),
    ("POST", "/movies/search-by-filters", b"year_from=abc&genres=Comedy&genres=&page=-1"),
    ("POST", "/account/login/", b"username=x&password=y"),  # a page form without its CSRF token
    ("POST", "/healthz", b"a=1&" * 3000),  # GET only: refused before the body is read
    ("POST", "/no-such-route", b"x=" + b"y" * 70_000),
    ("GET", "/healthz", b""),
]


@dataclass(frozen=True)
class Served:
    url: str
    key_file: Path
    key_file_before: bool
    log: Path


def make(*arguments: str) -> list[str]:
    return ["make", "--no-print-directory", "-C", str(ROOT), *arguments]


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An empty database on the suite's engine: a SQLite file, or a PostgreSQL database of its own."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path_factory.mktemp('make-run-db') / 'db.sqlite3'}"
        return
    server = urlsplit(os.environ["DATABASE_URL"])
    admin_url = urlunsplit(server._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {DATABASE}")
    try:
        yield urlunsplit(server._replace(path=f"/{DATABASE}"))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


def home_environment(database_url: str, home: Path) -> dict[str, str]:
    """What a shell at home has: no Django, provider or Redis settings, only the database to use (and a
    home of its own: gunicorn puts its control socket there)."""
    kept = {"PATH", "LANG", "LC_ALL", "TMPDIR"}
    environment = {k: v for k, v in os.environ.items() if k in kept}
    return {**environment, "HOME": str(home), "DATABASE_URL": database_url}


@pytest.fixture(scope="module")
def served(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("make-run")
    environment = home_environment(database_url, folder)
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env={**environment, "DJANGO_DEBUG": "true"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert migrate.returncode == 0, migrate.stderr[-3000:]
    key_file, log = folder / ".secret_key", folder / "serve.log"
    key_file_before = key_file.exists()
    port = free_port()
    with log.open("w") as output:
        process = subprocess.Popen(
            make("serve", f"PORT={port}", f"SECRET_KEY_FILE={key_file}"),
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        assert process.poll() is None, f"make serve exited:\n{log.read_text()[-3000:]}"
        try:
            return requests.get(f"{url}/healthz", timeout=10).status_code == 200
        except requests.RequestException:  # not listening yet, or a worker still loading the app
            return False

    try:
        until(healthy, seconds=90, what="make serve to answer /healthz")
        yield Served(url, key_file, key_file_before, log)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def test_make_serve_runs_the_dockerfile_server_on_127_0_0_1() -> None:
    """The gunicorn command line of `make run` is the Dockerfile's, bound to 127.0.0.1:$PORT."""
    dry_run = subprocess.run(
        make("-n", "serve", "PORT=8123", f"SECRET_KEY_FILE={ROOT / 'Makefile'}"),  # an existing file
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout
    words = shlex.split(next(line for line in dry_run.splitlines() if " exec " in line))
    assert "DJANGO_DEBUG=false" in words and f"DJANGO_SECRET_KEY_FILE={ROOT / 'Makefile'}" in words
    command = words[words.index("exec") + 1 :]
    assert command[0] == ".venv/bin/gunicorn"
    expected = [part.replace("0.0.0.0:8000", "127.0.0.1:8123") for part in dockerfile_command()]
    assert command[1:] == expected[1:]
    assert "secrets" not in dry_run  # an existing key file is never made again


def test_the_key_file_is_made_on_first_start_for_its_owner_only(served: Served) -> None:
    assert not served.key_file_before
    assert stat.S_IMODE(served.key_file.stat().st_mode) == 0o600
    assert len(served.key_file.read_text().strip()) >= 50


def test_a_token_signed_with_the_public_development_key_is_refused(served: Served) -> None:
    credentials = {"email": "home@example.org", "username": "home", "password": PASSWORD}
    assert requests.post(f"{served.url}/auth/signup", json=credentials, timeout=30).status_code == 201
    login = requests.post(
        f"{served.url}/auth/login", data={"username": "home", "password": PASSWORD}, timeout=30
    )
    access = login.json()["access_token"]
    me = requests.get(f"{served.url}/users/me", headers={"Authorization": f"Bearer {access}"}, timeout=30)
    assert me.status_code == 200
    claims = jwt.decode(access, options={"verify_signature": False})
    forged = jwt.encode(claims, PUBLIC_DEVELOPMENT_KEY, algorithm="HS256")
    refused = requests.get(
        f"{served.url}/users/me", headers={"Authorization": f"Bearer {forged}"}, timeout=30
    )
    assert refused.status_code == 401


def test_debug_is_off_and_static_files_are_served(served: Served) -> None:
    missing = requests.get(f"{served.url}/no-such-page", timeout=30)
    assert missing.status_code == 404
    assert "DEBUG = True" not in missing.text and "URLconf" not in missing.text
    for path, kind in (("/static/admin/css/base.css", "text/css"), ("/static/web/htmx.min.js", "javascript")):
        response = requests.get(f"{served.url}{path}", timeout=30)
        assert response.status_code == 200, path
        assert kind in response.headers["Content-Type"] and len(response.content) > 1000


def test_concurrent_keep_alive_clients_with_form_bodies_all_get_an_answer(served: Served) -> None:
    clients, rounds = 8, 2
    answers: Counter[int] = Counter()
    failures: list[str] = []
    kept_alive: Counter[str] = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def client(index: int) -> None:
        session = requests.Session()  # one keep-alive connection per client
        barrier.wait()
        for n in range(rounds * len(CALLS)):
            method, path, body = CALLS[(index + n) % len(CALLS)]
            try:
                response = session.request(method, served.url + path, data=body, headers=FORM, timeout=30)
            except requests.RequestException as exc:
                with lock:
                    failures.append(f"{method} {path}: {exc!r}")
                continue
            with lock:
                answers[response.status_code] += 1
                kept_alive[response.headers.get("Connection", "")] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == [], failures[:5]
    assert sum(answers.values()) == clients * rounds * len(CALLS)
    assert all(code < 500 for code in answers), answers
    assert set(kept_alive) == {"keep-alive"}  # gunicorn kept every connection open for the next request
    assert '" 500 ' not in served.log.read_text()  # gunicorn's access log


def secret_key_setting(environment: dict[str, str]) -> subprocess.CompletedProcess:
    """The SECRET_KEY the settings module arrives at with only `environment` (debug off)."""
    return subprocess.run(
        [sys.executable, "-c", "from moviesyoudidntwatch.settings import base; print(base.SECRET_KEY)"],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "DJANGO_DEBUG": "false", **environment},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_secret_key_comes_from_the_environment_first_then_from_a_private_file(tmp_path: Path) -> None:
    key_file = tmp_path / ".secret_key"
    key_file.write_text("k" * 50 + "\n")
    key_file.chmod(0o600)
    from_file = secret_key_setting({"DJANGO_SECRET_KEY_FILE": str(key_file)})
    assert from_file.stdout.strip() == "k" * 50, from_file.stderr
    given = secret_key_setting({"DJANGO_SECRET_KEY_FILE": str(key_file), "DJANGO_SECRET_KEY": "e" * 50})
    assert given.stdout.strip() == "e" * 50, given.stderr

    key_file.chmod(0o644)
    shared = secret_key_setting({"DJANGO_SECRET_KEY_FILE": str(key_file)})
    assert shared.returncode != 0 and f"chmod 600 {key_file}" in shared.stderr
    missing = secret_key_setting({"DJANGO_SECRET_KEY_FILE": str(tmp_path / "none")})
    assert missing.returncode != 0 and "DJANGO_SECRET_KEY_FILE: cannot read" in missing.stderr
    neither = secret_key_setting({})
    assert neither.returncode != 0 and "Set DJANGO_SECRET_KEY or DJANGO_SECRET_KEY_FILE" in neither.stderr
