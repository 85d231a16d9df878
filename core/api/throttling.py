"""Request throttles for anonymous callers (per client address), for users (per account) and for chat turns.

DRF's own rate throttles keep a list of timestamps that each request reads and writes back: two web
processes serving the same caller at once both read the old list and one write is lost, so the limit
leaks under exactly the load it is meant to stop. These count in one atomic increment of a per-window
counter in the shared cache (Redis when `REDIS_URL` is set), so the limit holds across every gunicorn
worker. Rates are read per request, so they follow the settings (and tests can lower them).

Each throttle that counts a request notes its usage on the request (`rate_limit_usages`): the answer then
tells the caller their budget in `RateLimit-Policy` and `RateLimit` headers (`core.api.middleware`).
"""

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, BaseThrottle, SimpleRateThrottle, UserRateThrottle

from core.counters import WindowCount, window_count_increment

if TYPE_CHECKING:  # rest_framework.views imports the throttle classes while it is being imported
    from rest_framework.views import APIView

_USAGES_ATTRIBUTE = "rate_limit_usages"  # on Django's HttpRequest, which DRF's Request wraps


@dataclass(frozen=True)
class RateLimitUsage:
    """One throttle's count of a request: its scope, its limit per window, and the window it counted in."""

    scope: str
    limit: int
    window_seconds: int
    counted: WindowCount

    def remaining(self) -> int:
        return max(0, self.limit - self.counted.count)

    def reset_seconds(self, now: float | None = None) -> int:
        return self.counted.wait_seconds(time.time() if now is None else now)


def rate_limit_usage_note(request: Request | HttpRequest, usage: RateLimitUsage) -> None:
    """Note on the request that `usage` counted it, for the answer's headers."""
    http_request = getattr(request, "_request", request)  # DRF's Request: the HttpRequest it wraps
    setattr(http_request, _USAGES_ATTRIBUTE, (*rate_limit_usages(http_request), usage))


def rate_limit_usages(request: HttpRequest) -> tuple[RateLimitUsage, ...]:
    """The throttles that counted this request (none when no throttle applied)."""
    usages: tuple[RateLimitUsage, ...] = getattr(request, _USAGES_ATTRIBUTE, ())
    return usages


class WindowCounterThrottle(SimpleRateThrottle):
    """At most `num_requests` per fixed window of `duration` seconds, counted atomically in the cache."""

    # Set by SimpleRateThrottle.__init__ from the rate (both None without one); its stubs leave them out.
    num_requests: int | None
    duration: int | None

    def get_rate(self) -> str | None:
        rates: Mapping[str, object] = api_settings.DEFAULT_THROTTLE_RATES
        if self.scope is None or self.scope not in rates:
            raise ImproperlyConfigured(f"No throttle rate for the scope {self.scope!r}.")
        rate = rates[self.scope]
        if rate is not None and not isinstance(rate, str):
            raise ImproperlyConfigured(f"The throttle rate of {self.scope!r} is not text like '30/min'.")
        return rate

    def allow_request(self, request: Request | HttpRequest, view: "APIView | None") -> bool:
        if self.rate is None:
            return True
        # DRF's address and account keys read only the request's META and user, which Django's HttpRequest
        # has too (the pages call with one and no view); its stubs ask for a DRF Request and a view.
        key = self.get_cache_key(request, view)  # type: ignore[arg-type]
        return key is None or self.allow_key(key, request=request)

    def allow_key(self, key: str, *, request: Request | HttpRequest | None = None) -> bool:
        """Count one request under `key` in the current window: whether it is still within the rate (noted
        on `request`, when given, for the answer's rate-limit headers)."""
        if self.num_requests is None or self.duration is None:  # no rate: not throttled
            return True
        self.now = self.timer()
        self.counted = window_count_increment(key=key, seconds=self.duration, cache=self.cache, now=self.now)
        if request is not None:
            usage = RateLimitUsage(
                scope=str(self.scope),
                limit=self.num_requests,
                window_seconds=self.duration,
                counted=self.counted,
            )
            rate_limit_usage_note(request, usage)
        return self.counted.count <= self.num_requests

    def wait(self) -> float:
        """Seconds until the window ends: the `Retry-After` of the 429."""
        return self.counted.wait_seconds(self.now)


def client_address(request: Request | HttpRequest) -> str:
    """The caller's address as every throttle and login limit sees it (DRF's rule): the socket's, or with
    `THROTTLE_NUM_PROXIES` proxies in front, the `X-Forwarded-For` entry that the outermost of them appended
    (the entries before it are whatever the caller sent)."""
    return BaseThrottle().get_ident(request) or ""  # type: ignore[arg-type]  # reads META only, as above


def anonymous_wait_seconds(request: HttpRequest) -> int:
    """0 when a caller without a token may go on, else the seconds until it may: a page's POST takes from
    the same per-address budget (and the same counter) as the API's anonymous requests."""
    throttle = AnonThrottle()
    return 0 if throttle.allow_request(request, None) else int(throttle.wait())


class AnonThrottle(WindowCounterThrottle, AnonRateThrottle):
    """Callers without a token, by client address (`THROTTLE_NUM_PROXIES` says which address to trust)."""

    scope = "anon"


class UserThrottle(WindowCounterThrottle, UserRateThrottle):
    """Callers with a token, by account; anonymous callers are left to `AnonThrottle`."""

    scope = "user"

    def get_cache_key(self, request: Request, view: "APIView") -> str | None:
        if not request.user.is_authenticated:
            return None
        return super().get_cache_key(request, view)


class ChatThrottle(WindowCounterThrottle):
    """The chat's rate (`THROTTLE_CHAT_RATE`) and counter, counted per account by `chat_turn_wait_seconds`."""

    scope = "chat"


def chat_turn_wait_seconds(
    user: AbstractBaseUser, *, request: Request | HttpRequest | None = None
) -> int | None:
    """None when the user may send a chat turn now (it is counted), else the seconds until they may.

    Each turn may cost a language-model call: `POST /chat` and the assistant page both ask here, so they share
    one budget per account, which replaces the general throttles on the chat route. With `request`, the
    count is noted on it for the answer's rate-limit headers.
    """
    throttle = ChatThrottle()
    key = throttle.cache_format % {"scope": throttle.scope, "ident": user.pk}
    return None if throttle.allow_key(key, request=request) else int(throttle.wait())
