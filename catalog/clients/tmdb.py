"""TMDB v3 over HTTP, authenticated by `TMDB_API_KEY` (api_key parameter) or `TMDB_READ_TOKEN` (bearer)."""

import logging
from typing import Any

import requests
from django.conf import settings

from catalog.clients.types import GenreItem
from catalog.models import MediaType
from core.exceptions import ProviderError, ProviderMisconfigured, ProviderNotFound, ProviderUnavailable
from core.http import make_session

logger = logging.getLogger(__name__)


class TmdbHttpClient:
    def __init__(self) -> None:
        self.base_url = settings.TMDB_BASE_URL.rstrip("/")
        self.timeout = settings.TMDB_TIMEOUT_SECONDS
        self.session = make_session()
        self._api_key = settings.TMDB_API_KEY
        if settings.TMDB_READ_TOKEN:
            self.session.headers["Authorization"] = f"Bearer {settings.TMDB_READ_TOKEN}"

    def genres(self, *, media_type: str, language: str) -> list[GenreItem]:
        kind = "movie" if media_type == MediaType.MOVIE else "tv"
        body = self._get(f"/genre/{kind}/list", {"language": language})
        return [GenreItem(tmdb_id=int(g["id"]), name=str(g["name"])) for g in body.get("genres") or []]

    def _get(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        """GET a JSON object; transport facts become our exceptions, and no message carries the key."""
        query = dict(params)
        if self._api_key and "Authorization" not in self.session.headers:
            query["api_key"] = self._api_key
        try:
            response = self.session.get(f"{self.base_url}{path}", params=query, timeout=self.timeout)
        except requests.RequestException as exc:
            # The exception text may contain the URL and its api_key: name the path only.
            logger.warning("TMDB %s failed: %s", path, type(exc).__name__)
            raise ProviderUnavailable(f"TMDB {path}: {type(exc).__name__}") from None
        if response.status_code == 404:
            raise ProviderNotFound(f"TMDB {path}: not found")
        if response.status_code == 401:
            raise ProviderMisconfigured(f"TMDB {path}: credentials refused")
        if response.status_code == 429 or response.status_code >= 500:
            retry_after = response.headers.get("Retry-After")
            raise ProviderUnavailable(
                f"TMDB {path}: HTTP {response.status_code}",
                retry_after=float(retry_after) if retry_after and retry_after.isdigit() else None,
            )
        if response.status_code >= 400:  # a request TMDB refuses: retrying the same one will not help
            raise ProviderError(f"TMDB {path}: HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError:
            raise ProviderUnavailable(f"TMDB {path}: malformed JSON") from None
        if not isinstance(body, dict):
            raise ProviderUnavailable(f"TMDB {path}: unexpected body")
        return body
