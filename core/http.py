"""One hardened HTTP session per external client: retries with backoff and jitter, a gate, our User-Agent.

The gate (a rate limiter, a daily budget) is passed before every attempt: the adapter passes it before
the first one, and the Retry before each retry, after its backoff, so retries never exceed the limit.
"""

import logging
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from email.utils import parsedate_to_datetime
from typing import Any, Self

import requests
import urllib3
from django.conf import settings
from django.utils import timezone
from requests.adapters import HTTPAdapter
from urllib3 import BaseHTTPResponse
from urllib3.exceptions import MaxRetryError
from urllib3.util.retry import Retry

from core.exceptions import ProviderUnavailable
from core.ratelimit import DailyBudget, RateLimiter, seconds_until_next_utc_day

logger = logging.getLogger(__name__)

RETRY_STATUSES = (429, 500, 502, 503, 504)

Gate = Callable[[], None]  # blocks until the request may go, or raises ProviderUnavailable
TOKEN_WAIT_SECONDS = 30.0  # longer than this for a rate-limit token means the limit is saturated: fail


def rate_limit_gate(limiter: RateLimiter, *, label: str, budget: DailyBudget | None = None) -> Gate:
    """A gate that takes a token from `limiter` and, with a `budget`, counts the request against it."""

    def gate() -> None:
        if not limiter.acquire(timeout=TOKEN_WAIT_SECONDS):
            raise ProviderUnavailable(f"{label}: rate limit saturated", retry_after=1.0)
        if budget is not None and not budget.spend():
            raise ProviderUnavailable(
                f"{label}: daily budget of {budget.limit} requests used up",
                retry_after=seconds_until_next_utc_day(),
            )

    return gate


class GatedRetry(Retry):
    """urllib3's Retry (exponential backoff with jitter, honours Retry-After) that passes the gate first."""

    def __init__(self, *args: Any, gate: Gate | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.gate = gate

    def new(self, **kw: Any) -> Self:
        retry = super().new(**kw)  # urllib3 rebuilds the object from its own arguments only
        retry.gate = self.gate
        return retry

    def sleep(self, response: BaseHTTPResponse | None = None) -> None:
        super().sleep(response)
        if self.gate is not None:
            self.gate()


class GatedAdapter(HTTPAdapter):
    """An adapter that passes the gate before sending; its Retry passes it again before each retry."""

    def __init__(self, *, gate: Gate | None = None, **kwargs: Any) -> None:
        self.gate = gate
        super().__init__(**kwargs)

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        if self.gate is not None:
            self.gate()
        return super().send(request, *args, **kwargs)


def make_session(
    *,
    retries: int = 3,
    backoff: float = 0.5,
    max_backoff: float = 30.0,
    max_retry_after: float = 30.0,
    gate: Gate | None = None,
) -> requests.Session:
    """A session that retries GETs on connection errors, timeouts, 429 and 5xx, honouring Retry-After.

    Retry-After is honoured up to `max_retry_after` seconds; a longer one is cut to it (the caller gets
    the full value on the final failure, see `retry_after_seconds`, and can reschedule).
    """
    install_log_redaction()
    retry = GatedRetry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        backoff_factor=backoff,
        backoff_jitter=backoff,
        backoff_max=max_backoff,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "HEAD"}),
        respect_retry_after_header=True,
        retry_after_max=max_retry_after,
        raise_on_status=False,  # the last response is returned; the client maps its status
        gate=gate,
    )
    session = requests.Session()
    adapter = GatedAdapter(max_retries=retry, pool_connections=4, pool_maxsize=16, gate=gate)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = settings.HTTP_USER_AGENT
    session.headers["Accept"] = "application/json"
    return session


def provider_session(*, gate: Gate | None = None) -> requests.Session:
    """`make_session` with the retry settings (HTTP_RETRIES, HTTP_RETRY_BACKOFF_SECONDS, ...)."""
    return make_session(
        retries=settings.HTTP_RETRIES,
        backoff=settings.HTTP_RETRY_BACKOFF_SECONDS,
        max_retry_after=settings.HTTP_RETRY_AFTER_MAX_SECONDS,
        gate=gate,
    )


def fetch(
    session: requests.Session, url: str, *, params: Mapping[str, Any], timeout: float, label: str
) -> requests.Response:
    """GET with retries; a transport failure becomes ProviderUnavailable naming `label`, never the URL.

    The URL may carry an API key: the original exception stays in __context__ for debugging but is
    suppressed from tracebacks, and our message names only `label`.
    """
    try:
        return session.get(url, params=params, timeout=timeout)
    except requests.RequestException as exc:
        failure = _describe(exc)
        logger.warning("%s failed: %s", label, failure)
        raise ProviderUnavailable(f"{label}: {failure}") from None


def _describe(exc: requests.RequestException) -> str:
    """What went wrong, in words free of URLs: requests reports spent retries as a ConnectionError
    wrapping urllib3's MaxRetryError, whose `reason` says whether the last attempt timed out."""
    reason = exc.args[0].reason if exc.args and isinstance(exc.args[0], MaxRetryError) else exc
    if isinstance(reason, requests.Timeout | TimeoutError | urllib3.exceptions.TimeoutError):
        return f"timed out ({type(reason).__name__})"
    return f"connection failed ({type(reason).__name__})"


def decode_json_object(response: requests.Response, *, label: str) -> dict[str, Any]:
    """The body as a JSON object; anything else (truncated, HTML, a list) is a transient failure."""
    try:
        body = response.json()
    except ValueError:
        raise ProviderUnavailable(f"{label}: malformed JSON") from None
    if not isinstance(body, dict):
        raise ProviderUnavailable(f"{label}: unexpected body")
    return body


@contextmanager
def unexpected_body(label: str) -> Iterator[None]:
    """Parsing inside this block: a field missing or of the wrong type is a ProviderUnavailable."""
    try:
        yield
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        raise ProviderUnavailable(f"{label}: unexpected body ({type(exc).__name__})") from None


def retry_after_seconds(response: requests.Response) -> float | None:
    """Retry-After in seconds (it may be a number of seconds or an HTTP date); None when absent or bad."""
    value = (response.headers.get("Retry-After") or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - timezone.now()).total_seconds())


# API keys travel as query parameters (TMDB's api_key, OMDb's apikey), and urllib3 logs request URLs.
SECRET_QUERY_PARAMETER = re.compile(r"(?i)\b((?:api_?key|access_token|token)=)[^&#\s'\"]+")
URL_LOGGERS = (
    "urllib3.connectionpool",
    "urllib3.connection",
    "urllib3.poolmanager",
    "urllib3.response",
    "urllib3.util.retry",
)


def redact(text: str) -> str:
    """`text` with the values of secret query parameters replaced."""
    return SECRET_QUERY_PARAMETER.sub(r"\1<redacted>", text)


class RedactSecretsFilter(logging.Filter):
    """Removes API keys from log records of the libraries that log request URLs."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def install_log_redaction() -> None:
    """Attach the filter to urllib3's loggers (once; later calls change nothing)."""
    for name in URL_LOGGERS:
        target = logging.getLogger(name)
        if not any(isinstance(f, RedactSecretsFilter) for f in target.filters):
            target.addFilter(RedactSecretsFilter())
