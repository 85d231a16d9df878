"""Counters per fixed time window in the shared cache, for the request throttles and the login limits.

A counter is changed by one atomic increment (Redis `INCR` when `REDIS_URL` is set, a locked update in the
local-memory cache otherwise), never read and written back: parallel requests in any worker are all counted.
A window's counter is created only when absent (`SET NX` on Redis, `cache.add` otherwise), so two first
requests cannot both start it at 1.
"""

import contextlib
import math
import time
import weakref
from dataclasses import dataclass

from django.core.cache import DEFAULT_CACHE_ALIAS, BaseCache, caches
from django.core.cache import cache as default_cache
from django.core.cache.backends.redis import RedisCache
from redis import Redis

# Each thread's Redis cache backend and its primary's client: Django makes a client on every call (50 µs).
_redis_writers: "weakref.WeakKeyDictionary[RedisCache, Redis]" = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class WindowCount:
    count: int
    ends_at: float  # when the window ends (epoch seconds)

    def wait_seconds(self, now: float | None = None) -> int:
        """Whole seconds until the window ends, at least 1: a `Retry-After`."""
        return max(1, math.ceil(self.ends_at - (time.time() if now is None else now)))


def _window(key: str, seconds: int, now: float) -> tuple[str, float]:
    window = int(now // seconds)
    return f"{key}:{window}", (window + 1) * seconds


def window_count_increment(
    *, key: str, seconds: int, cache: BaseCache = default_cache, now: float | None = None
) -> WindowCount:
    """Add one to the counter of the current window and return its new value."""
    window_key, ends_at = _window(key, seconds, time.time() if now is None else now)
    if cache is default_cache:  # a proxy to the default alias's backend, which says whether it is Redis
        cache = caches[DEFAULT_CACHE_ALIAS]
    if isinstance(cache, RedisCache):
        return WindowCount(count=_redis_increment(cache, window_key, seconds=seconds + 1), ends_at=ends_at)
    try:
        count = cache.incr(window_key)
    except ValueError:  # the window's first: create its counter (it outlives the window by 1 s)
        count = 1 if cache.add(window_key, 1, timeout=seconds + 1) else cache.incr(window_key)
    return WindowCount(count=count, ends_at=ends_at)


def _redis_increment(cache: RedisCache, window_key: str, *, seconds: int) -> int:
    """Create the counter at 0 for `seconds` unless it exists, then add one: both sent at once, one round
    trip (every API request with a token counts one; Django's `incr` first asks whether the key exists).
    The value stays what `cache.get` and `cache.decr` read: Django stores an int as its digits."""
    key = cache.make_and_validate_key(window_key)
    client = _redis_writers.get(cache)
    if client is None:
        client = _redis_writers[cache] = cache._cache.get_client(key, write=True)
    pipeline = client.pipeline(transaction=False)
    pipeline.set(key, 0, ex=seconds, nx=True)
    pipeline.incr(key)
    _created, count = pipeline.execute()
    return int(count)


def window_count_decrement(*, key: str, seconds: int, cache: BaseCache = default_cache) -> None:
    """Take back one increment of the current window (gone with its window: nothing to take back)."""
    window_key, _ = _window(key, seconds, time.time())
    with contextlib.suppress(ValueError):
        cache.decr(window_key)


def window_count_read(*, key: str, seconds: int, cache: BaseCache = default_cache) -> int:
    window_key, _ = _window(key, seconds, time.time())
    return int(cache.get(window_key) or 0)


def window_count_clear(*, key: str, seconds: int, cache: BaseCache = default_cache) -> None:
    window_key, _ = _window(key, seconds, time.time())
    cache.delete(window_key)
