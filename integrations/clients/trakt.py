"""Trakt's API v2 over HTTP (`TRAKT_CLIENT_ID`, `TRAKT_CLIENT_SECRET`, `TRAKT_BASE_URL`).

Every call names the app (`trakt-api-key`, `trakt-api-version: 2`); personal calls add the user's bearer
token. Trakt's answers we act on: 426 (the app's owner is not VIP: Trakt refuses the app) and 401/403
(the user revoked the app, or its credentials are wrong) end the connection with a message instead of a
retry; 429 and 5xx are retried by the session (Retry-After honoured), then are a `ProviderUnavailable`.
Lists come a page at a time, their size in the `X-Pagination-*` headers.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
from django.conf import settings
from django.utils import timezone

from core.exceptions import ProviderError, ProviderMisconfigured, ProviderUnavailable
from core.http import (
    RETRY_STATUSES,
    provider_session,
    rate_limit_gate,
    retry_after_seconds,
    unexpected_body,
)
from core.ratelimit import RateLimiter, burst_for

API_VERSION = "2"
PAGE_LIMIT = 1000  # items per page of a /sync list: Trakt's largest
MAX_PAGES = 200  # a runaway Page-Count never loops for ever (200,000 items)
OOB_REDIRECT = "urn:ietf:wg:oauth:2.0:oob"  # the device flow's tokens are refreshed with this redirect


class TraktVipRequired(ProviderError):
    """HTTP 426: Trakt lets only VIP accounts use API apps; retrying changes nothing until the owner pays."""


class TraktRevoked(ProviderError):
    """HTTP 401 on a personal call or a refused refresh: the user revoked the app, or the tokens are gone."""


@dataclass(frozen=True)
class DeviceCode:
    device_code: str
    user_code: str
    verification_url: str
    expires_at: datetime
    interval: int  # seconds to wait between polls


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    expires_at: datetime


# What a poll of /oauth/device/token says when it gives no tokens (Trakt's statuses).
DEVICE_POLL_STATES = {
    400: "pending",
    404: "invalid",
    409: "used",
    410: "expired",
    418: "denied",
    429: "slow_down",
}


def trakt_configured() -> bool:
    """Nothing about Trakt runs without an API app's id and secret."""
    return bool(settings.TRAKT_CLIENT_ID and settings.TRAKT_CLIENT_SECRET)


