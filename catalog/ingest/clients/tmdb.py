"""TMDB v3 over HTTP, authenticated by `TMDB_API_KEY` (api_key parameter) or `TMDB_READ_TOKEN` (bearer).

TMDB JSON stops here: every answer becomes one of the frozen dataclasses of `types.py`.
"""

import math
import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import requests
from django.conf import settings

from catalog.ingest.clients.types import (
    GenreItem,
    KeywordItem,
    TmdbDetails,
    TmdbPage,
    TmdbSummary,
    WatchOffer,
    WatchProvider,
)
from catalog.models import MediaType, is_imdb_id
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
from core.ratelimit import RateLimiter, burst_for

YOUTUBE_WATCH_URL = "https://www.youtube.com/watch?v="
YOUTUBE_KEY = re.compile(r"^[A-Za-z0-9_-]{6,32}$")
WATCH_PROVIDERS = "watch/providers"  # the key TMDB answers it under, inside append_to_response too
APPENDED_TO_DETAILS = f"videos,external_ids,credits,{WATCH_PROVIDERS},keywords"
OFFER_KINDS = ("flatrate", "free", "ads", "rent", "buy")  # each present only when not empty
REGION = re.compile(r"^[A-Z]{2}$")
CAST_SIZE = 10


def language_code(language: str) -> str:
    """ISO 639-1 part of a TMDB language tag: "fr-FR" -> "fr", "en" -> "en"."""
    return language.split("-", 1)[0].lower()


def choose_trailer(videos: Iterable[object], language: str) -> str | None:
    """The YouTube URL of the best trailer for `language`, None when there is no trailer.

    Only YouTube videos of type "Trailer" count: a teaser, clip or featurette is never chosen, since
    TMDB lists them unordered and often before the trailers. Among trailers: the requested language
    first, then official ones, then the newest. Payloads from before 2019 have no `official` and no
    `published_at`: those count as unofficial and oldest.
    """
    wanted = language_code(language)
    trailers = [
        video
        for video in videos
        if isinstance(video, Mapping)
        and video.get("site") == "YouTube"
        and video.get("type") == "Trailer"
        and isinstance(video.get("key"), str)
        and YOUTUBE_KEY.match(video["key"])
    ]
    if not trailers:
        return None
    best = max(
        trailers,
        key=lambda video: (
            video.get("iso_639_1") == wanted,
            video.get("official") is True,
            str(video.get("published_at") or ""),  # ISO-8601 UTC strings sort by time
        ),
    )
    return YOUTUBE_WATCH_URL + best["key"]


def parse_date(value: Any) -> date | None:
    """TMDB sends "" rather than null for unknown dates."""
    if not value or not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _text(value: Any) -> str:
    """TMDB leaves some texts null and others "": both are "" here."""
    return value.strip() if isinstance(value, str) else ""


def _text_or_none(value: Any) -> str | None:
    return _text(value) or None


def _media_type(media_type: str) -> str:
    if media_type not in (MediaType.MOVIE, MediaType.TV):
        raise ValueError(f"unknown media type {media_type!r}")
    return str(media_type)


def _unique_names(people: Iterable[Mapping[str, Any]]) -> tuple[str, ...]:
    names = (_text(person.get("name")) for person in people)
    return tuple(dict.fromkeys(name for name in names if name))


def parse_summary(item: Mapping[str, Any], *, media_type: str) -> TmdbSummary:
    """One result of a list; /recommendations and /find name each item's media type, lists do not."""
    named = item.get("media_type")
    kind = named if named in (MediaType.MOVIE, MediaType.TV) else media_type
    is_movie = kind == MediaType.MOVIE
    popularity = item.get("popularity")
    return TmdbSummary(
        media_type=kind,
        tmdb_id=int(item["id"]),
        title=_text(item.get("title" if is_movie else "name")),
        original_title=_text(item.get("original_title" if is_movie else "original_name")),
        original_language=_text(item.get("original_language")),
        overview=_text(item.get("overview")),
        release_date=parse_date(item.get("release_date" if is_movie else "first_air_date")),
        genre_ids=tuple(int(genre_id) for genre_id in item.get("genre_ids") or ()),
        poster_path=_text_or_none(item.get("poster_path")),
        popularity=float(popularity) if isinstance(popularity, int | float) else None,
    )


