"""The product's rule, as reads: the titles matching a request, minus the caller's titles.

Everything here takes the caller (`user`, anonymous included) and removes what they have a status for
inside the query, so a page is full whenever enough unseen matches exist, however many titles they marked.
"""

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower, NullIf

from accounts.models import User
from catalog.models import Credit, Title, TitleNeighbour
from catalog.offers import offered_on
from catalog.ranking import rating_floor
from catalog.search import PersonHit, search
from catalog.selectors import titles_for_cards
from catalog.text import normalize_text
from discovery.filters import DiscoveryFilters, SortBy
from library.models import Entry, HideRule
from library.selectors import hide_rules_condition, hide_rules_of

if TYPE_CHECKING:
    from django.db.models.expressions import Combinable, NegatedExpression, OrderBy

Condition: TypeAlias = "Q | Exists | NegatedExpression[Combinable]"
SortValue: TypeAlias = float | int | str | None
Ids: TypeAlias = np.ndarray[tuple[int], np.dtype[np.int32]]


@dataclass(frozen=True)
class RankKey:
    """Where a page of a ranked list ended: its last title's sort values and id. The next page holds the
    titles ranked after it, found by value, so the titles the caller marks meanwhile (which leave the list)
    never make it skip others."""

    values: tuple[SortValue, ...]
    pk: int

    def as_json(self) -> dict[str, Any]:
        return {"k": list(self.values), "i": self.pk}

    @classmethod
    def from_json(cls, data: Any, *, size: int) -> "RankKey | None":
        """The key `as_json` wrote, with `size` sort values; None when `data` is not one."""
        if not isinstance(data, dict) or set(data) != {"k", "i"}:
            return None
        values, pk = data["k"], data["i"]
        if not isinstance(values, list) or len(values) != size or type(pk) is not int or pk < 1:
            return None
        if not all(v is None or type(v) in (int, float, str) for v in values):
            return None
        return cls(values=tuple(values), pk=pk)


@dataclass(frozen=True)
class ResultPage:
    """One page of titles for the caller, and how many of their own titles the request left out (None when
    not counted: anonymous callers, search and similar titles). On a ranked list with more to come,
    `next_after` is where the next page starts."""

    items: list[Title]
    page: int
    page_size: int
    has_more: bool
    excluded_count: int | None = None
    next_after: RankKey | None = None


def result_page(
    titles: QuerySet[Title], *, page: int, page_size: int, key: Callable[[Title], RankKey] | None = None
) -> ResultPage:
    """One query for the page; one extra row tells whether more follow. With `key` (a ranked list), the
    page says where the next one starts."""
    start = (page - 1) * page_size
    rows = list(titles[start : start + page_size + 1])
    items, has_more = rows[:page_size], len(rows) > page_size
    return ResultPage(
        items=items,
        page=page,
        page_size=page_size,
        has_more=has_more,
        next_after=key(items[-1]) if key is not None and has_more and items else None,
    )


def _after(columns: Sequence[tuple[str, bool, object]], pk: int) -> Q:
    """The rows ranked after a key in an order of `columns` (name, descending with NULLs last or else
    ascending, the key's value), then pk: the keyset condition of the next page."""
    condition = Q(pk__gt=pk)
    for name, descending, value in reversed(columns):
        if value is None:  # NULLs come last: only rows without a value, after the key on what follows
            condition = Q(**{f"{name}__isnull": True}) & condition
        elif descending:
            lower = Q(**{f"{name}__lt": value}) | Q(**{f"{name}__isnull": True})
            condition = lower | (Q(**{name: value}) & condition)
        else:
            condition = Q(**{f"{name}__gt": value}) | (Q(**{name: value}) & condition)
    return condition


def _sort_title(language: str) -> "Coalesce | F":
    return Coalesce(NullIf("title_fr", Value("")), "title_en") if language == "fr" else F("title_en")


