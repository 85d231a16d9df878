"""A database outage answers 503 with Retry-After (never 500), and the app recovers by itself.

The app reaches PostgreSQL through a local TCP relay that can drop every open connection and refuse new
ones, as a restart does: the database itself stays up for everyone else. SQLite has no server to lose.
"""

import contextlib
import socket
import threading
from collections.abc import Iterator

import pytest
from django.db import close_old_connections, connection
from rest_framework.test import APIClient

from tests.clients import with_token
from tests.factories import TitleFactory, UserFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a database server that can go away"),
]

FEED = "/movies/search-by-filters"


class DatabaseRelay:
    """Forwards TCP connections to the database; `cut()` drops them all and refuses new ones until
    `restore()`."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.accepting = True
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _address = self.listener.accept()
            except OSError:  # closed
                return
            if not self.accepting:
                client.close()  # the client sees the server close the connection, as during a restart
                continue
            server = socket.create_connection(self.upstream)
            with self._lock:
                self._open |= {client, server}
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        for end in (source, target):
            _shut(end)

    def cut(self) -> None:
        self.accepting = False
        with self._lock:
            dropped, self._open = self._open, set()
        for end in dropped:
            _shut(end)

    def restore(self) -> None:
        self.accepting = True

    def close(self) -> None:
        self.cut()
        self.listener.close()


def _shut(end: socket.socket) -> None:
    with contextlib.suppress(OSError):
        end.shutdown(socket.SHUT_RDWR)
    end.close()


@pytest.fixture
def relay(transactional_db: None) -> Iterator[DatabaseRelay]:
    """The app's database connection goes through a relay from now on (data is committed: no test
    transaction)."""
    settings_dict = connection.settings_dict
    original = {key: settings_dict[key] for key in ("HOST", "PORT", "CONN_MAX_AGE", "CONN_HEALTH_CHECKS")}
    relay = DatabaseRelay((settings_dict["HOST"] or "127.0.0.1", int(settings_dict["PORT"] or 5432)))
    connection.close()
    settings_dict.update(HOST="127.0.0.1", PORT=str(relay.port))
    yield relay
    connection.close()
    settings_dict.update(original)
    relay.close()


class ServedClient(APIClient):
    """Requests with the connection upkeep a server does around each one (Django's test client skips it):
    a kept connection is checked, an obsolete or broken one closed."""

    def request(self, **request: object) -> object:
        close_old_connections()
        try:
            return super().request(**request)
        finally:
            close_old_connections()


def _keep_connections(*, max_age: int, health_checks: bool) -> None:
    connection.close()
    connection.settings_dict.update(CONN_MAX_AGE=max_age, CONN_HEALTH_CHECKS=health_checks)


@pytest.mark.parametrize("max_age", [0, 60], ids=["connection-per-request", "kept-connections"])
def test_requests_during_an_outage_are_503_and_the_next_ones_succeed(
    relay: DatabaseRelay, max_age: int
) -> None:
    _keep_connections(max_age=max_age, health_checks=True)
    title = TitleFactory()
    client = with_token(ServedClient(), UserFactory())
    update = {"title_id": title.pk, "status": "seen"}
    assert client.post(FEED, {}, format="json").status_code == 200

    relay.cut()
    during = [
        client.post(FEED, {}, format="json", HTTP_ACCEPT_LANGUAGE="fr"),
        client.post("/me/movies/update_status", update, format="json"),
        client.get("/me/movies/seen"),
        client.get("/healthz"),
    ]
    assert [r.status_code for r in during] == [503, 503, 503, 503]
    assert [r["Retry-After"] for r in during] == ["5", "5", "5", "5"]
    assert {r["Content-Type"] for r in during} == {"application/problem+json"}
    assert during[0].json() == {
        "type": "about:blank",
        "title": "Service Unavailable",
        "status": 503,
        "detail": "Le service est temporairement indisponible. Réessayez dans quelques instants.",
        "code": "service_unavailable",
    }
    assert (during[3].json()["code"], during[3].json()["database"]) == ("service_unavailable", "down")

    relay.restore()
    assert client.post("/me/movies/update_status", update, format="json").status_code == 200
    assert client.get("/me/movies/seen").json()["count"] == 1
    assert client.post(FEED, {}, format="json").json()["excluded_count"] == 1
    assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize(("health_checks", "statuses"), [(True, [200]), (False, [503, 200])])
def test_a_kept_connection_lost_while_idle(
    relay: DatabaseRelay, health_checks: bool, statuses: list[int]
) -> None:
    """The database restarted between two requests: with health checks the dead connection is replaced before
    use; without them one request fails (503) and the connection is replaced after it."""
    _keep_connections(max_age=60, health_checks=health_checks)
    # With a token: the request must read the database (anonymous feeds are cached).
    client = with_token(ServedClient(), UserFactory())
    assert client.post(FEED, {}, format="json").status_code == 200
    relay.cut()
    relay.restore()
    assert [client.post(FEED, {}, format="json").status_code for _ in statuses] == statuses
