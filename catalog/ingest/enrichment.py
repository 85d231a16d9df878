"""Enrichment services: a title refreshed from TMDB (English and French) and OMDb (IMDb rating and votes).

Every provider call happens first (`enrichment_fetch`); the write is one short transaction
(`enrichment_apply`), so a failure half-way leaves the row as it was and a repeat writes the same values.
"""

import logging
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from catalog import curation
from catalog.ingest import sources
from catalog.ingest.clients import get_omdb_client, get_tmdb_client, omdb_is_configured, tmdb_is_configured
from catalog.ingest.clients.types import KeywordItem, OmdbRatings, TmdbDetails
from catalog.ingest.sources import data_source_sync
from catalog.models import DataSource, Genre, Keyword, MediaType, Title
from catalog.offers import offers_replace
from catalog.ranking import ScoreParameters, ranking_values, score_parameters, titles_rescore
from catalog.validators import title_values_repair
from core.exceptions import ProviderError, ProviderNotFound, ProviderUnavailable
from core.tasks import send_later

logger = logging.getLogger(__name__)

TMDB_LANGUAGES = {"en": "en-US", "fr": "fr-FR"}
REFRESH_LOCK_SECONDS = 3600  # one queued refresh per title per hour, however many reads see it stale
FETCH_THREADS = 8


@dataclass(frozen=True)
class Enrichment:
    """Everything the providers said about one title, in both languages; nothing written yet."""

    media_type: str
    tmdb_id: int
    english: TmdbDetails
    french: TmdbDetails
    ratings: OmdbRatings | None


@dataclass(frozen=True)
class TitleKeys:
    """What a fetch needs to know of a title: enough to run outside any transaction or thread's ORM state."""

    media_type: str
    tmdb_id: int | None
    imdb_id: str | None

    @classmethod
    def of(cls, title: Title) -> "TitleKeys":
        return cls(media_type=title.media_type, tmdb_id=title.tmdb_id, imdb_id=title.imdb_id)


def enrichment_fetch(keys: TitleKeys) -> Enrichment:
    """All provider calls for one title. ProviderNotFound when TMDB does not know it (by TMDB or IMDb id)."""
    tmdb = get_tmdb_client()
    tmdb_id = keys.tmdb_id
    if tmdb_id is None:
        found = tmdb.find_by_imdb_id(keys.imdb_id) if keys.imdb_id else None
        if found is None or found[0] != keys.media_type:
            raise ProviderNotFound(f"TMDB knows no {keys.media_type} with IMDb id {keys.imdb_id}")
        tmdb_id = found[1]
    english = tmdb.details(media_type=keys.media_type, tmdb_id=tmdb_id, language=TMDB_LANGUAGES["en"])
    french = tmdb.details(media_type=keys.media_type, tmdb_id=tmdb_id, language=TMDB_LANGUAGES["fr"])
    ratings = None
    imdb_id = english.imdb_id or keys.imdb_id
    if imdb_id and omdb_is_configured():
        try:
            ratings = get_omdb_client().ratings(imdb_id=imdb_id)
        except ProviderNotFound:
            ratings = None  # OMDb has no record: the title simply has no IMDb rating from it
    return Enrichment(
        media_type=keys.media_type, tmdb_id=tmdb_id, english=english, french=french, ratings=ratings
    )


def enrichment_apply(enrichment: Enrichment, *, title_id: int | None = None) -> Title:
    """Write one title's provider data in one transaction: update `title_id`, or the title already known by
    the same TMDB or IMDb id, or create it."""
    tmdb_source = _provider_source(sources.TMDB)
    omdb_source = _provider_source(sources.OMDB) if enrichment.ratings else None
    english = enrichment.english
    genres = list(Genre.objects.filter(tmdb_id__in=[g.tmdb_id for g in english.genres]))
    parameters = score_parameters(media_type=enrichment.media_type)
    with transaction.atomic():
        title = _title_for_update(enrichment, title_id=title_id, source=tmdb_source)
        # One history record per refresh, written once the score is final (rescored below if need be).
        with curation.recorded_change(title, reason=curation.TMDB_REFRESH):
            _write(
                title,
                enrichment,
                genres,
                tmdb_source=tmdb_source,
                omdb_source=omdb_source,
                parameters=parameters,
            )
            if title.score is None and (title.imdb_votes or title.critics_reviews or title.movielens_ratings):
                # The first rated title of its kind: there were no parameters to score it with until now.
                titles_rescore(media_type=title.media_type)
                title.refresh_from_db(fields=["rating", "votes", "score", "score_source"])
        offers_replace(title, english.offers)  # where to watch: not curated, always TMDB's latest
        if english.keywords is not None:  # TMDB's keywords: not curated either (the keyword hide rules)
            _keywords_replace(title, english.keywords)
    return title


