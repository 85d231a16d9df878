"""Catalog reads shared by every app: finding titles by id or by title and year."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import (
    Case,
    Exists,
    F,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower, NullIf

from accounts.models import User
from catalog.genres import SOURCE_GENRES
from catalog.models import Genre, MediaType, Title, TitleNeighbour
from catalog.text import normalize_text, strip_accents, title_key
from library.models import Entry


def _with_genres(titles: QuerySet[Title]) -> QuerySet[Title]:
    return titles.prefetch_related(Prefetch("genres", queryset=Genre.objects.order_by("name_en")))


def titles_for_cards() -> QuerySet[Title]:
    """Titles with what a card shows, in a constant number of queries."""
    return _with_genres(Title.objects.all())


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
    return {t.imdb_id: t for t in Title.objects.filter(imdb_id__in=ids)} if ids else {}


def titles_by_tmdb_ids(tmdb_ids: Iterable[int], *, media_type: str) -> dict[int, Title]:
    ids = {i for i in tmdb_ids if i}
    return {t.tmdb_id: t for t in Title.objects.filter(tmdb_id__in=ids, media_type=media_type)} if ids else {}


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


# ---------------------------------------------------------------- discovery


class SortBy(models.TextChoices):
    SCORE = "score"
    RATING = "rating"
    VOTES = "votes"
    YEAR = "year"
    TITLE = "title"


@dataclass(frozen=True)
class DiscoveryFilters:
    genres: tuple[int, ...] = ()  # Genre pks, any of them
    exclude_genres: tuple[int, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    min_rating: float | None = None
    min_votes: int | None = None
    languages: tuple[str, ...] = ()
    runtime_min: int | None = None
    runtime_max: int | None = None
    people: tuple[str, ...] = ()  # names that must all appear among directors, writers or cast
    sort_by: str = SortBy.SCORE


def _ordering(sort_by: str, language: str) -> list:
    if sort_by == SortBy.TITLE:
        localized = Coalesce(NullIf("title_fr", Value("")), "title_en") if language == "fr" else F("title_en")
        return [Lower(localized), "pk"]
    # Matches the ranking indexes of migration 0003: (media type, column DESC NULLS LAST, id).
    return [F(sort_by).desc(nulls_last=True), "pk"]


def _filter_conditions(filters: DiscoveryFilters, prefix: str = "") -> list[Q | Exists]:
    """The filters as conditions on titles, or on rows that point at titles (`prefix="title__"`)."""
    links = Title.genres.through.objects.filter(title_id=OuterRef(f"{prefix}pk" if prefix else "pk"))
    conditions: list[Q | Exists] = []
    if filters.genres:
        conditions.append(Exists(links.filter(genre_id__in=filters.genres)))
    if filters.exclude_genres:
        conditions.append(~Exists(links.filter(genre_id__in=filters.exclude_genres)))
    bounds = {
        "year__gte": filters.year_from,
        "year__lte": filters.year_to,
        "rating__gte": filters.min_rating,
        "votes__gte": filters.min_votes,
        "runtime__gte": filters.runtime_min,
        "runtime__lte": filters.runtime_max,
    }
    conditions += [Q(**{f"{prefix}{lookup}": value}) for lookup, value in bounds.items() if value is not None]
    if filters.languages:
        conditions.append(Q(**{f"{prefix}original_language__in": filters.languages}))
    conditions += [Q(**{f"{prefix}search_people__contains": normalize_text(p)}) for p in filters.people]
    return conditions


def titles_filter(titles: QuerySet[Title], filters: DiscoveryFilters) -> QuerySet[Title]:
    """Narrow any set of titles by discovery filters (the feed, and the assistant's similar titles)."""
    return titles.filter(*_filter_conditions(filters))


def titles_unmarked(titles: QuerySet[Title], *, user: User | AnonymousUser) -> QuerySet[Title]:
    """Without any title the user has a status for: an anti-join inside the query."""
    if not user.is_authenticated:
        return titles
    return titles.exclude(Exists(Entry.objects.filter(user=user, title_id=OuterRef("pk"))))


def titles_discover(
    *, media_type: str, filters: DiscoveryFilters, user: User | AnonymousUser, language: str = "en"
) -> tuple[QuerySet[Title], QuerySet[Entry] | None]:
    """Matching titles never seen, saved or hidden by the user, best first; and the matches that were skipped.

    The caller's titles are removed inside the query (NOT EXISTS over their entries), so a page is full
    whenever enough unseen matches exist, however many titles the user has marked.
    """
    titles = titles_filter(Title.objects.filter(media_type=media_type), filters)
    skipped = None
    if user.is_authenticated:
        # Counted from the user's side: a join from their entries, not a scan of the whole catalog.
        skipped = Entry.objects.filter(
            *_filter_conditions(filters, prefix="title__"), user=user, title__media_type=media_type
        )
        titles = titles_unmarked(titles, user=user)
    return _with_genres(titles).order_by(*_ordering(filters.sort_by, language)), skipped


def title_ids_ranked(*, media_type: str, filters: DiscoveryFilters, language: str, limit: int) -> list[int]:
    """The ids of up to `limit` matching titles, best first, for everyone alike (nobody's titles removed)."""
    titles = titles_filter(Title.objects.filter(media_type=media_type), filters)
    return list(titles.order_by(*_ordering(filters.sort_by, language)).values_list("pk", flat=True)[:limit])


def genres_of(media_type: str) -> list[Genre]:
    """The genres TMDB uses for movies, or for TV shows."""
    return list(Genre.objects.filter(**{"for_movies" if media_type == MediaType.MOVIE else "for_tv": True}))


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
    found, unknown = [], []
    for value in values:
        genre = by_key.get(_genre_key(str(value)))
        if genre is None:
            unknown.append(str(value))
        elif genre not in found:
            found.append(genre)
    return found, unknown


def _genre_key(name: str) -> str:
    return "".join(c for c in strip_accents(name).lower() if c.isalnum())


# ---------------------------------------------------------------- similar titles

# TMDB's recommendations (with a key) count like co-ratings: both come from what audiences watched together.
SIMILARITY_WEIGHTS = {
    TitleNeighbour.Kind.CONTENT: 0.6,
    TitleNeighbour.Kind.RATINGS: 0.4,
    TitleNeighbour.Kind.TMDB: 0.4,
}


def titles_similar(*, title: Title, user: User | AnonymousUser) -> QuerySet[Title]:
    """Precomputed neighbours of a title, content and co-ratings blended, minus the caller's titles."""
    similar = Title.objects.filter(pk__in=TitleNeighbour.objects.filter(title=title).values("neighbour_id"))
    similar = titles_unmarked(similar.exclude(pk=title.pk), user=user)
    blended = Subquery(
        TitleNeighbour.objects.filter(title=title, neighbour_id=OuterRef("pk"))
        .values("neighbour_id")
        .annotate(total=Sum(F("score") * _kind_weight()))
        .values("total")[:1],
        output_field=FloatField(),
    )
    return _with_genres(similar.annotate(similarity=blended)).order_by(
        F("similarity").desc(nulls_last=True), F("score").desc(nulls_last=True), "pk"
    )


def _kind_weight() -> Case:
    return Case(
        *[When(kind=kind, then=Value(w)) for kind, w in SIMILARITY_WEIGHTS.items()], output_field=FloatField()
    )