def parse_page(body: Mapping[str, Any], *, media_type: str) -> TmdbPage:
    """A page as TMDB sends it: usually 20 results, but /recommendations has sent 21 on page 1."""
    results = tuple(parse_summary(item, media_type=media_type) for item in body.get("results") or ())
    return TmdbPage(
        results=results,
        page=int(body.get("page") or 1),
        total_pages=int(body.get("total_pages") or 0),
        total_results=int(body.get("total_results") or 0),
    )


def parse_details(body: Mapping[str, Any], *, media_type: str, language: str) -> TmdbDetails:
    """/movie/{id} or /tv/{id} with videos, external_ids, credits, watch/providers and keywords appended (each
    under its own key)."""
    is_movie = media_type == MediaType.MOVIE
    credits = body.get("credits") or {}
    external_ids = body.get("external_ids") or {}
    if is_movie:
        runtime = body.get("runtime") or None  # TMDB answers 0 when it does not know
        directors = _unique_names(
            person for person in credits.get("crew") or () if person.get("job") == "Director"
        )
    else:
        run_times = [minutes for minutes in body.get("episode_run_time") or () if minutes]
        runtime = run_times[0] if run_times else None
        directors = _unique_names(body.get("created_by") or ())
    cast = sorted(credits.get("cast") or (), key=lambda person: person.get("order", math.inf))
    countries = body.get("origin_country") or [
        country["iso_3166_1"] for country in body.get("production_countries") or ()
    ]
    imdb_id = (body.get("imdb_id") if is_movie else None) or external_ids.get("imdb_id")
    return TmdbDetails(
        media_type=media_type,
        tmdb_id=int(body["id"]),
        imdb_id=_text_or_none(imdb_id),
        title=_text(body.get("title" if is_movie else "name")),
        original_title=_text(body.get("original_title" if is_movie else "original_name")),
        original_language=_text(body.get("original_language")),
        overview=_text(body.get("overview")),
        release_date=parse_date(body.get("release_date" if is_movie else "first_air_date")),
        last_air_date=None if is_movie else parse_date(body.get("last_air_date")),
        runtime=int(runtime) if runtime else None,
        number_of_seasons=None if is_movie else (int(body.get("number_of_seasons") or 0) or None),
        genres=tuple(
            GenreItem(tmdb_id=int(genre["id"]), name=_text(genre.get("name")))
            for genre in body.get("genres") or ()
        ),
        poster_path=_text_or_none(body.get("poster_path")),
        origin_countries=tuple(str(code) for code in countries if code),
        trailer_url=choose_trailer((body.get("videos") or {}).get("results") or (), language),
        directors=directors,
        cast=_unique_names(cast)[:CAST_SIZE],
        offers=parse_watch_offers(body.get(WATCH_PROVIDERS) or {}),
        keywords=parse_keywords(body["keywords"], media_type=media_type) if "keywords" in body else None,
    )


def parse_keywords(body: Any, *, media_type: str) -> tuple[KeywordItem, ...]:
    """/movie/{id}/keywords (`keywords`) or /tv/{id}/keywords (`results`), or their appended copy: each item's
    id and name; an item without a positive id or a name is skipped."""
    if not isinstance(body, Mapping):
        return ()
    items = body.get("keywords" if media_type == MediaType.MOVIE else "results")
    found: dict[int, KeywordItem] = {}
    for item in items if isinstance(items, list) else ():
        if not isinstance(item, Mapping):
            continue
        keyword_id, name = _int(item.get("id")), _text(item.get("name"))[:200]
        if 0 < keyword_id < 2**31 and name:
            found.setdefault(keyword_id, KeywordItem(tmdb_id=keyword_id, name=name))
    return tuple(found.values())


