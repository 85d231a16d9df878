"""Counters per fixed time window in the shared cache, for the request throttles and the login limits.

A counter is changed by one atomic increment (Redis `INCR` when `REDIS_URL` is set, a locked update in the
local-memory cache otherwise), never read and written back: parallel requests in any worker are all counted.
A window's counter is created by `cache.add`, so two first requests cannot both start it at 1.
"""

import contextlib
import math
import time
from dataclasses import dataclass

from django.core.cache import BaseCache
from django.core.cache import cache as default_cache


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
    try:
        count = cache.incr(window_key)
    except ValueError:  # the window's first: create its counter (it outlives the window by 1 s)
        count = 1 if cache.add(window_key, 1, timeout=seconds + 1) else cache.incr(window_key)
    return WindowCount(count=count, ends_at=ends_at)


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