def feed_ordering(sort_by: str, language: str) -> "list[OrderBy | Lower | str]":
    """The feed's order for `sort_by`, the id breaking ties (one order for every page and every caller)."""
    if sort_by == SortBy.TITLE:
        return [Lower(_sort_title(language)), "pk"]
    # Matches the ranking indexes of catalog's migration 0003: (media type, column DESC NULLS LAST, id).
    return [F(sort_by).desc(nulls_last=True), "pk"]


def feed_ranking(*, media_type: str, filters: DiscoveryFilters, language: str) -> str:
    """What names one ranking of the feed (its cursors are valid for it alone): the media type, the filters
    and the sort, and the language when titles are sorted by name (the order is the localized names')."""
    named = language if filters.sort_by == SortBy.TITLE else ""
    return json.dumps(["feed", media_type, asdict(filters), named], sort_keys=True, default=str)


def feed_key(title: Title, *, sort_by: str, language: str) -> RankKey:
    """A title's place in the feed's order: its sort value (the localized name for a title sort), its id."""
    if sort_by == SortBy.TITLE:
        value: SortValue = (title.title_fr or title.title_en) if language == "fr" else title.title_en
    else:
        value = getattr(title, sort_by)
    return RankKey(values=(value,), pk=title.pk)


def feed_key_from(data: Any, *, sort_by: str) -> RankKey | None:
    """The feed's key `RankKey.as_json` wrote for this sort; None when `data` is not one."""
    key = RankKey.from_json(data, size=1)
    if key is None or isinstance(key.values[0], str) != (sort_by == SortBy.TITLE):
        return None
    return key


def titles_after(titles: QuerySet[Title], after: RankKey, *, sort_by: str, language: str) -> QuerySet[Title]:
    """The titles ranked after `after` in the feed's order (a keyset: the same order and index walk, from
    the key on). Names compare as the database lowers them, both sides alike."""
    (value,) = after.values
    if sort_by == SortBy.TITLE:
        named = titles.alias(sort_title=Lower(_sort_title(language)))
        return named.filter(_after([("sort_title", False, Lower(Value(str(value))))], after.pk))
    return titles.filter(_after([(sort_by, True, value)], after.pk))


def _filter_conditions(filters: DiscoveryFilters, prefix: str = "") -> list[Condition]:
    """The filters as conditions on titles, or on rows that point at titles (`prefix="title__"`)."""
    links = Title.genres.through.objects.filter(title_id=OuterRef(f"{prefix}pk" if prefix else "pk"))
    conditions: list[Condition] = []
    if filters.genres:
        conditions.append(Exists(links.filter(genre_id__in=filters.genres)))
    conditions += [Exists(links.filter(genre_id=genre)) for genre in filters.all_genres]
    if filters.exclude_genres:
        conditions.append(~Exists(links.filter(genre_id__in=filters.exclude_genres)))
    bounds = {
        "year__gte": filters.year_from,
        "year__lte": filters.year_to,
        "rating__gte": None if filters.min_rating is None else rating_floor(filters.min_rating),
        "votes__gte": filters.min_votes,
        "runtime__gte": filters.runtime_min,
        "runtime__lte": filters.runtime_max,
    }
    conditions += [Q(**{f"{prefix}{lookup}": value}) for lookup, value in bounds.items() if value is not None]
    if filters.languages:
        conditions.append(Q(**{f"{prefix}original_language__in": filters.languages}))
    conditions += [Q(**{f"{prefix}search_people__contains": normalize_text(p)}) for p in filters.people]
    credits = Credit.objects.filter(title_id=OuterRef(f"{prefix}pk" if prefix else "pk"))
    conditions += [Exists(credits.filter(person_id=person)) for person in filters.credited]
    if filters.watch_region and filters.watch_services:
        region, services, kinds = filters.watch_region, filters.watch_services, filters.watch_kinds
        conditions.append(offered_on(region, services, kinds, outer=f"{prefix}pk" if prefix else "pk"))
    return conditions