def _write(
    title: Title,
    enrichment: Enrichment,
    genres: list[Genre],
    *,
    tmdb_source: DataSource,
    omdb_source: DataSource | None,
    parameters: dict[str, ScoreParameters | None],
) -> None:
    """The providers' values over the title's, but for the fields a curator locked (catalog.curation)."""
    locked = curation.locked_fields(title)
    values = _tmdb_values(title, enrichment, tmdb_source)
    if enrichment.ratings is not None and omdb_source is not None:
        values |= _omdb_values(enrichment.ratings, omdb_source, values["provenance"])
    values[curation.GENRES] = [g.pk for g in genres]
    checked = dict(values)
    if title.media_type == MediaType.TV:  # its first air year follows its year (below)
        checked["first_air_year"] = checked.get("year", title.year)
    refused = [name for name in title_values_repair(checked) if name in values]
    if refused:  # what the admin would refuse is not stored: the title keeps what it had
        logger.warning("Refresh of title %s: refused values kept out: %s", title.pk, ", ".join(refused))
        for name in refused:
            if checked[name] in (None, "", []):
                del values[name]
            else:  # a list keeps its valid items
                values[name] = checked[name]
    allowed = curation.apply_provider_values(title, values, curation.TMDB_REFRESH, locked=locked)
    if title.media_type == MediaType.TV and "first_air_year" not in locked:
        title.first_air_year = title.year
    title.rating, title.votes, title.score, title.score_source = ranking_values(
        imdb_rating=title.imdb_rating,
        imdb_votes=title.imdb_votes,
        critics_rating=title.critics_rating,
        critics_reviews=title.critics_reviews,
        movielens_rating=title.movielens_rating,
        movielens_ratings=title.movielens_ratings,
        parameters=parameters,
    )
    now = timezone.now()
    title.cache_update_date = now
    title.refresh_attempted_at = now
    title.refresh_error = ""
    title.save()
    if curation.GENRES in allowed:
        title.genres.set(genres)


def _keywords_replace(title: Title, keywords: tuple[KeywordItem, ...]) -> None:
    """The title's keywords become TMDB's (a keyword's name follows TMDB's latest): two writes and a read."""
    if keywords:
        Keyword.objects.bulk_create(
            [Keyword(pk=k.tmdb_id, name=k.name) for k in keywords],
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=["name"],
        )
    title.keywords.set([k.tmdb_id for k in keywords])


def _provider_source(info: sources.SourceInfo) -> DataSource:
    """The provider's source row: written once, then only read (this runs for every title enriched)."""
    return DataSource.objects.filter(key=info.key).first() or data_source_sync(info)


def _title_for_update(enrichment: Enrichment, *, title_id: int | None, source: DataSource) -> Title:
    titles = Title.objects.select_for_update()
    if title_id is not None:
        return titles.get(pk=title_id)
    same = Q(media_type=enrichment.media_type, tmdb_id=enrichment.tmdb_id)
    if enrichment.english.imdb_id:
        same |= Q(imdb_id=enrichment.english.imdb_id)
    existing = titles.filter(same).order_by("pk").first()
    if existing is not None:
        return existing
    return Title(
        media_type=enrichment.media_type,
        source=source,
        source_key=f"{enrichment.media_type}/{enrichment.tmdb_id}",
    )


def _tmdb_values(title: Title, enrichment: Enrichment, source: DataSource) -> dict[str, Any]:
    """TMDB's facts over ours; where TMDB is silent (no overview, no runtime…) what we had stays."""
    english, french = enrichment.english, enrichment.french
    others = Title.objects.exclude(pk=title.pk) if title.pk else Title.objects.all()
    values: dict[str, Any] = {}
    if not others.filter(media_type=title.media_type, tmdb_id=enrichment.tmdb_id).exists():
        values["tmdb_id"] = enrichment.tmdb_id
    if english.imdb_id and not others.filter(imdb_id=english.imdb_id).exists():
        values["imdb_id"] = english.imdb_id
    values["title_en"] = english.title or title.title_en or english.original_title
    values["title_fr"] = french.title or title.title_fr
    values["original_title"] = english.original_title or title.original_title
    values["original_language"] = english.original_language or title.original_language
    if english.overview:
        values["overview_en"] = english.overview
        values["overview_source"] = source
    values["overview_fr"] = french.overview or title.overview_fr
    values["trailer_url_en"] = english.trailer_url or ""
    values["trailer_url_fr"] = french.trailer_url or ""
    values["poster_path"] = english.poster_path or title.poster_path
    values["runtime"] = english.runtime or title.runtime
    values["countries"] = list(english.origin_countries) or title.countries
    values["directors"] = list(english.directors) or title.directors
    values["cast"] = list(english.cast) or title.cast
    if english.release_date:
        values["release_date"] = english.release_date
        values["year"] = english.release_date.year
    if title.media_type == MediaType.TV:
        last_air = english.last_air_date
        values["last_air_year"] = last_air.year if last_air else title.last_air_year
        values["number_of_seasons"] = english.number_of_seasons or title.number_of_seasons
    values["provenance"] = {**title.provenance, "tmdb": {"id": enrichment.tmdb_id, "as_of": _today()}}
    return values


