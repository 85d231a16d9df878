"""Catalog reads shared by every app: finding titles by id or by title and year."""

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from catalog.genres import SOURCE_GENRES
from catalog.ingest.clients import tmdb_is_configured
from catalog.ingest.sources import IMDB_DATASETS
from catalog.models import DataSource, Genre, Keyword, MediaType, Title
from catalog.text import strip_accents, title_key


def _with_genres(titles: QuerySet[Title]) -> QuerySet[Title]:
    return titles.prefetch_related(Prefetch("genres", queryset=Genre.objects.order_by("name_en")))


def titles_for_cards() -> QuerySet[Title]:
    """Titles with what a card shows, in a constant number of queries; never one staff hid from the
    catalog."""
    return _with_genres(Title.objects.filter(hidden=False))


def title_keywords(*, title_id: int) -> list[Keyword]:
    """The title's TMDB keywords by name (one query; none until a refresh from TMDB stored them)."""
    return list(Keyword.objects.filter(titles=title_id).order_by("name", "pk"))


def title_for_detail(*, title_id: int, media_type: str | None = None) -> Title | None:
    """A title with everything its detail shows: its genres, and the sources of its data and ratings."""
    titles = (
        titles_for_cards().select_related("source", "rating_source", "overview_source").filter(pk=title_id)
    )
    if media_type is not None:
        titles = titles.filter(media_type=media_type)
    return titles.first()


def title_find(
    *,
    title_id: int | None = None,
    tmdb_id: int | None = None,
    imdb_id: str | None = None,
    media_type: str | None = None,
) -> Title | None:
    """A title by our id, its IMDb id, or its TMDB id (TMDB numbers movies and TV shows separately)."""
    if title_id is not None:
        return Title.objects.filter(pk=title_id).first()
    if imdb_id is not None:
        return Title.objects.filter(imdb_id=imdb_id).first()
    if tmdb_id is not None:
        return Title.objects.filter(tmdb_id=tmdb_id, media_type=media_type or MediaType.MOVIE).first()
    return None


def titles_by_imdb_ids(imdb_ids: Iterable[str]) -> dict[str, Title]:
    ids = {i for i in imdb_ids if i}
    titles = Title.objects.filter(imdb_id__in=ids) if ids else []
    return {t.imdb_id: t for t in titles if t.imdb_id}


def titles_by_tmdb_ids(tmdb_ids: Iterable[int], *, media_type: str) -> dict[int, Title]:
    ids = {i for i in tmdb_ids if i}
    titles = Title.objects.filter(tmdb_id__in=ids, media_type=media_type) if ids else []
    return {t.tmdb_id: t for t in titles if t.tmdb_id}


class TitleKeyIndex:
    """Titles by normalized title (English, French, original, alternate) and year, for rows without ids."""

    def __init__(self, media_types: Iterable[str]) -> None:
        self._index: dict[tuple[str, str], list[tuple[int | None, int]]] = defaultdict(list)
        rows = Title.objects.filter(media_type__in=set(media_types)).values_list(
            "pk", "media_type", "year", "title_en", "title_fr", "original_title", "alternate_titles"
        )
        for pk, media_type, year, *names in rows:
            alternates = names.pop()
            for key in {title_key(n) for n in (*names, *alternates) if n}:
                self._index[(media_type, key)].append((year, pk))

    def find(self, *, title: str, year: int | None, media_type: str) -> int | None:
        """The id of the one title with this name and year (±1, sources disagree on release years)."""
        candidates = self._index.get((media_type, title_key(title)), [])
        if year is None:
            return candidates[0][1] if len(candidates) == 1 else None
        for tolerance in (0, 1):
            close = {pk for y, pk in candidates if y is not None and abs(y - year) <= tolerance}
            if len(close) == 1:
                return close.pop()
            if close:
                return None  # ambiguous: better unmatched than wrong
        return None


GENRES_HELD_SECONDS = 60
_genres_held: dict[str, tuple[float, tuple[Genre, ...]]] = {}  # media type: (when read, its genres)
_genres_generation = 0  # bumped by every clear: a list read across one is not kept


def genres_of(media_type: str) -> list[Genre]:
    """The genres TMDB uses for movies, or for TV shows.

    Every feed request naming a genre resolves it here: each process holds the two lists for
    `GENRES_HELD_SECONDS`, forgotten at once when a genre is written through the ORM in this process
    (`genres_held_clear`); another process sees a renamed genre within that time. Shared read-only.
    """
    held = _genres_held.get(media_type)
    if held is not None and time.monotonic() - held[0] < GENRES_HELD_SECONDS:
        return list(held[1])
    read_at, generation = time.monotonic(), _genres_generation
    flag = "for_movies" if media_type == MediaType.MOVIE else "for_tv"
    genres = tuple(Genre.objects.filter(**{flag: True}))
    if generation == _genres_generation:
        _genres_held[media_type] = (read_at, genres)
    return list(genres)


def genres_held_clear() -> None:
    """Forget the genres this process holds."""
    global _genres_generation
    _genres_generation += 1
    _genres_held.clear()


@receiver(post_save, sender=Genre, dispatch_uid="genres-held-saved")
@receiver(post_delete, sender=Genre, dispatch_uid="genres-held-deleted")
def _genre_written(**_kwargs: object) -> None:
    # Again once the write's transaction ends: a list read meanwhile by another thread is not kept.
    genres_held_clear()
    transaction.on_commit(genres_held_clear)


