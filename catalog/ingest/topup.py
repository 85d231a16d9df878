"""Live top-up from TMDB: when our cache holds too few unseen matches, fetch more, enrich and cache them.

Only with a TMDB key; without one every function here returns at once and changes nothing. New titles are
written only once TMDB (both languages) and OMDb have answered for them, so a failure never leaves a
half-written row; a title that failed is simply fetched again by a later request.
"""

import hashlib
import json
import logging
import time
from collections.abc import Iterable
from typing import Protocol

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from catalog.ingest.clients import get_tmdb_client, tmdb_is_configured
from catalog.ingest.clients.types import TmdbPage
from catalog.ingest.enrichment import Enrichment, TitleKeys, enrichment_apply, enrichments_fetch
from catalog.models import Genre, MediaType, Title, TitleNeighbour
from catalog.offers import services_in
from catalog.search import titles_search
from core.exceptions import ProviderError

logger = logging.getLogger(__name__)

TMDB_MAX_PAGE = 500  # TMDB refuses page > 500 (HTTP 400, status_code 22)
RATING_VOTE_FLOOR = 200  # a rating floor on TMDB means little without enough votes behind it
STRONG_MATCH = 0.9  # a local search hit this relevant needs no help from TMDB
SEARCH_NEW_TITLES = 10  # new titles cached from one TMDB search
SIMILAR_NEW_TITLES = 20
LOOKUP_SECONDS = 24 * 3600  # a search or a title's recommendations are asked of TMDB once a day at most

_DATE_FIELD = {MediaType.MOVIE: "primary_release_date", MediaType.TV: "first_air_date"}
_SORTS = {  # our sort orders (the values of discovery's SortBy) in TMDB's names
    "score": {MediaType.MOVIE: "vote_average.desc", MediaType.TV: "vote_average.desc"},
    "rating": {MediaType.MOVIE: "vote_average.desc", MediaType.TV: "vote_average.desc"},
    "votes": {MediaType.MOVIE: "vote_count.desc", MediaType.TV: "vote_count.desc"},
    "year": {MediaType.MOVIE: "primary_release_date.desc", MediaType.TV: "first_air_date.desc"},
    "title": {MediaType.MOVIE: "title.asc", MediaType.TV: "name.asc"},
}


class TitleFilters(Protocol):
    """A request for titles as the top-up reads it (discovery's filters are one): the catalog names the
    shape it needs rather than import the app above it that serves requests."""

    @property
    def genres(self) -> tuple[int, ...]: ...  # Genre pks
    @property
    def exclude_genres(self) -> tuple[int, ...]: ...
    @property
    def year_from(self) -> int | None: ...
    @property
    def year_to(self) -> int | None: ...
    @property
    def min_rating(self) -> float | None: ...
    @property
    def min_votes(self) -> int | None: ...
    @property
    def languages(self) -> tuple[str, ...]: ...
    @property
    def runtime_min(self) -> int | None: ...
    @property
    def runtime_max(self) -> int | None: ...
    @property
    def people(self) -> tuple[str, ...]: ...
    @property
    def sort_by(self) -> str: ...
    @property
    def watch_region(self) -> str: ...  # "On my services": a country, service keys, kinds of offer
    @property
    def watch_services(self) -> tuple[str, ...]: ...
    @property
    def watch_kinds(self) -> tuple[str, ...]: ...


