"""gunicorn serving the app on 127.0.0.1 for the bench, and the CPU it, the bench and the machine use."""

import argparse
import ctypes
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


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
    # Each worker its own listening socket (SO_REUSEPORT), as in the Dockerfile: the kernel spreads new
    # connections over the workers, where one shared socket let one worker take most keep-alive connections.
    reuse_port: bool = True
    port: int = field(default_factory=free_port)
    log: Path = field(
        default_factory=lambda: Path(tempfile.mkstemp(prefix="myw-gunicorn-", suffix=".log")[1])
    )
    process: subprocess.Popen | None = None

    @classmethod
    def for_options(cls, database_url: str, options: argparse.Namespace) -> "Server":
        """The server the bench's options ask for (`--workers`, `--threads`, …), on `database_url`."""
        return cls(
            database_url,
            options.redis_url,
            options.workers,
            options.threads,
            options.conn_max_age,
            reuse_port=options.reuse_port,
        )

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
            *(["--reuse-port"] if self.reuse_port else []),
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
