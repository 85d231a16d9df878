"""Load test: gunicorn on 127.0.0.1 against PostgreSQL, driven by 32 concurrent keep-alive clients.

    .venv/bin/python -m bench.load                          # every phase below
    .venv/bin/python -m bench.load --phase throughput --runs 3
    .venv/bin/python -m bench.load --phase races
    .venv/bin/python -m bench.load --phase restart          # root: starts its own PostgreSQL cluster
    .venv/bin/python -m bench.load --smoke                  # every phase in seconds: 4 clients, 1 s runs

Phases:

- throughput: the discovery feed (POST /movies/search-by-filters, with a token, so the caller's titles
  are excluded; and anonymously), status updates and the lists, each for `--seconds` with `--clients`
  connections; req/s, p50/p95/p99 and errors. The load comes from wrk when it is installed (`apt-get
  install wrk`; it costs a few percent of a core), else from Python threads. The CPU that the load
  generator, gunicorn and the whole machine used is printed, to show what the bottleneck is.
- races: 500 status updates from 50 threads at once, half of them on five (user, title) pairs with
  conflicting statuses; then the database is checked: no duplicate rows, no lost update.
- restart: a private PostgreSQL cluster (initdb in a temporary folder, `--private-port`, never the shared
  server) behind a second gunicorn; under load it is stopped for `--outage-seconds` and started again.
  Counts the 503s and 500s and the seconds until requests succeed again, with no action on the app.

The bench database (`DATABASE_URL`, default myw_bench_load on the local server) is migrated and loaded
with the embedded catalog when empty. The server shares `--redis-url` (default Redis database 11) as its
cache, so the throttles count across workers as in production; their rates are raised so that the load
is measured, not refused.

`--smoke` runs the same phases on tiny sizes against whatever the environment has: SQLite works (each
gunicorn process then counts for itself), the cache is `REDIS_URL` or in-process, and the restart phase
runs only where it can (PostgreSQL, root, PostgreSQL's own binaries), else it says why it is skipped.
"""

import os
import secrets

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/myw_bench_load")
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))  # shared with the server: tokens

from bench.common import arguments, prepare_database  # sets Django up

import argparse
import contextlib
import ctypes
import json
import random
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import connection
from django.db.models import Count

from accounts.models import User
from accounts.services import tokens_issue
from catalog.models import MediaType, Title
from library.models import Entry, Status

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path("/usr/lib/postgresql/15/bin")
FEED = "/movies/search-by-filters"
UPDATE = "/me/movies/update_status"
FEED_BODIES = [
    {},
    {"genres": ["Comedy"]},
    {"year_from": 1990, "year_to": 2010},
    {"min_rating": 7},
    {"genres": ["Drama"], "sort_by": "year"},
    {"languages": ["fr"]},
    {"page": 2},
    {"genres": ["Science Fiction"], "min_votes": 1000},
]
STATUSES = [Status.SEEN, Status.LATER, Status.HIDDEN]
# The smoke run's options: every phase in seconds (see main()).
SMOKE = {
    "clients": 4,
    "seconds": 1,
    "runs": 1,
    "warm_up_seconds": 0,
    "workers": 2,
    "entries_per_user": 20,
    "race_updates": 40,
    "race_threads": 8,
    "warm_seconds": 1.0,
    "outage_seconds": 1.0,
    "after_seconds": 2.0,
}


