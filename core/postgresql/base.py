"""Django's PostgreSQL backend, with the health check of a kept connection made without a round trip while
the server has said nothing.

With `CONN_HEALTH_CHECKS`, Django sends `SELECT 1` before each request reuses a connection: a round trip,
about a tenth of an API request's CPU under load (README "Load test"). A server that ends a connection (a
restart, a terminated backend, an idle timeout) says so on its socket, which then reads as ready; an idle
connection's socket that is not ready has received nothing since the last answer. So a socket with nothing to
read is healthy without asking, and one with something to read gets Django's own check (a notice or a
notification also makes it ready: the check then decides).
"""

import select
from typing import Any

import psycopg
from django.db.backends.postgresql import base


def _server_silent(connection: "psycopg.Connection[Any]") -> bool:
    """Whether the server has sent nothing on this connection since its last answer."""
    if connection.closed or connection.broken:
        return False
    try:
        ready, _writable, _failed = select.select([connection.fileno()], [], [], 0)
    except (OSError, ValueError):
        return False
    return not ready


class DatabaseWrapper(base.DatabaseWrapper):
    health_check_enabled: bool  # set by connect() from CONN_HEALTH_CHECKS (not in django-stubs)
    health_check_done: bool

    def close_if_health_check_failed(self) -> None:
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and _server_silent(self.connection)
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()
