"""The restart phase's own PostgreSQL cluster: a throwaway one it may stop and start, never the shared server."""

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.db import connection

PG_BIN = Path("/usr/lib/postgresql/15/bin")


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