# ---------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    """gunicorn serving the app on 127.0.0.1, its errors in a log file."""

    database_url: str
    redis_url: str
    workers: int
    threads: int
    conn_max_age: int
    port: int = field(default_factory=free_port)
    log: Path = field(
        default_factory=lambda: Path(tempfile.mkstemp(prefix="myw-gunicorn-", suffix=".log")[1])
    )
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "Server":
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "moviesyoudidntwatch.settings.base",
            "DJANGO_DEBUG": "false",
            "DATABASE_URL": self.database_url,
            "DATABASE_CONN_MAX_AGE": str(self.conn_max_age),
            "REDIS_URL": self.redis_url,
            "THROTTLE_ANON_RATE": "10000000/min",  # measured, not refused: the throttles still count
            "THROTTLE_USER_RATE": "10000000/min",
            "LOG_LEVEL": "WARNING",
        }
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "moviesyoudidntwatch.wsgi",
            f"--bind=127.0.0.1:{self.port}",
            f"--workers={self.workers}",
            f"--threads={self.threads}",
            f"--worker-class={'gthread' if self.threads > 1 else 'sync'}",
            "--keep-alive=30",
            "--backlog=256",
            "--no-control-socket",  # none in the user's home: several servers may run at once
        ]
        with self.log.open("ab") as log:  # the app's own log lines (503s during the outage) go there too
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=log, preexec_fn=_die_with_parent
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/healthz", timeout=10).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"gunicorn did not start; see {self.log}:\n{self.log.read_text()[-3000:]}")

    def __exit__(self, *exc: object) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def cpu_seconds(self) -> float:
        """CPU used so far by the master and its workers."""
        assert self.process is not None
        return sum(_process_cpu(pid) for pid in [self.process.pid, *_children(self.process.pid)])


def _die_with_parent() -> None:
    """In the child: get SIGTERM if this bench dies, so no server outlives it (Linux prctl)."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _process_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU jiffies of the whole machine since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


# ---------------------------------------------------------------- data


def bench_users(prefix: str, count: int) -> list[User]:
    users = []
    for i in range(count):
        user, _ = User.objects.get_or_create(
            username=f"{prefix}-{i:03d}", defaults={"email": f"{prefix}-{i:03d}@example.org"}
        )
        users.append(user)
    return users


def give_entries(users: list[User], per_user: int) -> None:
    """Each user has marked the best-ranked films (the worst case for "never seen"), some watch-later."""
    best = list(
        Title.objects.filter(media_type=MediaType.MOVIE)
        .order_by("-score", "pk")
        .values_list("pk", flat=True)[: per_user * 2]
    )
    Entry.objects.filter(user__in=users).delete()
    Entry.objects.bulk_create(
        [
            Entry(user=user, title_id=pk, status=STATUSES[(i + n) % 3])
            for n, user in enumerate(users)
            for i, pk in enumerate(random.Random(user.pk).sample(best, per_user))
        ],
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE library_entry")


def movie_ids() -> list[int]:
    return list(Title.objects.filter(media_type=MediaType.MOVIE).values_list("pk", flat=True))


# ---------------------------------------------------------------- load generators


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    body: dict | None = None


@dataclass
class Result:
    name: str
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    codes: dict[int, int]
    transport_errors: int
    generator_cpu: float
    server_cpu: float
    machine_busy: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    @property
    def errors(self) -> int:
        return self.transport_errors + sum(n for code, n in self.codes.items() if code >= 400)

    def line(self) -> str:
        codes = " ".join(f"{code}: {n}" for code, n in sorted(self.codes.items()))
        return (
            f"{self.name:<22} {self.rate:8.1f} req/s  p50 {self.p50_ms:6.1f}  p95 {self.p95_ms:6.1f}  "
            f"p99 {self.p99_ms:6.1f} ms  errors {self.errors:<4} [{codes}]  "
            f"cpu: load generator {self.generator_cpu:4.0%} of a core, gunicorn {self.server_cpu:4.0%} "
            f"({self.server_ms_per_request:.1f} ms a request), machine {self.machine_busy:4.0%} busy"
        )

    @property
    def server_ms_per_request(self) -> float:
        """gunicorn's CPU time per request: what the app costs, whatever else the machine is running."""
        return 1000 * self.server_cpu / self.rate if self.requests else float("nan")


