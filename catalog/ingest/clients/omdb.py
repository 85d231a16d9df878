"""OMDb over HTTP (`OMDB_API_KEY`), for IMDb's rating and votes.

OMDb writes every value as a string, "N/A" for anything missing, votes with thousands separators (not
always), and reports errors in the body: not-found with HTTP 200, a bad key or a spent quota with 401.
"""

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import requests
from django.conf import settings

from catalog.ingest.clients.types import OmdbRatings
from catalog.models import is_imdb_id
from core.exceptions import ProviderError, ProviderMisconfigured, ProviderNotFound, ProviderUnavailable
from core.http import (
    RETRY_STATUSES,
    decode_json_object,
    fetch,
    provider_session,
    rate_limit_gate,
    retry_after_seconds,
    unexpected_body,
)
from core.ratelimit import DailyBudget, RateLimiter, burst_for, seconds_until_next_utc_day

MISSING = "N/A"
# OMDb's own error texts ({"Response": "False", "Error": ...}), lower-cased.
NOT_FOUND_ERRORS = ("incorrect imdb id", "not found")
KEY_ERRORS = ("invalid api key", "no api key provided")
QUOTA_ERRORS = ("request limit reached",)


def parse_decimal(value: Any) -> Decimal | None:
    """ "7.9" -> Decimal("7.9"); "N/A" or anything else unreadable -> None."""
    if not isinstance(value, str) or value.strip() in ("", MISSING):
        return None
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def parse_count(value: Any) -> int | None:
    """ "285,100" -> 285100, "6736" -> 6736 (OMDb does not always use separators), "N/A" -> None."""
    if not isinstance(value, str):
        return None
    digits = value.strip().replace(",", "")
    return int(digits) if digits.isdigit() else None


def parse_percent(value: Any) -> int | None:
    """Rotten Tomatoes' "94%" -> 94."""
    if not isinstance(value, str) or not value.strip().endswith("%"):
        return None
    return parse_count(value.strip().removesuffix("%"))


def parse_ratings(body: Mapping[str, Any], *, imdb_id: str) -> OmdbRatings:
    """A {"Response": "True", ...} record; the critics' scores come from its `Ratings` list."""
    sources = {
        rating.get("Source"): rating.get("Value")
        for rating in body.get("Ratings") or ()
        if isinstance(rating, Mapping)
    }
    return OmdbRatings(
        imdb_id=imdb_id,
        imdb_rating=parse_decimal(body.get("imdbRating")),
        imdb_votes=parse_count(body.get("imdbVotes")),
        metascore=parse_count(body.get("Metascore")),
        rotten_tomatoes=parse_percent(sources.get("Rotten Tomatoes")),
    )


class OmdbHttpClient:
    """OMDb through one session: timeouts, retries, the shared `omdb` rate limit and daily budget."""

    def __init__(self) -> None:
        self.base_url = settings.OMDB_BASE_URL
        self.timeout = settings.OMDB_TIMEOUT_SECONDS
        self._api_key = settings.OMDB_API_KEY
        rate = settings.OMDB_RATE_LIMIT_PER_SECOND
        self.limiter = RateLimiter("omdb", rate, burst_for(rate))
        self.budget = DailyBudget("omdb", settings.OMDB_DAILY_BUDGET)
        self.session = provider_session(gate=rate_limit_gate(self.limiter, label="OMDb", budget=self.budget))

    def __repr__(self) -> str:
        return f"OmdbHttpClient({self.base_url!r})"

    def ratings(self, *, imdb_id: str) -> OmdbRatings:
        label = f"OMDb {imdb_id}"
        if not is_imdb_id(imdb_id):
            raise ProviderNotFound(f"{label}: not an IMDb id")  # OMDb would say "Incorrect IMDb ID."
        body = self._get({"i": imdb_id}, label=label)
        with unexpected_body(label):
            return parse_ratings(body, imdb_id=imdb_id)

    def _get(self, params: Mapping[str, str], *, label: str) -> dict[str, Any]:
        """GET one record; OMDb's in-body errors become our exceptions, and no message carries the key."""
        if not self._api_key:
            raise ProviderMisconfigured(f"{label}: OMDB_API_KEY is not set")
        query = {**params, "apikey": self._api_key}
        response = fetch(self.session, self.base_url, params=query, timeout=self.timeout, label=label)
        status = response.status_code
        if status in RETRY_STATUSES or status >= 500:  # what is left once the session's retries are spent
            raise ProviderUnavailable(f"{label}: HTTP {status}", retry_after=retry_after_seconds(response))
        if status == 401 and not _is_json(response):
            raise ProviderMisconfigured(f"{label}: credentials refused")
        body = decode_json_object(response, label=label)
        if body.get("Response") == "False":
            error = str(body.get("Error") or "")[:200].replace(self._api_key, "<redacted>")
            _raise_for_error(error, label=label)
        if status == 401:
            raise ProviderMisconfigured(f"{label}: credentials refused")
        if status != 200:
            raise ProviderError(f"{label}: HTTP {status}")
        if body.get("Response") != "True":
            raise ProviderUnavailable(f"{label}: unexpected body")
        return body


def _is_json(response: requests.Response) -> bool:
    return "json" in response.headers.get("Content-Type", "")


def _raise_for_error(error: str, *, label: str) -> None:
    """Map OMDb's error text (whatever the HTTP status) onto our exceptions."""
    text = error.lower()
    if any(marker in text for marker in QUOTA_ERRORS):  # OMDb's daily quota: a 401, but it comes back
        raise ProviderUnavailable(f"{label}: {error}", retry_after=seconds_until_next_utc_day())
    if any(marker in text for marker in KEY_ERRORS):
        raise ProviderMisconfigured(f"{label}: {error}")
    if any(marker in text for marker in NOT_FOUND_ERRORS):
        raise ProviderNotFound(f"{label}: {error}")
    raise ProviderError(f"{label}: {error}" if error else f"{label}: an error without a message")
