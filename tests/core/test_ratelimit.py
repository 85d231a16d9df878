import logging
import threading
import time
import uuid
from datetime import UTC, datetime

import pytest
import redis
from django.conf import settings as django_settings

from core.ratelimit import (
    BUCKET_SCRIPT,
    KEY_PREFIX,
    DailyBudget,
    RateLimiter,
    burst_for,
    seconds_until_next_utc_day,
)

needs_redis = pytest.mark.skipif(
    not django_settings.REDIS_URL, reason="limits shared between processes need Redis (CI sets REDIS_URL)"
)


def unique(name: str) -> str:
    """Buckets and budgets are shared by name (in this process, or in Redis): each test has its own."""
    return f"test-{name}-{uuid.uuid4().hex[:8]}"


def hammer(limiter: RateLimiter, *, threads: int, seconds: float) -> tuple[list[tuple[float, float]], float]:
    """`threads` threads take tokens for `seconds`. Returns, for each token, the moments its acquire()
    began and returned (the grant happened in between), and the time the whole run took."""
    granted: list[tuple[float, float]] = []
    lock = threading.Lock()
    start = time.monotonic()
    deadline = start + seconds

    def worker() -> None:
        while (left := deadline - (began := time.monotonic())) > 0:
            if limiter.acquire(timeout=left):
                returned = time.monotonic()
                with lock:
                    granted.append((began, returned))

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return sorted(granted), time.monotonic() - start


def assert_never_above_rate_plus_burst(
    limiter: RateLimiter, granted: list[tuple[float, float]], elapsed: float
) -> None:
    # Every grant happened within `elapsed`: a token bucket hands out at most burst + rate x elapsed.
    assert limiter.burst <= len(granted) <= limiter.burst + limiter.rate * elapsed
    # Within any one second, at most rate + burst: count the grants known to fall inside each window
    # (acquire() both began and returned in it), so that a slow machine cannot blur the count.
    busiest = max(
        sum(1 for began, returned in granted if start <= began and returned < start + 1.0)
        for start, _ in granted
    )
    assert busiest <= limiter.rate + limiter.burst


def test_burst_is_a_quarter_second_of_requests() -> None:
    assert (burst_for(40), burst_for(10), burst_for(1), burst_for(0.5)) == (10, 3, 1, 1)


def test_rate_limiter_rejects_nonsense_settings() -> None:
    with pytest.raises(ValueError, match="rate_per_second"):
        RateLimiter("x", 0, 1)
    with pytest.raises(ValueError, match="burst"):
        RateLimiter("x", 5, 0)


def test_local_bucket_hands_out_its_burst_then_makes_callers_wait(settings) -> None:
    settings.REDIS_URL = ""
    limiter = RateLimiter(unique("burst"), rate_per_second=1, burst=3)
    assert [limiter.acquire(timeout=0) for _ in range(4)] == [True, True, True, False]


def test_acquire_gives_up_after_its_timeout(settings) -> None:
    settings.REDIS_URL = ""
    limiter = RateLimiter(unique("timeout"), rate_per_second=2, burst=1)
    assert limiter.acquire(timeout=0.1)
    assert not limiter.acquire(timeout=0.1)  # the next token is 0.5 s away
    assert limiter.acquire(timeout=1.0)


def test_local_bucket_shared_by_threads_never_exceeds_rate_plus_burst(settings) -> None:
    settings.REDIS_URL = ""
    limiter = RateLimiter(unique("threads"), rate_per_second=40, burst=burst_for(40))
    granted, elapsed = hammer(limiter, threads=8, seconds=1.0)
    assert_never_above_rate_plus_burst(limiter, granted, elapsed)


def test_limiters_of_the_same_name_share_one_bucket(settings) -> None:
    """Each client builds its own RateLimiter: they must still draw from one bucket per provider."""
    settings.REDIS_URL = ""
    name = unique("shared")
    first, second = RateLimiter(name, 1, 2), RateLimiter(name, 1, 2)
    assert first.acquire(timeout=0) and second.acquire(timeout=0)
    assert not first.acquire(timeout=0) and not second.acquire(timeout=0)


@pytest.mark.redis
@needs_redis
def test_redis_bucket_shared_by_threads_never_exceeds_rate_plus_burst() -> None:
    limiter = RateLimiter(unique("redis-threads"), rate_per_second=40, burst=burst_for(40))
    granted, elapsed = hammer(limiter, threads=8, seconds=1.0)
    assert_never_above_rate_plus_burst(limiter, granted, elapsed)


@pytest.mark.redis
@needs_redis
def test_redis_bucket_state_lives_in_redis_for_every_process() -> None:
    name = unique("redis-shared")
    limiter = RateLimiter(name, rate_per_second=1, burst=2)
    assert limiter.acquire(timeout=0) and limiter.acquire(timeout=0)
    # Another process is another connection running the same script on the same key: it must wait too.
    other_process = redis.Redis.from_url(django_settings.REDIS_URL)
    wait = float(other_process.eval(BUCKET_SCRIPT, 1, KEY_PREFIX + name, 1, 2))
    assert 0 < wait <= 1
    assert other_process.ttl(KEY_PREFIX + name) > 0  # idle buckets expire instead of piling up
    other_process.close()


def test_an_unreachable_redis_falls_back_to_a_local_bucket(settings, caplog) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    limiter = RateLimiter(unique("fallback"), rate_per_second=1, burst=2)
    with caplog.at_level(logging.WARNING, logger="core.ratelimit"):
        assert [limiter.acquire(timeout=0) for _ in range(3)] == [True, True, False]
    warnings = [r for r in caplog.records if "Redis unavailable" in r.getMessage()]
    assert len(warnings) == 1  # once a minute, not once a request


def test_daily_budget_refuses_once_spent(settings) -> None:
    settings.REDIS_URL = ""
    budget = DailyBudget(unique("budget"), limit=3)
    assert [budget.spend() for _ in range(4)] == [True, True, True, False]


@pytest.mark.redis
@needs_redis
def test_redis_daily_budget_is_shared_and_expires_after_the_utc_day() -> None:
    name = unique("redis-budget")
    first, second = DailyBudget(name, limit=3), DailyBudget(name, limit=3)
    assert [first.spend(), second.spend(), first.spend(), second.spend()] == [True, True, True, False]
    connection = redis.Redis.from_url(django_settings.REDIS_URL)
    ttl = connection.ttl(f"myw:budget:{name}:{datetime.now(UTC).date().isoformat()}")
    connection.close()
    assert 0 < ttl <= seconds_until_next_utc_day() + 3600 + 1


def test_seconds_until_next_utc_day() -> None:
    assert seconds_until_next_utc_day(datetime(2024, 3, 9, 23, 59, 30, tzinfo=UTC)) == 30
    assert seconds_until_next_utc_day(datetime(2024, 3, 9, 0, 0, tzinfo=UTC)) == 86400
