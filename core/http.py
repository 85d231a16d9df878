"""One hardened HTTP session per external client: retries with backoff and jitter, our User-Agent."""

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

RETRY_STATUSES = (429, 500, 502, 503, 504)


def make_session(*, retries: int = 3, backoff: float = 0.5, max_backoff: float = 30.0) -> requests.Session:
    """A session that retries idempotent requests on connection errors, 429 and 5xx, honouring Retry-After."""
    retry = Retry(
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
        raise_on_status=False,  # the last response is returned; the client maps its status
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry, pool_connections=4, pool_maxsize=16)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = settings.HTTP_USER_AGENT
    session.headers["Accept"] = "application/json"
    return session