def discover_params(filters: TitleFilters, *, media_type: str) -> dict[str, str | int | float] | None:
    """Our filters in TMDB /discover's own parameter names; None when one has no TMDB equivalent."""
    if filters.people:  # TMDB filters people by its own person ids, which we do not hold
        return None
    tmdb_genres = dict(
        Genre.objects.filter(pk__in=[*filters.genres, *filters.exclude_genres]).values_list("pk", "tmdb_id")
    )
    date_field = _DATE_FIELD[MediaType(media_type)]
    params: dict[str, str | int | float] = {
        "sort_by": _SORTS[filters.sort_by][MediaType(media_type)],
        "include_adult": "false",
        # Titles not out yet have no ratings and cannot have been seen: never top up with them.
        f"{date_field}.lte": timezone.localdate().isoformat(),
    }
    if filters.genres:
        params["with_genres"] = "|".join(str(tmdb_genres[pk]) for pk in filters.genres if pk in tmdb_genres)
    if filters.exclude_genres:
        params["without_genres"] = ",".join(
            str(tmdb_genres[pk]) for pk in filters.exclude_genres if pk in tmdb_genres
        )
    if filters.year_from is not None:
        params[f"{date_field}.gte"] = f"{filters.year_from:04d}-01-01"
    if filters.year_to is not None:
        params[f"{date_field}.lte"] = min(f"{filters.year_to:04d}-12-31", str(params[f"{date_field}.lte"]))
    vote_floor = filters.min_votes or 0
    if filters.min_rating is not None or filters.sort_by in ("score", "rating"):
        vote_floor = max(vote_floor, RATING_VOTE_FLOOR)
    if vote_floor:
        params["vote_count.gte"] = vote_floor
    if filters.min_rating is not None:
        params["vote_average.gte"] = filters.min_rating
    if filters.languages:
        params["with_original_language"] = "|".join(filters.languages)
    if filters.runtime_min is not None:
        params["with_runtime.gte"] = filters.runtime_min
    if filters.runtime_max is not None:
        params["with_runtime.lte"] = filters.runtime_max
    if filters.watch_region and filters.watch_services:
        providers = _provider_ids(filters.watch_region, filters.watch_services)
        if not providers:
            return None
        # TMDB ignores with_watch_providers unless watch_region is set.
        params["watch_region"] = filters.watch_region
        params["with_watch_providers"] = "|".join(str(pk) for pk in providers)
        params["with_watch_monetization_types"] = "|".join(filters.watch_kinds or ("flatrate",))
    return params


def _provider_ids(region: str, services: tuple[str, ...]) -> list[int]:
    """TMDB's provider ids of these services in the country (every id of a brand); none when TMDB cannot
    list them now."""
    try:
        listed = services_in(region)
    except ProviderError:
        return []
    return sorted(pk for service in listed if service.brand in services for pk in service.provider_ids)


def discover_top_up(*, media_type: str, filters: TitleFilters, unseen: QuerySet[Title], wanted: int) -> int:
    """Fetch TMDB /discover pages until `unseen` (the caller's unseen matches) holds `wanted` titles, TMDB
    has no more, or this request's page or time budget is spent; returns how many titles were added.

    The time budget (CATALOG_TOPUP_BUDGET_SECONDS) is checked before each page: the page budget alone does
    not bound a request's time, since one page costs a /discover call and up to 20 titles' details in two
    languages plus OMDb, each paced by the rate limits and, when TMDB is slow, by its latency and retries.
    The request then answers with what it holds. Where the previous requests stopped is remembered per
    filter set, so the next one goes further.
    """
    if not tmdb_is_configured():
        return 0
    params = discover_params(filters, media_type=media_type)
    if params is None:
        return 0
    cursor_key = (
        "catalog:topup:"
        + hashlib.sha256(json.dumps([media_type, params], sort_keys=True).encode()).hexdigest()
    )
    next_page, last_page = cache.get(cursor_key, (1, TMDB_MAX_PAGE))
    added = 0
    deadline = time.monotonic() + settings.CATALOG_TOPUP_BUDGET_SECONDS
    try:
        for _ in range(settings.CATALOG_TOPUP_MAX_PAGES):
            if next_page > last_page or unseen.count() >= wanted:
                break
            if time.monotonic() >= deadline:
                logger.info("Discover top-up stopped before page %s: its time is spent", next_page)
                break
            page = get_tmdb_client().discover(
                media_type=media_type, params=params, page=next_page, language="en-US"
            )
            last_page = min(page.total_pages, TMDB_MAX_PAGE)
            written, failed = _cache_new(media_type, (s.tmdb_id for s in page.results))
            added += len(written)
            if failed:  # the next request starts on this page again, for the titles that failed
                break
            next_page = page.page + 1
    except ProviderError as exc:  # TMDB down or refusing: the user gets what we hold, never an error
        logger.warning("Discover top-up stopped: %s", exc)
    cache.set(cursor_key, (next_page, last_page), LOOKUP_SECONDS)
    return added