def titles_filter(titles: QuerySet[Title], filters: DiscoveryFilters) -> QuerySet[Title]:
    """Narrow any set of titles by discovery filters (the feed, and the assistant's similar titles)."""
    return titles.filter(*_filter_conditions(filters), hidden=False)  # staff's hidden titles: never served


def titles_unmarked(
    titles: QuerySet[Title], *, user: User | AnonymousUser, ruled: Ids | None = None
) -> QuerySet[Title]:
    """Without any title the user has a status for (an anti-join inside the query), nor any their hide
    rules match: their conditions compiled into the same query or, given `ruled` (the sorted ids the rules
    match, held by the feed per rule set), those ids as one parameter (a hashed lookup a row rather than
    the rules' subqueries)."""
    if not user.is_authenticated:
        return titles
    titles = titles.exclude(Exists(Entry.objects.filter(user=user, title_id=OuterRef("pk"))))
    if ruled is not None:
        return titles.exclude(_among_ids(ruled)) if ruled.size else titles
    condition = hide_rules_condition(hide_rules_of(user=user))
    return titles if condition is None else titles.exclude(condition)


class _InBitmap(Func):
    """Whether an id's bit is set in a bitmap (PostgreSQL's `get_bit`, bit n of the bytes little-endian);
    ids past its end are not in it."""

    output_field = BooleanField()

    def __init__(self, pk: F, bits: bytes, size: int) -> None:
        super().__init__(pk, Value(size), Value(bits))

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        (pk, pk_params), (size, size_params), (bits, bits_params) = (
            compiler.compile(e) for e in self.get_source_expressions()
        )
        sql = f"(CASE WHEN {pk} < {size} THEN get_bit({bits}::bytea, {pk}) = 1 ELSE false END)"
        return sql, [*pk_params, *size_params, *bits_params, *pk_params]


class _InJson(Func):
    """`expression IN (the JSON array's values)` (SQLite's json_each)."""

    arg_joiner = " IN (SELECT value FROM json_each("
    template = "%(expressions)s))"
    output_field = BooleanField()


def _among_ids(ids: Ids) -> Func:
    """Whether a title's id is in `ids`, given as one parameter: on PostgreSQL a bitmap of the ids (one bit
    a title: 15 KB for 120,000, and a bit read a row), not an array (93,000 ids took the planner 56 ms to
    read and were compared one by one)."""
    if connection.vendor == "postgresql":
        flags = np.zeros(int(ids.max()) + 1, dtype=np.bool_)
        flags[ids] = True
        return _InBitmap(F("pk"), np.packbits(flags, bitorder="little").tobytes(), flags.size)
    return _InJson(F("pk"), Value(json.dumps(ids.tolist())))


def titles_discover(
    *,
    media_type: str,
    filters: DiscoveryFilters,
    user: User | AnonymousUser,
    language: str = "en",
    after: RankKey | None = None,
    ruled: Ids | None = None,
) -> QuerySet[Title]:
    """Matching titles never seen, saved or hidden by the user, best first (after `after` when given),
    genres prefetched.

    The caller's titles are removed inside the query (NOT EXISTS over their entries), and those their hide
    rules match (by id, given `ruled`: see `titles_unmarked`); how many were removed is
    `titles_excluded_count`, or the feed's held ranking counts them."""
    titles = titles_filter(titles_for_cards().filter(media_type=media_type), filters)
    if after is not None:
        titles = titles_after(titles, after, sort_by=filters.sort_by, language=language)
    return titles_unmarked(titles, user=user, ruled=ruled).order_by(*feed_ordering(filters.sort_by, language))


def title_ids_ranked(*, media_type: str, filters: DiscoveryFilters, language: str, limit: int) -> list[int]:
    """The ids of up to `limit` matching titles, best first, for everyone alike (nobody's titles removed)."""
    titles = titles_filter(Title.objects.filter(media_type=media_type), filters)
    ordered = titles.order_by(*feed_ordering(filters.sort_by, language))
    return list(ordered.values_list("pk", flat=True)[:limit])


