"""Window counters (core/counters.py) in the cache the service runs with: Redis when `REDIS_URL` is set."""

import uuid

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from redis.connection import Connection

from core.counters import (
    window_count_clear,
    window_count_decrement,
    window_count_increment,
    window_count_read,
)

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not django_settings.REDIS_URL, reason="the counters' Redis path needs Redis"),
]


def redis_ttl(key: str, seconds: int, now: float) -> int:
    cache = caches["default"]
    assert isinstance(cache, RedisCache)
    window_key = cache.make_and_validate_key(f"{key}:{int(now // seconds)}")
    return int(cache._cache.get_client(window_key).ttl(window_key))


def test_a_window_counts_from_one_and_expires_a_second_after_it_ends() -> None:
    key, now = f"counter-test:{uuid.uuid4().hex}", 1_800_000_000.0  # now: the start of a window of 100 s
    counts = [window_count_increment(key=key, seconds=100, now=now + i).count for i in range(3)]
    assert counts == [1, 2, 3]
    assert 0 < redis_ttl(key, 100, now) <= 101
    following = window_count_increment(key=key, seconds=100, now=now + 100)
    assert (following.count, following.ends_at) == (1, now + 200)


def test_the_count_is_what_reads_and_decrements_see() -> None:
    window_count_clear(key="counter-test:b", seconds=3600)
    for _ in range(4):
        window_count_increment(key="counter-test:b", seconds=3600)
    assert window_count_read(key="counter-test:b", seconds=3600) == 4
    window_count_decrement(key="counter-test:b", seconds=3600)
    assert window_count_read(key="counter-test:b", seconds=3600) == 3
    assert window_count_increment(key="counter-test:b", seconds=3600).count == 4
    window_count_clear(key="counter-test:b", seconds=3600)
    assert window_count_increment(key="counter-test:b", seconds=3600).count == 1


def test_an_increment_is_one_round_trip_to_redis(monkeypatch) -> None:
    """Every API request with a token counts one: the counter is created and added to in one exchange."""
    sent: list[object] = []
    send = Connection.send_packed_command

    def counted_send(connection: Connection, command: object, check_health: bool = True) -> None:
        sent.append(command)
        send(connection, command, check_health)

    monkeypatch.setattr(Connection, "send_packed_command", counted_send)
    key = f"counter-test:{uuid.uuid4().hex}"
    counts = [window_count_increment(key=key, seconds=3600).count for _ in range(3)]
    assert counts == [1, 2, 3]
    assert len(sent) == 3
