"""Rate limits shared by everything that calls one provider: a token bucket and a daily request budget.

With `REDIS_URL` set, the state lives in Redis so that every web and worker process draws from the same
bucket (an atomic Lua script, clocked by the Redis server so that hosts with skewed clocks agree).
Without Redis, it lives in this process, shared by its threads.
"""

import logging
import math
import threading
import time
from datetime import UTC, datetime, timedelta
from functools import cache

import redis
from django.conf import settings
from redis.commands.core import Script

logger = logging.getLogger(__name__)

KEY_PREFIX = "myw:ratelimit:"
BUDGET_KEY_PREFIX = "myw:budget:"
REDIS_WARNING_INTERVAL_SECONDS = 60.0

# KEYS[1]: the bucket's hash; ARGV: rate per second, burst. Returns "0" when a token was taken, otherwise
# the seconds to wait before one is free (as a string: Redis turns a Lua float into a truncated integer).
BUCKET_SCRIPT = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = (1 - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return tostring(wait)
"""


@cache
def _redis(url: str) -> redis.Redis:
    """One connection pool per Redis URL for the whole process."""
    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)


@cache
def _bucket_script(url: str) -> Script:
    """The script object sends EVALSHA, and loads the script once if Redis does not know it yet."""
    return _redis(url).register_script(BUCKET_SCRIPT)


class _LocalBuckets:
    """Token buckets of this process, by name; the rate and burst come with each call, as in Redis."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state: dict[str, tuple[float, float]] = {}  # name -> (tokens, monotonic time)

    def take(self, name: str, rate: float, burst: int) -> float:
        with self._lock:
            now = time.monotonic()
            tokens, at = self._state.get(name, (float(burst), now))
            tokens = min(float(burst), tokens + max(0.0, now - at) * rate)
            wait = 0.0
            if tokens >= 1:
                tokens -= 1
            else:
                wait = (1 - tokens) / rate
            self._state[name] = (tokens, now)
            return wait


_local_buckets = _LocalBuckets()
_redis_warned_at: dict[str, float] = {}


def _warn_redis_down(what: str, exc: Exception) -> None:
    """Say once a minute, not at every request, that limits have fallen back to this process."""
    now = time.monotonic()
    if now - _redis_warned_at.get(what, -math.inf) >= REDIS_WARNING_INTERVAL_SECONDS:
        _redis_warned_at[what] = now
        logger.warning(
            "Redis unavailable for %s (%s): limiting in this process only", what, type(exc).__name__
        )


class RateLimiter:
    """A token bucket: `rate_per_second` tokens a second, at most `burst` saved up for a burst."""

    def __init__(self, name: str, rate_per_second: float, burst: int) -> None:
        if rate_per_second <= 0 or burst < 1:
            raise ValueError("rate_per_second must be positive and burst at least 1")
        self.name = name
        self.rate = float(rate_per_second)
        self.burst = int(burst)
        self._redis_url: str = settings.REDIS_URL

    def __repr__(self) -> str:
        backend = "redis" if self._redis_url else "local"
        return f"RateLimiter({self.name!r}, {self.rate}/s, burst={self.burst}, {backend})"

    def acquire(self, timeout: float | None = None) -> bool:
        """Block until a token is free and take it; False if none was free within `timeout` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            wait = self._take()
            if wait <= 0:
                return True
            if deadline is not None:
                remaining = deadline - time.monotonic()
                if remaining < wait:  # the token will not be ours in time: do not sleep for nothing
                    if remaining > 0:
                        time.sleep(remaining)
                    return False
            time.sleep(wait)

    def _take(self) -> float:
        if self._redis_url:
            try:
                script = _bucket_script(self._redis_url)
                return float(script(keys=[KEY_PREFIX + self.name], args=[self.rate, self.burst]))
            except redis.RedisError as exc:
                _warn_redis_down(f"rate limit {self.name}", exc)
        return _local_buckets.take(self.name, self.rate, self.burst)


def burst_for(rate_per_second: float) -> int:
    """A quarter of a second's worth of requests: short bursts pass, and no second holds 1.25 x the rate."""
    return max(1, math.ceil(rate_per_second / 4))


def seconds_until_next_utc_day(now: datetime | None = None) -> float:
    """How long until daily quotas (ours and OMDb's, counted per UTC day) start again."""
    now = now or datetime.now(UTC)
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    return (midnight - now).total_seconds()


class _LocalCounters:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}

    def increment(self, key: str) -> int:
        with self._lock:
            self._counts[key] = self._counts.get(key, 0) + 1
            return self._counts[key]


_local_counters = _LocalCounters()


class DailyBudget:
    """At most `limit` requests per UTC day, counted across processes when Redis is available."""

    def __init__(self, name: str, limit: int) -> None:
        self.name = name
        self.limit = int(limit)
        self._redis_url: str = settings.REDIS_URL

    def __repr__(self) -> str:
        return f"DailyBudget({self.name!r}, {self.limit}/day)"

    def spend(self) -> bool:
        """Count one request; False (and the request must not be sent) once today's budget is used up."""
        now = datetime.now(UTC)
        key = f"{BUDGET_KEY_PREFIX}{self.name}:{now.date().isoformat()}"
        return self._increment(key, now) <= self.limit

    def _increment(self, key: str, now: datetime) -> int:
        if self._redis_url:
            try:
                expires_at = now + timedelta(seconds=seconds_until_next_utc_day(now))
                pipe = _redis(self._redis_url).pipeline(transaction=True)
                pipe.incr(key)
                pipe.expireat(key, expires_at + timedelta(hours=1))  # a little slack for clock skew
                count, _ = pipe.execute()
                return int(count)
            except redis.RedisError as exc:
                _warn_redis_down(f"budget {self.name}", exc)
        return _local_counters.increment(key)