def _int(value: Any, default: int = 0) -> int:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else default


def parse_watch_offers(body: Mapping[str, Any]) -> tuple[WatchOffer, ...]:
    """/{kind}/{id}/watch/providers (or its appended copy): per country a `link` and the buckets.

    An offer without a provider id, a country that is not two letters or a bucket TMDB may add later is
    skipped rather than guessed at.
    """
    results = body.get("results")
    if not isinstance(results, Mapping):
        return ()
    offers: list[WatchOffer] = []
    for region, entry in results.items():
        if not isinstance(region, str) or not REGION.match(region) or not isinstance(entry, Mapping):
            continue
        link = _text(entry.get("link"))
        for kind in OFFER_KINDS:
            for item in entry.get(kind) or ():
                if not isinstance(item, Mapping) or not _int(item.get("provider_id")):
                    continue
                offers.append(
                    WatchOffer(
                        region=region,
                        kind=kind,
                        provider_id=_int(item.get("provider_id")),
                        provider_name=_text(item.get("provider_name")) or str(item.get("provider_id")),
                        logo_path=_text(item.get("logo_path")),
                        display_priority=_int(item.get("display_priority")),
                        link=link,
                    )
                )
    return tuple(offers)


def parse_watch_providers(body: Mapping[str, Any]) -> list[WatchProvider]:
    """/watch/providers/{movie,tv}?watch_region=: `results`, each with its priorities per country."""
    providers = []
    for item in body.get("results") or ():
        if isinstance(item, Mapping) and _int(item.get("provider_id")):
            providers.append(
                WatchProvider(
                    provider_id=_int(item.get("provider_id")),
                    provider_name=_text(item.get("provider_name")) or str(item.get("provider_id")),
                    logo_path=_text(item.get("logo_path")),
                    display_priority=_int(item.get("display_priority")),
                )
            )
    return providers