def title_ids_matching(*, media_type: str, filters: DiscoveryFilters) -> Iterator[int]:
    """The id of every matching title, in no order (no sort: a scan), read in chunks."""
    titles = titles_filter(Title.objects.filter(media_type=media_type), filters)
    return titles.values_list("pk", flat=True).iterator(chunk_size=20_000)


def title_ids_marked(*, user: User) -> tuple[Ids, bool]:
    """The ids of every title the user has a status for, as an array (the feed removes them from its held
    ranking), and whether they have hide rules (the feed reads them only then): one query. On PostgreSQL
    the ids come as one string parsed in C: for 20,000 entries about half the time of as many rows."""
    if connection.vendor != "postgresql":  # a row per entry (one without when there is none)
        rules = Exists(HideRule.objects.filter(user=OuterRef("pk")))
        rows: list[tuple[int | None, bool]] = list(
            User.objects.filter(pk=user.pk).annotate(ruled=rules).values_list("entries__title_id", "ruled")
        )
        ids = np.fromiter((pk for pk, _ruled in rows if pk is not None), dtype=np.int32)
        return ids, bool(rows and rows[0][1])
    with connection.cursor() as cursor:  # written out: the ORM took longer to build it than to run it
        cursor.execute(_MARKED_SQL, [user.pk, user.pk])
        text, ruled = cursor.fetchone()
    ids = np.fromstring(text, dtype=np.int32, sep=",") if text else np.zeros(0, dtype=np.int32)
    return ids, bool(ruled)


_MARKED_SQL = (  # the tables of library.models.Entry and HideRule
    "SELECT (SELECT string_agg(title_id::text, ',') FROM library_entry WHERE user_id = %s), "
    "EXISTS (SELECT 1 FROM library_hiderule WHERE user_id = %s)"
)


def title_ids_ruled_out(
    *, media_type: str, rules: Sequence[HideRule]
) -> "np.ndarray[tuple[int], np.dtype[np.int32]]":
    """The ids of every title of the media type these hide rules match, sorted (the feed removes them from
    its held ranking; equal rules share one array: `discovery.feed`)."""
    condition = hide_rules_condition(rules)
    if condition is None:
        return np.zeros(0, dtype=np.int32)
    ids = Title.objects.filter(condition, media_type=media_type).values_list("pk", flat=True)
    return np.sort(np.fromiter(ids.iterator(chunk_size=20_000), dtype=np.int32))


def titles_excluded_count(
    *,
    media_type: str,
    filters: DiscoveryFilters,
    user: User | AnonymousUser,
) -> int | None:
    """How many matching titles the feed leaves out for the user: those they have a status for, and those
    their hide rules match (None for an anonymous caller, who has neither). The first are counted from the
    user's side (a join from their entries, not a scan of the catalog), the second by the rules' conditions
    (the feed's held ranking counts both in memory: `discovery.feed`)."""
    if not user.is_authenticated:
        return None
    marked = Entry.objects.filter(
        *_filter_conditions(filters, prefix="title__"), user=user, title__media_type=media_type
    ).count()
    ruled = hide_rules_condition(hide_rules_of(user=user))
    if ruled is None:
        return marked
    unmarked = titles_filter(Title.objects.filter(media_type=media_type), filters).exclude(
        Exists(Entry.objects.filter(user=user, title_id=OuterRef("pk")))
    )
    return marked + unmarked.filter(ruled).count()


@dataclass(frozen=True)
class SearchResultPage(ResultPage):
    """A page of keyword search results, with what the search understood: the people whose titles lead
    it, whether anything matched well, and the other media type's better match (a card's title)."""

    people: tuple[PersonHit, ...] = ()
    good_match: bool = True
    other_media_type: str | None = None
    other_title: Title | None = None
    relevance: float | None = None  # the best match's, 0 to 1: which media type answers the query better