def genres_resolve(values: Iterable[str | int], *, media_type: str) -> tuple[list[Genre], list[str]]:
    """Genres named by TMDB id or by name (English or French, any case or accents, or a source alias such as
    "Sci-Fi"), among those of the media type; and the values that name none."""
    values = list(values)
    if not values:
        return [], []
    genres = genres_of(media_type)
    by_key: dict[str, Genre] = {}
    for genre in genres:
        by_key[str(genre.tmdb_id)] = genre
        by_key[_genre_key(genre.name_en)] = genre
        by_key[_genre_key(genre.name_fr)] = genre
    by_tmdb_id = {g.tmdb_id: g for g in genres}
    for alias, ids in SOURCE_GENRES[MediaType(media_type)].items():
        if len(ids) == 1 and ids[0] in by_tmdb_id:
            by_key.setdefault(_genre_key(alias), by_tmdb_id[ids[0]])
    found: list[Genre] = []
    unknown: list[str] = []
    for value in values:
        match = by_key.get(_genre_key(str(value)))
        if match is None:
            unknown.append(str(value))
        elif match not in found:
            found.append(match)
    return found, unknown


def _genre_key(name: str) -> str:
    return "".join(c for c in strip_accents(name).lower() if c.isalnum())


LANGUAGES_CACHE_SECONDS = 600  # the catalog's languages change with a load or a top-up, not per request


def original_languages(*, media_type: str | None = None) -> list[tuple[str, int]]:
    """The original languages of the catalog's titles (of one media type, or both) with how many titles
    each has, most used first; kept in the shared cache for a few minutes (a count over every title)."""
    key = f"catalog:original-languages:{media_type or 'all'}"
    languages: list[tuple[str, int]] | None = cache.get(key)
    if languages is None:
        titles = Title.objects.exclude(original_language="")
        if media_type is not None:
            titles = titles.filter(media_type=media_type)
        counts = (
            titles.values("original_language")
            .annotate(count=Count("pk"))
            .order_by("-count", "original_language")
        )
        languages = [(row["original_language"], row["count"]) for row in counts]
        cache.set(key, languages, LANGUAGES_CACHE_SECONDS)
    return languages


@dataclass(frozen=True)
class EmbeddedCatalogEnd:
    """Where the embedded catalog stops, for the pages and the assistant to say when they find nothing."""

    films_until: int  # the newest film's year (2016: MovieLens ml-latest-small; Wikidata's snapshot: 2014)


def embedded_catalog_end() -> EmbeddedCatalogEnd | None:
    """The embedded catalog's end, while the catalog is only the embedded one: None once a TMDB key is set
    or IMDb's datasets were imported (then newer titles are there). Kept in the shared cache a few minutes."""
    if tmdb_is_configured():
        return None
    key = "catalog:embedded-end"
    year: int | None = cache.get(key)
    if year is None:
        if DataSource.objects.filter(key=IMDB_DATASETS.key, loaded_at__isnull=False).exists():
            year = 0
        else:
            year = Title.objects.filter(media_type=MediaType.MOVIE).aggregate(last=Max("year"))["last"] or 0
        if year:  # an empty catalog is about to be loaded: ask again
            cache.set(key, year, LANGUAGES_CACHE_SECONDS)
    return EmbeddedCatalogEnd(films_until=year) if year else None


# ---------------------------------------------------------------- the admin's operations pages


def data_source_contributions() -> dict[int, dict[str, int]]:
    """What each source gave the catalog, by source id: titles it is the main source of, ratings, summaries,
    and what loads and refreshes record otherwise (MovieLens: titles, community ratings and alternate titles
    of the films it matched; TMDB and OMDb: the titles they refreshed)."""
    counts: dict[int, dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(("titles", "ratings", "overviews", "other"), 0)
    )
    for column, kind in (
        ("source", "titles"),
        ("rating_source", "ratings"),
        ("overview_source", "overviews"),
    ):
        rows = Title.objects.exclude(**{f"{column}__isnull": True}).values(column).annotate(n=Count("pk"))
        for row in rows.order_by():
            counts[row[column]][kind] = row["n"]
    by_key = dict(DataSource.objects.values_list("key", "pk"))
    others = {
        "movielens": Title.objects.filter(movielens_id__isnull=False).exclude(source__key="movielens"),
        "tmdb": Title.objects.filter(provenance__has_key="tmdb"),
        "omdb": Title.objects.filter(provenance__has_key="omdb"),
    }
    for key, titles in others.items():
        if key in by_key:
            counts[by_key[key]]["other"] = titles.count()
    return dict(counts)


@dataclass(frozen=True)
class CatalogHealth:
    titles: int
    hidden: int
    without_french_title: int
    without_genres: int
    stale: int  # refreshed from the providers, longer ago than the refresh period
    refresh_errors: int


def catalog_health() -> CatalogHealth:
    """What is left to curate in the catalog, as the admin's index shows it (each a worklist filter)."""
    cutoff = timezone.now() - timedelta(days=settings.CATALOG_CACHE_MAX_AGE_DAYS)
    totals = Title.objects.aggregate(
        titles=Count("pk"),
        hidden=Count("pk", filter=Q(hidden=True)),
        without_french_title=Count("pk", filter=Q(title_fr="")),
        stale=Count("pk", filter=Q(cache_update_date__lt=cutoff)),
        refresh_errors=Count("pk", filter=~Q(refresh_error="")),
    )
    return CatalogHealth(
        **totals, without_genres=Title.objects.filter(genres__isnull=True).order_by().count()
    )