WRK_SCRIPT = """
local calls = %(calls)s
local tokens = %(tokens)s
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  n = id * 7919
  codes = {}
end

function request()
  n = n + 1
  local call = calls[(n %% #calls) + 1]
  local headers = {["Content-Type"] = "application/json"}
  if #tokens > 0 then
    headers["Authorization"] = "Bearer " .. tokens[(n %% #tokens) + 1]
  end
  return wrk.format(call[1], call[2], headers, call[3])
end

function response(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    for code, count in pairs(thread:get("codes")) do
      merged[tostring(code)] = (merged[tostring(code)] or 0) + count
    end
  end
  local parts = {}
  for code, count in pairs(merged) do table.insert(parts, string.format('"%%s": %%d', code, count)) end
  local e = summary.errors
  io.write(string.format(
    'WRK-RESULT {"requests": %%d, "duration_us": %%d, "p50": %%d, "p95": %%d, "p99": %%d, '
    .. '"transport_errors": %%d, "codes": {%%s}}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, table.concat(parts, ", ")))
end
"""


def _lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid Lua string for this ASCII content


def run_wrk(
    server: Server, name: str, calls: list[Call], tokens: list[str], *, clients: int, seconds: int
) -> Result:
    lua_calls = ", ".join(
        "{{{}, {}, {}}}".format(
            _lua_string(c.method),
            _lua_string(c.path),
            _lua_string(json.dumps(c.body)) if c.body is not None else "nil",
        )
        for c in calls
    )
    lua_tokens = ", ".join(_lua_string(t) for t in tokens)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % {"calls": "{" + lua_calls + "}", "tokens": "{" + lua_tokens + "}"})
    try:
        with measured(server) as usage:
            output = subprocess.run(
                [
                    "wrk",
                    "-t2",
                    f"-c{clients}",
                    f"-d{seconds}s",
                    "--timeout=10s",
                    "-s",
                    script.name,
                    server.url,
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
    finally:
        os.unlink(script.name)
    line = next(x for x in output.splitlines() if x.startswith("WRK-RESULT "))
    data = json.loads(line.removeprefix("WRK-RESULT "))
    return Result(
        name=name,
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50"] / 1000,
        p95_ms=data["p95"] / 1000,
        p99_ms=data["p99"] / 1000,
        codes={int(k): v for k, v in data["codes"].items()},
        transport_errors=data["transport_errors"],
        **usage,
    )


def run_threads(
    server: Server, name: str, calls: list[Call], tokens: list[str], *, clients: int, seconds: int
) -> Result:
    """The same load from Python threads, one keep-alive session each (when wrk is not installed)."""
    latencies: list[float] = []
    codes: Counter[int] = Counter()
    transport_errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(index: int) -> None:
        nonlocal transport_errors
        session = requests.Session()
        mine: list[float] = []
        counted: Counter[int] = Counter()
        failures = 0
        n = index * 7919
        while time.monotonic() < deadline:
            n += 1
            call = calls[n % len(calls)]
            headers = {"Authorization": f"Bearer {tokens[n % len(tokens)]}"} if tokens else {}
            started = time.perf_counter()
            try:
                response = session.request(
                    call.method, server.url + call.path, json=call.body, headers=headers
                )
            except requests.RequestException:
                failures += 1
                continue
            mine.append((time.perf_counter() - started) * 1000)
            counted[response.status_code] += 1
        session.close()  # the server's graceful stop would wait for idle keep-alive connections
        with lock:
            latencies.extend(mine)
            codes.update(counted)
            transport_errors += failures

    started = time.monotonic()
    with measured(server, children=False) as usage:
        workers = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    return Result(
        name=name,
        requests=len(latencies),
        seconds=elapsed,
        p50_ms=_percentile(latencies, 50),
        p95_ms=_percentile(latencies, 95),
        p99_ms=_percentile(latencies, 99),
        codes=dict(codes),
        transport_errors=transport_errors,
        **usage,
    )


def _percentile(ordered: list[float], p: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))] if ordered else float("nan")


@contextmanager
def measured(server: Server, *, children: bool = True) -> Iterator[dict[str, float]]:
    """CPU shares over the block: the load generator (a child process, or this one), gunicorn, the machine."""
    usage: dict[str, float] = {}
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    before = resource.getrusage(who)
    server_before, (busy_before, total_before) = server.cpu_seconds(), machine_busy()
    started = time.monotonic()
    yield usage
    elapsed = time.monotonic() - started
    after = resource.getrusage(who)
    busy_after, total_after = machine_busy()
    usage["generator_cpu"] = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) / elapsed
    usage["server_cpu"] = (server.cpu_seconds() - server_before) / elapsed
    usage["machine_busy"] = (busy_after - busy_before) / max(1, total_after - total_before)