def _omdb_values(ratings: OmdbRatings, source: DataSource, provenance: dict[str, Any]) -> dict[str, Any]:
    """IMDb's current rating replaces an older one only when OMDb has one (an "N/A" keeps what we had)."""
    values: dict[str, Any] = {}
    if ratings.imdb_rating is not None and ratings.imdb_votes:
        values["imdb_rating"] = ratings.imdb_rating
        values["imdb_votes"] = ratings.imdb_votes
        values["rating_source"] = source
        values["rating_as_of"] = timezone.localdate()
    if ratings.metascore is not None:
        values["metacritic"] = ratings.metascore
    if ratings.rotten_tomatoes is not None:
        values["critics_meter"] = ratings.rotten_tomatoes
    values["provenance"] = {**provenance, "omdb": {"imdb_id": ratings.imdb_id, "as_of": _today()}}
    return values


def _today() -> str:
    return timezone.localdate().isoformat()


# ---------------------------------------------------------------- refreshing known titles


@dataclass(frozen=True)
class RefreshOutcome:
    title_id: int
    refreshed: bool
    error: str = ""


def title_refresh(*, title_id: int) -> RefreshOutcome:
    """Refresh one title from the providers. Transient failures propagate (the task retries them); a title
    the providers do not know is recorded as such and left as it was."""
    title = Title.objects.get(pk=title_id)
    try:
        enrichment = enrichment_fetch(TitleKeys.of(title))
    except ProviderUnavailable as exc:
        _record_failure(title_id, str(exc))
        raise
    except ProviderError as exc:  # not found, refused, misconfigured: retrying will not help
        _record_failure(title_id, str(exc))
        return RefreshOutcome(title_id=title_id, refreshed=False, error=str(exc))
    enrichment_apply(enrichment, title_id=title_id)
    return RefreshOutcome(title_id=title_id, refreshed=True)


def _record_failure(title_id: int, message: str) -> None:
    Title.objects.filter(pk=title_id).update(refresh_attempted_at=timezone.now(), refresh_error=message[:500])


def titles_stale(*, now=None) -> QuerySet[Title]:
    """Titles whose provider data is older than the refresh period (or never fetched), oldest first; a title
    tried (and failed) within the period waits for the next one."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.CATALOG_CACHE_MAX_AGE_DAYS)
    never_tried_lately = Q(refresh_attempted_at__isnull=True) | Q(refresh_attempted_at__lt=cutoff)
    stale = Q(cache_update_date__isnull=True) | Q(cache_update_date__lt=cutoff)
    return Title.objects.filter(stale & never_tried_lately).order_by(
        "cache_update_date", "refresh_attempted_at", "pk"
    )


def titles_refresh_enqueue(title_ids: Iterable[int], *, force: bool = False) -> list[int]:
    """Queue one refresh per title, at most one per title per lock period (reads call this repeatedly);
    `force` (staff asking explicitly) queues it whatever was queued before."""
    from catalog.tasks import title_refresh_task  # tasks import services, not the other way round

    def claim(pk: int) -> bool:
        key = f"catalog:refresh-queued:{pk}"
        if force:
            cache.set(key, 1, REFRESH_LOCK_SECONDS)
            return True
        return cache.add(key, 1, REFRESH_LOCK_SECONDS)

    queued = [pk for pk in title_ids if claim(pk)]
    for pk in queued:
        transaction.on_commit(partial(send_later, title_refresh_task, pk))
    return queued


def titles_refresh_if_stale(titles: Iterable[Title]) -> list[int]:
    """Refresh-on-read: serve the cached data now, and queue a refresh of what is older than the period."""
    if not tmdb_is_configured():
        return []
    cutoff = timezone.now() - timedelta(days=settings.CATALOG_CACHE_MAX_AGE_DAYS)
    stale = [t.pk for t in titles if t.cache_update_date is None or t.cache_update_date < cutoff]
    return titles_refresh_enqueue(stale) if stale else []


def titles_refresh_sweep(*, batch_size: int | None = None) -> list[int]:
    """The daily sweep: queue a bounded batch of the stalest titles (the next day takes the next batch)."""
    if not tmdb_is_configured():
        return []
    size = batch_size or settings.CATALOG_REFRESH_BATCH_SIZE
    return titles_refresh_enqueue(titles_stale().values_list("pk", flat=True)[:size])


# ---------------------------------------------------------------- fetching many at once


def enrichments_fetch(keys: list[TitleKeys]) -> list[Enrichment | Exception]:
    """Fetch several titles concurrently (the shared rate limit still holds); one result or error each."""

    def fetch(one: TitleKeys) -> Enrichment | Exception:
        try:
            return enrichment_fetch(one)
        except ProviderError as exc:  # transient ones included: the caller decides what to do
            return exc

    if len(keys) <= 1:
        return [fetch(k) for k in keys]
    with ThreadPoolExecutor(max_workers=min(FETCH_THREADS, len(keys))) as pool:
        return list(pool.map(fetch, keys))
