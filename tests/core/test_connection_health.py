"""A kept PostgreSQL connection is checked before a request reuses it without a round trip while the server
has said nothing on it, and with Django's `SELECT 1` once it has (core/postgresql/base.py)."""

import time
from collections.abc import Iterator
from typing import cast

import pytest
from django.db import connection, connections

from core.postgresql.base import DatabaseWrapper

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL's backend (CI sets DATABASE_URL)"
    ),
]


@pytest.fixture
def kept() -> Iterator[DatabaseWrapper]:
    """A second connection to the test database, as a request would keep it (health checks on)."""
    other = cast(DatabaseWrapper, connections.create_connection("default"))
    other.settings_dict["CONN_HEALTH_CHECKS"] = True
    other.ensure_connection()
    yield other
    other.close()


def last_query_of(pid: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return row[0] if row else ""


def pid_of(kept: DatabaseWrapper) -> int:
    with kept.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid() /* the last query before the check */")
        return int(cursor.fetchone()[0])


def test_a_healthy_kept_connection_is_reused_without_a_round_trip(kept: DatabaseWrapper) -> None:
    pid = pid_of(kept)
    kept.health_check_done = False  # a new request
    kept.close_if_health_check_failed()
    assert kept.connection is not None
    assert "the last query before the check" in last_query_of(pid)  # no SELECT 1 was sent
    with kept.cursor() as cursor:
        cursor.execute("SELECT 2")
        assert cursor.fetchone() == (2,)


def test_a_connection_the_server_ended_is_replaced_before_the_request_uses_it(
    kept: DatabaseWrapper,
) -> None:
    pid = pid_of(kept)
    with connection.cursor() as cursor:  # what a restart or an idle timeout does to it
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5
    while pid in active_pids() and time.monotonic() < deadline:
        time.sleep(0.02)

    kept.health_check_done = False  # the next request
    kept.close_if_health_check_failed()
    assert kept.connection is None  # closed before any query failed on it
    with kept.cursor() as cursor:  # the request's query gets a new connection
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


def active_pids() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity")
        return {row[0] for row in cursor.fetchall()}