# ---------------------------------------------------------------- phases


def phase_throughput(server: Server, args: argparse.Namespace) -> dict[str, list[Result]]:
    users = bench_users("load", args.clients)
    give_entries(users, args.entries_per_user)
    tokens = [tokens_issue(user=u).access for u in users]
    ids = movie_ids()
    rng = random.Random(7)
    feed = [Call("POST", FEED, body) for body in FEED_BODIES]
    scenarios = {
        "feed (token)": (feed, tokens),
        "feed (anonymous)": (feed, []),
        "status updates": (
            [
                Call("POST", UPDATE, {"title_id": rng.choice(ids), "status": rng.choice(STATUSES)})
                for _ in range(4000)
            ],
            tokens,
        ),
        "lists": (
            [
                Call("GET", f"/me/movies/{name}?page={page}")
                for name in ("seen", "towatchlater", "hidden")
                for page in (1, 2, 3)
            ],
            tokens,
        ),
    }
    if args.scenarios:
        scenarios = {name: scenarios[name] for name in args.scenarios.split(",")}
    run = run_wrk if args.generator == "wrk" else run_threads
    print(f"load generator: {args.generator}, {args.clients} connections, {args.seconds} s a run")
    results: dict[str, list[Result]] = {name: [] for name in scenarios}
    for name, (calls, scenario_tokens) in scenarios.items():
        if args.warm_up_seconds:
            run(
                server,
                f"{name} (warm-up)",
                calls,
                scenario_tokens,
                clients=args.clients,
                seconds=args.warm_up_seconds,
            )
        for _ in range(args.runs):
            result = run(server, name, calls, scenario_tokens, clients=args.clients, seconds=args.seconds)
            print(result.line(), flush=True)
            results[name].append(result)
    print("\nsummary (best and median of the runs):")
    for name, runs in results.items():
        rates = sorted((r.rate for r in runs), reverse=True)
        median = sorted(runs, key=lambda r: r.rate)[(len(runs) - 1) // 2]  # the lower median
        print(
            f"  {name:<20} best {rates[0]:7.1f} req/s, median {median.rate:7.1f} req/s "
            f"(p50 {median.p50_ms:.1f} / p95 {median.p95_ms:.1f} / p99 {median.p99_ms:.1f} ms), "
            f"errors {sum(r.errors for r in runs)}, gunicorn CPU {median.server_ms_per_request:.1f} ms a request"
        )
    return results


def phase_races(server: Server, args: argparse.Namespace) -> bool:
    """500 updates at once from 50 threads; half on five (user, title) pairs with conflicting statuses."""
    users = bench_users("race", 10)
    Entry.objects.filter(user__in=users).delete()
    tokens = {u.pk: tokens_issue(user=u).access for u in users}
    rng = random.Random(11)
    contested = args.race_updates // 2
    single = args.race_updates - contested
    titles = rng.sample(movie_ids(), 5 + single)
    hot_pairs = [(users[k].pk, titles[k]) for k in range(5)]
    plan: list[tuple[int, int, str, int | None]] = []  # user, title, status, rating
    for i in range(contested):
        user_id, title_id = hot_pairs[i % 5]
        status = rng.choice(STATUSES)
        plan.append((user_id, title_id, status, rng.randint(1, 10) if status == Status.SEEN else None))
    for i in range(single):
        status = rng.choice(STATUSES)
        rating = rng.randint(1, 10) if status == Status.SEEN and i % 2 else None
        plan.append((users[5 + i % 5].pk, titles[5 + i], status, rating))
    rng.shuffle(plan)

    threads = args.race_threads
    barrier = threading.Barrier(threads)
    answers: list[tuple[tuple, int, dict]] = []
    lock = threading.Lock()

    def client(share: list[tuple[int, int, str, int | None]]) -> None:
        session = requests.Session()
        barrier.wait()  # every thread starts at once
        for user_id, title_id, status, rating in share:
            body = {"title_id": title_id, "status": status, **({"rating": rating} if rating else {})}
            response = session.post(
                server.url + UPDATE, json=body, headers={"Authorization": f"Bearer {tokens[user_id]}"}
            )
            with lock:
                answers.append(((user_id, title_id, status, rating), response.status_code, response.json()))
        session.close()

    started = time.monotonic()
    workers = [threading.Thread(target=client, args=(plan[i::threads],)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - started

    codes = Counter(code for _, code, _ in answers)
    rows = {(e.user_id, e.title_id): e for e in Entry.objects.filter(user__in=users)}
    duplicates = list(
        Entry.objects.filter(user__in=users).values("user", "title").annotate(n=Count("pk")).filter(n__gt=1)
    )
    wrong_answers = [
        sent
        for sent, code, body in answers
        if code == 200 and not _as_sent(sent, body["status"], body["rating"])
    ]
    lost = []
    for sent in plan:
        if sent[:2] in hot_pairs:
            continue
        row = rows.get(sent[:2])
        if row is None or not _as_sent(sent, row.status, row.rating):
            lost.append((sent, row and (row.status, row.rating)))
    print(
        f"{len(answers)} concurrent status updates from {threads} threads in {elapsed:.1f} s: {dict(codes)}"
    )
    print(f"  rows for the 5 contested pairs and {single} single ones: {len(rows)} (expected {5 + single})")
    print(f"  duplicate (user, title) rows: {len(duplicates)}")
    print(f"  single updates missing or different in the database: {len(lost)}")
    print(f"  answers reporting another status or rating than the one sent: {len(wrong_answers)}")
    contested_ok = True
    for pair in hot_pairs:
        mine = [body for a, code, body in answers if code == 200 and (a[0], a[1]) == pair]
        latest = max(mine, key=lambda body: body["updated_at"])
        last_writes = {(b["status"], b["rating"]) for b in mine if b["updated_at"] == latest["updated_at"]}
        row = rows.get(pair)
        in_db = (row.status, row.rating) if row else None
        ok = last_writes == {in_db}
        contested_ok &= ok
        print(
            f"  contested pair user {pair[0]}, title {pair[1]}: {len(mine)} updates, last acknowledged "
            f"{sorted(last_writes)} at {latest['updated_at']}, database {in_db} -> {'same' if ok else 'LOST UPDATE'}"
        )
    passed = (
        codes == {200: len(plan)}
        and len(rows) == 5 + single
        and not duplicates
        and not lost
        and not wrong_answers
        and contested_ok
    )
    print(f"  {'PASS' if passed else 'FAIL'}: no duplicates, no lost updates")
    return passed


def _as_sent(sent: tuple[int, int, str, int | None], status: str, rating: int | None) -> bool:
    """Whether a status and rating are what this update asked for (no rating sent keeps the old one)."""
    _user, _title, sent_status, sent_rating = sent
    if status != sent_status:
        return False
    if status != Status.SEEN:
        return rating is None
    return sent_rating is None or rating == sent_rating


# ---------------------------------------------------------------- restart


@dataclass
class PrivateCluster:
    """A throwaway PostgreSQL cluster of our own (never the shared server), run by the `postgres` user."""

    port: int
    directory: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="myw-bench-pg-")))

    def _as_postgres(self, *command: str) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *command], check=True, capture_output=True, text=True
        )

    def pg_ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.directory / "data"),
            "-o",
            options,
            "-l",
            str(self.directory / "server.log"),
            "-w",
            *extra,
            action,
        )

    def __enter__(self) -> "PrivateCluster":
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                raise RuntimeError(f"port {self.port} is taken: pass another --private-port")
        shutil.chown(self.directory, "postgres", "postgres")
        self._as_postgres(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.directory / "data"),
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
        )
        self.pg_ctl("start")
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(self.directory, ignore_errors=True)

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def copy_database(self, source_url: str, name: str) -> None:
        """The bench database, copied from the shared server (read only there) with pg_dump."""
        source = urlsplit(source_url)
        dump = self.directory / "bench.dump"
        subprocess.run(
            [
                str(PG_BIN / "pg_dump"),
                "-h",
                source.hostname or "127.0.0.1",
                "-p",
                str(source.port or 5432),
                "-U",
                source.username or "postgres",
                "-Fc",
                "-f",
                str(dump),
                source.path.lstrip("/"),
            ],
            check=True,
        )
        subprocess.run(
            [str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name],
            check=True,
        )
        subprocess.run(
            [
                str(PG_BIN / "pg_restore"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "--no-owner",
                "-j",
                "2",
                "-d",
                name,
                str(dump),
            ],
            check=True,
        )


def restart_unavailable() -> str:
    """Why the restart phase cannot run here ("" when it can)."""
    if connection.vendor != "postgresql":
        return f"it stops a PostgreSQL server, and this database is {connection.vendor}"
    if not (PG_BIN / "initdb").exists():
        return f"it starts a private PostgreSQL cluster, and {PG_BIN} has no initdb"
    if os.geteuid() != 0:
        return "it runs its private cluster as the postgres user, which needs root"
    return ""


def phase_restart(args: argparse.Namespace) -> bool:
    """Stop the database under load, start it again, and watch the app answer 503s and then recover."""
    users = bench_users("load", 16)
    tokens = [tokens_issue(user=u).access for u in users]
    ids = movie_ids()
    with PrivateCluster(port=args.private_port) as cluster:
        print(
            f"private PostgreSQL cluster in {cluster.directory} on port {cluster.port}; copying the bench database"
        )
        cluster.copy_database(os.environ["DATABASE_URL"], "myw_bench_load")
        with Server(
            cluster.url("myw_bench_load"), args.redis_url, args.workers, args.threads, args.conn_max_age
        ) as server:
            return _restart_under_load(server, cluster, tokens, ids, args)


def _restart_under_load(
    server: Server, cluster: PrivateCluster, tokens: list[str], ids: list[int], args: argparse.Namespace
) -> bool:
    log: list[tuple[float, str, int | str]] = []  # (time, route, status code or transport error)
    lock = threading.Lock()
    stop = threading.Event()
    origin = time.monotonic()

    def client(index: int) -> None:
        session = requests.Session()
        rng = random.Random(index)
        headers = {"Authorization": f"Bearer {tokens[index % len(tokens)]}"}
        while not stop.is_set():
            route = ("feed", "update", "list")[rng.randrange(3)]
            try:
                if route == "feed":
                    response = session.post(
                        server.url + FEED, json=rng.choice(FEED_BODIES), headers=headers, timeout=30
                    )
                elif route == "update":
                    body = {"title_id": rng.choice(ids), "status": rng.choice(STATUSES)}
                    response = session.post(server.url + UPDATE, json=body, headers=headers, timeout=30)
                else:
                    response = session.get(server.url + "/me/movies/seen", headers=headers, timeout=30)
                outcome: int | str = response.status_code
                if outcome == 503 and "Retry-After" not in response.headers:
                    outcome = "503 without Retry-After"
            except requests.RequestException as exc:
                outcome = type(exc).__name__
            with lock:
                log.append((time.monotonic() - origin, route, outcome))

    workers = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
    for worker in workers:
        worker.start()
    time.sleep(args.warm_seconds)
    went_down = time.monotonic() - origin
    cluster.pg_ctl("stop", "-m", "fast")
    stopped = time.monotonic() - origin
    time.sleep(args.outage_seconds)
    cluster.pg_ctl("start")
    back_up = time.monotonic() - origin
    time.sleep(args.after_seconds)
    stop.set()
    for worker in workers:
        worker.join()

    with lock:
        entries = sorted(log)
    before = [o for t, _, o in entries if t < went_down]
    during = [o for t, _, o in entries if went_down <= t < back_up]
    after = [(t, o) for t, _, o in entries if t >= back_up]
    failures_after = [t for t, o in after if o != 200]
    first_ok = next((t for t, o in after if o == 200), None)
    last_failure = max(failures_after, default=back_up)
    all_outcomes = Counter(o for _, _, o in entries)
    print(
        f"{args.clients} clients (feed, status updates, lists); database stopped at {went_down:.1f} s "
        f"(down at {stopped:.1f} s), started again at {back_up:.1f} s, load until {back_up + args.after_seconds:.1f} s"
    )
    print(f"  before the stop:        {dict(Counter(before))}")
    print(f"  while stopped/starting: {dict(Counter(during))}")
    print(f"  after it was back:      {dict(Counter(o for _, o in after))}")
    print(f"  503 answers in all: {all_outcomes.get(503, 0)}; 500 answers: {all_outcomes.get(500, 0)}")
    recovered = first_ok is not None and all(o == 200 for t, o in after if t > last_failure)
    print(
        f"  first success {first_ok - back_up:.2f} s after the database was back; last failure "
        f"{last_failure - back_up:.2f} s after it; every request succeeded from then on: {recovered}"
        if first_ok is not None
        else "  NO request succeeded after the database came back"
    )
    unexpected = {o for o in all_outcomes if o not in (200, 503)}
    passed = recovered and all_outcomes.get(500, 0) == 0 and not unexpected and all_outcomes.get(503, 0) > 0
    print(
        f"  {'PASS' if passed else 'FAIL'}: 503s during the outage, no 500, recovery without any action"
        + (f"; unexpected outcomes: {unexpected}" if unexpected else "")
    )
    return passed


# ---------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phase", choices=["all", "throughput", "races", "restart"], default="all")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=20, help="length of one throughput run")
    parser.add_argument("--runs", type=int, default=3, help="throughput runs per scenario (best and median)")
    parser.add_argument("--scenarios", help='throughput scenarios to run, e.g. "feed (token),lists"')
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=2, help="threads per worker (gthread when > 1)")
    parser.add_argument("--conn-max-age", type=int, default=60, help="DATABASE_CONN_MAX_AGE of the server")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/11")
    parser.add_argument(
        "--generator", choices=["wrk", "python"], default="wrk" if shutil.which("wrk") else "python"
    )
    parser.add_argument(
        "--private-port", type=int, default=5477, help="port of the private cluster (restart)"
    )
    parser.add_argument("--warm-seconds", type=float, default=5, help="load before the outage (restart)")
    parser.add_argument("--outage-seconds", type=float, default=3)
    parser.add_argument("--after-seconds", type=float, default=10)
    parser.add_argument("--warm-up-seconds", type=int, default=3, help="unmeasured run before each scenario")
    parser.add_argument(
        "--entries-per-user", type=int, default=300, help="best-ranked films each user marked"
    )
    parser.add_argument("--race-updates", type=int, default=500, help="concurrent updates (races)")
    parser.add_argument("--race-threads", type=int, default=50)
    args = arguments(parser)
    if args.smoke:
        vars(args).update(SMOKE, redis_url=settings.REDIS_URL)  # the cache the environment has, if any

    print(
        f"database: {connection.vendor} {settings.DATABASES['default'].get('NAME')}; "
        f"cache: {args.redis_url or 'in-process'}"
    )
    prepare_database(smoke=args.smoke)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    passed = True
    if args.phase in ("all", "throughput", "races"):
        with Server(
            os.environ["DATABASE_URL"], args.redis_url, args.workers, args.threads, args.conn_max_age
        ) as server:
            mode = f"gthread, {args.threads} threads" if args.threads > 1 else "sync"
            print(
                f"gunicorn: {args.workers} workers ({mode}) on {server.url}, CONN_MAX_AGE={args.conn_max_age}\n"
            )
            if args.phase in ("all", "throughput"):
                phase_throughput(server, args)
                print()
            if args.phase in ("all", "races"):
                passed &= phase_races(server, args)
                print()
    if args.phase in ("all", "restart"):
        cannot = restart_unavailable()
        if cannot and args.phase == "all":
            print(f"restart phase skipped: {cannot}")
        else:
            passed &= phase_restart(args)
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