def search_top_up(*, query: str, media_type: str) -> int:
    """Ask TMDB /search when our best match is weak; cache what it finds. Returns titles added."""
    if not tmdb_is_configured():
        return 0
    hits = titles_search(query=query, media_type=media_type)
    if hits and hits[0].relevance >= STRONG_MATCH:
        return 0
    if not _first_time(f"search:{media_type}:{query.strip().lower()}"):
        return 0
    try:
        page = get_tmdb_client().search(media_type=media_type, query=query, page=1, language="en-US")
    except ProviderError as exc:
        logger.warning("Search top-up failed: %s", exc)
        return 0
    written, _failed = _cache_new(media_type, (s.tmdb_id for s in page.results[:SEARCH_NEW_TITLES]))
    return len(written)


def similar_top_up(*, title: Title) -> int:
    """Merge TMDB's recommendations (or, without any, its similar titles) into the title's neighbours."""
    if not tmdb_is_configured() or title.tmdb_id is None or not _first_time(f"similar:{title.pk}"):
        return 0
    client = get_tmdb_client()
    try:
        page: TmdbPage = client.recommendations(
            media_type=title.media_type, tmdb_id=title.tmdb_id, page=1, language="en-US"
        )
        if not page.results:
            page = client.similar(
                media_type=title.media_type, tmdb_id=title.tmdb_id, page=1, language="en-US"
            )
    except ProviderError as exc:
        logger.warning("Similar top-up failed: %s", exc)
        return 0
    ranked = [s.tmdb_id for s in page.results[:SIMILAR_NEW_TITLES]]
    added, _failed = _cache_new(title.media_type, ranked)
    by_tmdb_id = dict(
        Title.objects.filter(media_type=title.media_type, tmdb_id__in=ranked).values_list("tmdb_id", "pk")
    )
    rows = [
        TitleNeighbour(
            title=title,
            neighbour_id=by_tmdb_id[tmdb_id],
            kind=TitleNeighbour.Kind.TMDB,
            score=1 - rank / len(ranked),
        )
        for rank, tmdb_id in enumerate(ranked)
        if tmdb_id in by_tmdb_id and by_tmdb_id[tmdb_id] != title.pk
    ]
    with transaction.atomic():
        TitleNeighbour.objects.filter(title=title, kind=TitleNeighbour.Kind.TMDB).delete()
        TitleNeighbour.objects.bulk_create(rows)
    return len(added)


def _first_time(lookup: str) -> bool:
    """True once per lookup and period: TMDB is not asked the same question again for a day."""
    digest = hashlib.sha256(lookup.encode()).hexdigest()
    return cache.add(f"catalog:tmdb-lookup:{digest}", 1, LOOKUP_SECONDS)


def _cache_new(media_type: str, tmdb_ids: Iterable[int]) -> tuple[list[Title], int]:
    """Fetch and write the titles we do not hold yet; those whose providers failed are left for later.
    Returns the titles written and how many failed."""
    tmdb_ids = list(dict.fromkeys(tmdb_ids))
    known = set(
        Title.objects.filter(media_type=media_type, tmdb_id__in=tmdb_ids).values_list("tmdb_id", flat=True)
    )
    keys = [TitleKeys(media_type=media_type, tmdb_id=t, imdb_id=None) for t in tmdb_ids if t not in known]
    written, failed = [], 0
    for result in enrichments_fetch(keys):
        if isinstance(result, Enrichment):
            written.append(enrichment_apply(result))
        else:
            failed += 1
            logger.info("Top-up skipped a title for now: %s", result)
    return written, failed