class TmdbHttpClient:
    """TMDB's v3 API through one session: timeouts, retries with backoff, the shared `tmdb` rate limit."""

    def __init__(self) -> None:
        self.base_url = settings.TMDB_BASE_URL.rstrip("/")
        self.timeout = settings.TMDB_TIMEOUT_SECONDS
        self._api_key = settings.TMDB_API_KEY
        self._read_token = settings.TMDB_READ_TOKEN
        rate = settings.TMDB_RATE_LIMIT_PER_SECOND
        self.limiter = RateLimiter("tmdb", rate, burst_for(rate))
        self.session = provider_session(gate=rate_limit_gate(self.limiter, label="TMDB"))
        if self._read_token:
            self.session.headers["Authorization"] = f"Bearer {self._read_token}"

    def __repr__(self) -> str:
        return f"TmdbHttpClient({self.base_url!r})"

    def genres(self, *, media_type: str, language: str) -> list[GenreItem]:
        path = f"/genre/{_media_type(media_type)}/list"
        body = self._get(path, {"language": language})
        with unexpected_body(f"TMDB {path}"):
            return [GenreItem(tmdb_id=int(g["id"]), name=str(g["name"])) for g in body.get("genres") or []]

    def details(self, *, media_type: str, tmdb_id: int, language: str) -> TmdbDetails:
        kind = _media_type(media_type)
        path = f"/{kind}/{int(tmdb_id)}"
        body = self._get(
            path,
            {
                "language": language,
                "append_to_response": APPENDED_TO_DETAILS,
                # TMDB filters videos by `language` unless told otherwise; "null" adds language-less ones.
                "include_video_language": f"{language_code(language)},null",
            },
        )
        with unexpected_body(f"TMDB {path}"):
            return parse_details(body, media_type=kind, language=language)

    def find_by_imdb_id(self, imdb_id: str) -> tuple[str, int] | None:
        if not is_imdb_id(imdb_id):
            return None  # not an IMDb id: nothing to find, and nothing to send
        path = f"/find/{imdb_id}"
        body = self._get(path, {"external_source": "imdb_id"})
        with unexpected_body(f"TMDB {path}"):
            for key, media_type in (("movie_results", MediaType.MOVIE), ("tv_results", MediaType.TV)):
                results = body.get(key) or []
                if results:
                    return str(media_type), int(results[0]["id"])
        return None

    def discover(
        self, *, media_type: str, params: Mapping[str, str | int | float], page: int, language: str
    ) -> TmdbPage:
        kind = _media_type(media_type)
        return self._page(f"/discover/{kind}", {**params, "page": page, "language": language}, kind)

    def search(self, *, media_type: str, query: str, page: int, language: str) -> TmdbPage:
        kind = _media_type(media_type)
        return self._page(
            f"/search/{kind}",
            {"query": query, "page": page, "language": language, "include_adult": "false"},
            kind,
        )

    def recommendations(self, *, media_type: str, tmdb_id: int, page: int, language: str) -> TmdbPage:
        kind = _media_type(media_type)
        params = {"page": page, "language": language}
        return self._page(f"/{kind}/{int(tmdb_id)}/recommendations", params, kind)

    def similar(self, *, media_type: str, tmdb_id: int, page: int, language: str) -> TmdbPage:
        kind = _media_type(media_type)
        return self._page(f"/{kind}/{int(tmdb_id)}/similar", {"page": page, "language": language}, kind)

    def watch_providers(self, *, media_type: str, region: str, language: str) -> list[WatchProvider]:
        path = f"/watch/providers/{_media_type(media_type)}"
        if not REGION.match(region):
            raise ValueError(f"not a country code: {region!r}")
        body = self._get(path, {"watch_region": region, "language": language})
        with unexpected_body(f"TMDB {path}"):
            return parse_watch_providers(body)

    def title_offers(self, *, media_type: str, tmdb_id: int) -> tuple[WatchOffer, ...]:
        path = f"/{_media_type(media_type)}/{int(tmdb_id)}/watch/providers"
        body = self._get(path, {})
        with unexpected_body(f"TMDB {path}"):
            return parse_watch_offers(body)

    def _page(self, path: str, params: Mapping[str, Any], media_type: str) -> TmdbPage:
        body = self._get(path, params)
        with unexpected_body(f"TMDB {path}"):
            return parse_page(body, media_type=media_type)

    def _get(self, path: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """GET a JSON object; transport facts become our exceptions, and no message carries a secret."""
        label = f"TMDB {path}"
        if not (self._api_key or self._read_token):
            raise ProviderMisconfigured(f"{label}: neither TMDB_API_KEY nor TMDB_READ_TOKEN is set")
        query = dict(params)
        if not self._read_token:
            query["api_key"] = self._api_key
        url = f"{self.base_url}{path}"
        response = fetch(self.session, url, params=query, timeout=self.timeout, label=label)
        status = response.status_code
        if status == 404:
            raise ProviderNotFound(f"{label}: not found")
        if status == 401:
            raise ProviderMisconfigured(f"{label}: credentials refused")
        if status in RETRY_STATUSES or status >= 500:  # what is left once the session's retries are spent
            raise ProviderUnavailable(f"{label}: HTTP {status}", retry_after=retry_after_seconds(response))
        if status >= 400:  # a request TMDB refuses (e.g. page > 500): retrying the same one will not help
            raise ProviderError(f"{label}: HTTP {status}{_tmdb_code(response)}")
        return decode_json_object(response, label=label)


def _tmdb_code(response: requests.Response) -> str:
    """TMDB's own error code (22: bad page, 7: bad key...), for the message."""
    try:
        code = response.json().get("status_code")
    except (ValueError, AttributeError):
        return ""
    return f" (TMDB code {code})" if isinstance(code, int) else ""