def titles_search_page(
    *,
    query: str,
    media_type: str,
    page: int,
    page_size: int,
    user: User | AnonymousUser | None = None,
    other_media_type: bool = False,
    on_services: DiscoveryFilters | None = None,
) -> SearchResultPage:
    """One page of search results with genres prefetched, and whether more follow; with
    `other_media_type`, the other media type's best match when it is clearly better; with `on_services`
    (filters holding a country and services), only the titles those services offer there.

    With a `user`, titles they have a status for are left out (the assistant never shows them); without,
    every match is there (the search routes show the caller's status on each card instead)."""
    found = search(query=query, media_type=media_type, other_media_type=other_media_type)
    hits = [h.pk for h in found.hits]
    if user is not None:
        keep = set(titles_unmarked(Title.objects.filter(pk__in=hits), user=user).values_list("pk", flat=True))
        hits = [pk for pk in hits if pk in keep]
    if on_services is not None and on_services.watch_region and on_services.watch_services:
        offered = titles_filter(Title.objects.filter(pk__in=hits), on_services).values_list("pk", flat=True)
        keep = set(offered)
        hits = [pk for pk in hits if pk in keep]
    start = (page - 1) * page_size
    window = hits[start : start + page_size]
    other = found.other
    by_pk = titles_for_cards().in_bulk([*window, *([other.pk] if other else [])])
    return SearchResultPage(
        items=[by_pk[pk] for pk in window if pk in by_pk],
        page=page,
        page_size=page_size,
        has_more=len(hits) > start + page_size,
        people=tuple(found.people),
        good_match=found.good_match,
        other_media_type=other.media_type if other and other.pk in by_pk else None,
        other_title=by_pk.get(other.pk) if other else None,
        relevance=found.hits[0].relevance if found.hits else None,
    )


# ---------------------------------------------------------------- similar titles

# The precomputed list (co-ratings and content, at most 3 titles by one director or of one franchise: see
# catalog.ingest.similarity) is served in its order; TMDB's recommendations (with a key) are merged into it.
SIMILARITY_WEIGHTS = {
    TitleNeighbour.Kind.SIMILAR: 1.0,
    TitleNeighbour.Kind.TMDB: 0.4,
}


def similar_key(title: Title) -> RankKey:
    """A similar title's place in its list: blended similarity, then score, then id."""
    return RankKey(values=(getattr(title, "similarity", None), title.score), pk=title.pk)


def similar_key_from(data: Any) -> RankKey | None:
    """The key `similar_key` wrote; None when `data` is not one."""
    key = RankKey.from_json(data, size=2)
    return None if key is None or any(isinstance(v, str) for v in key.values) else key


def titles_similar(
    *, title: Title, user: User | AnonymousUser, after: RankKey | None = None
) -> QuerySet[Title]:
    """A title's precomputed similar list (with TMDB's recommendations when a key merged some), minus the
    caller's titles (and, with `after`, those ranked before it)."""
    served = TitleNeighbour.objects.filter(title=title, kind__in=list(SIMILARITY_WEIGHTS))
    similar = titles_for_cards().filter(pk__in=served.values("neighbour_id"))
    similar = titles_unmarked(similar.exclude(pk=title.pk), user=user)
    blended = Subquery(
        served.filter(neighbour_id=OuterRef("pk"))
        .values("neighbour_id")
        .annotate(total=Sum(F("score") * _kind_weight()))
        .values("total")[:1],
        output_field=FloatField(),
    )
    similar = similar.annotate(similarity=blended)
    if after is not None:
        similarity, score = after.values
        similar = similar.filter(_after([("similarity", True, similarity), ("score", True, score)], after.pk))
    return similar.order_by(F("similarity").desc(nulls_last=True), F("score").desc(nulls_last=True), "pk")


def _kind_weight() -> Case:
    return Case(
        *[When(kind=kind, then=Value(w)) for kind, w in SIMILARITY_WEIGHTS.items()], output_field=FloatField()
    )