class TraktClient:
    """One session on Trakt's API: timeouts, retries, and the shared `trakt` rate limit."""

    def __init__(self) -> None:
        self.base_url = settings.TRAKT_BASE_URL.rstrip("/")
        self.timeout = settings.TRAKT_TIMEOUT_SECONDS
        self._client_id = settings.TRAKT_CLIENT_ID
        self._client_secret = settings.TRAKT_CLIENT_SECRET
        rate = settings.TRAKT_RATE_LIMIT_PER_SECOND
        self.limiter = RateLimiter("trakt", rate, burst_for(rate))
        self.session = provider_session(gate=rate_limit_gate(self.limiter, label="Trakt"))
        self.session.headers.update({"trakt-api-version": API_VERSION, "trakt-api-key": self._client_id})

    def __repr__(self) -> str:
        return f"TraktClient({self.base_url!r})"

    # OAuth: the device flow, refresh and revoke.
    def device_code(self) -> DeviceCode:
        response = self._send("POST", "/oauth/device/code", json={"client_id": self._client_id})
        self._check(response, label="Trakt device code")
        body = self._json(response)
        with unexpected_body("Trakt device code"):
            return DeviceCode(
                device_code=str(body["device_code"]),
                user_code=str(body["user_code"]),
                verification_url=str(body["verification_url"]),
                expires_at=timezone.now() + timedelta(seconds=int(body["expires_in"])),
                interval=max(1, int(body.get("interval") or 5)),
            )

    def device_token(self, device_code: str) -> Tokens | str:
        """Tokens once the user approved, else what Trakt says: pending, slow_down, expired, denied…"""
        response = self._send(
            "POST",
            "/oauth/device/token",
            json={"code": device_code, "client_id": self._client_id, "client_secret": self._client_secret},
        )
        if response.status_code in DEVICE_POLL_STATES:
            return DEVICE_POLL_STATES[response.status_code]
        return self._tokens(response)

    def refresh(self, refresh_token: str) -> Tokens:
        response = self._send(
            "POST",
            "/oauth/token",
            json={
                "refresh_token": refresh_token,
                "client_id": self._client_id,
                "client_secret": self._client_secret,
                "redirect_uri": OOB_REDIRECT,
                "grant_type": "refresh_token",
            },
        )
        if response.status_code in (400, 401):
            raise TraktRevoked("Trakt refresh: the grant was refused")
        return self._tokens(response)

    def revoke(self, access_token: str) -> None:
        self._check(
            self._send(
                "POST",
                "/oauth/revoke",
                json={
                    "token": access_token,
                    "client_id": self._client_id,
                    "client_secret": self._client_secret,
                },
            ),
            label="Trakt revoke",
        )

    # Sync.
    def last_activities(self, access_token: str) -> dict[str, Any]:
        return self._json(self._get(access_token, "/sync/last_activities", {}, label="Trakt activities"))

    def list_pages(
        self, access_token: str, kind: str, params: Mapping[str, str] | None = None
    ) -> Iterator[list[dict[str, Any]]]:
        """The pages of `/sync/<kind>` (history, ratings, watchlist), newest items first."""
        page, pages = 1, 1
        while page <= min(pages, MAX_PAGES):
            label = f"Trakt {kind} page {page}"
            response = self._get(
                access_token,
                f"/sync/{kind}",
                {**(params or {}), "page": str(page), "limit": str(PAGE_LIMIT)},
                label=label,
            )
            try:
                body = response.json()
            except ValueError:
                raise ProviderUnavailable(f"{label}: malformed JSON") from None
            if not isinstance(body, list):
                raise ProviderUnavailable(f"{label}: unexpected body")
            yield [item for item in body if isinstance(item, dict)]
            header = response.headers.get("X-Pagination-Page-Count", "")
            pages = int(header) if header.isdigit() else page
            page += 1

    def add(self, access_token: str, kind: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """POST to `/sync/<kind>`: our marks added to the user's Trakt history, ratings or watchlist."""
        label = f"Trakt add {kind}"
        response = self._send("POST", f"/sync/{kind}", json=dict(body), token=access_token)
        self._check(response, label=label)
        return self._json(response)

    # Transport.
    def _send(
        self, method: str, path: str, *, json: Any = None, params: Any = None, token: str | None = None
    ) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        label = f"Trakt {path}"
        try:
            return self.session.request(
                method, self.base_url + path, json=json, params=params, headers=headers, timeout=self.timeout
            )
        except requests.RequestException as exc:
            raise ProviderUnavailable(f"{label}: {type(exc).__name__}") from None

    def _get(self, token: str, path: str, params: Mapping[str, str], *, label: str) -> requests.Response:
        response = self._send("GET", path, params=dict(params), token=token)
        self._check(response, label=label)
        return response

    @staticmethod
    def _check(response: requests.Response, *, label: str) -> None:
        status = response.status_code
        if status == 426:
            raise TraktVipRequired(f"{label}: VIP required (HTTP 426)")
        if status == 401:
            raise TraktRevoked(f"{label}: token refused (HTTP 401)")
        if status == 403:
            raise ProviderMisconfigured(f"{label}: API key refused (HTTP 403)")
        if status in RETRY_STATUSES or status >= 500 or status == 420:
            raise ProviderUnavailable(f"{label}: HTTP {status}", retry_after=retry_after_seconds(response))
        if not 200 <= status < 300:
            raise ProviderError(f"{label}: HTTP {status}")

    def _tokens(self, response: requests.Response) -> Tokens:
        self._check(response, label="Trakt token")
        body = self._json(response)
        with unexpected_body("Trakt token"):
            created = int(body.get("created_at") or timezone.now().timestamp())
            return Tokens(
                access_token=str(body["access_token"]),
                refresh_token=str(body["refresh_token"]),
                expires_at=datetime.fromtimestamp(created + int(body["expires_in"]), tz=UTC),
            )

    @staticmethod
    def _json(response: requests.Response) -> dict[str, Any]:
        try:
            body = response.json()
        except ValueError:
            raise ProviderUnavailable("Trakt: malformed JSON") from None
        if not isinstance(body, dict):
            raise ProviderUnavailable("Trakt: unexpected body")
        return body
