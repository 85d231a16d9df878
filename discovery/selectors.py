"""The product's rule, as reads: the titles matching a request, minus the caller's titles.

Everything here takes the caller (`user`, anonymous included) and removes what they have a status for
inside the query, so a page is full whenever enough unseen matches exist, however many titles they marked.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

import numpy as np
from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, Exists, F, FloatField, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Lower, NullIf

from accounts.models import User
from catalog.models import Title, TitleNeighbour
from catalog.search import titles_search
from catalog.selectors import titles_for_cards
from catalog.text import normalize_text
from discovery.filters import DiscoveryFilters, SortBy
from library.models import Entry

if TYPE_CHECKING:
    from django.db.models.expressions import Combinable, NegatedExpression, OrderBy

Condition: TypeAlias = "Q | Exists | NegatedExpression[Combinable]"


@dataclass(frozen=True)
class ResultPage:
    """One page of titles for the caller, and how many of their own titles the request left out (None when
    not counted: anonymous callers, search and similar titles)."""

    items: list[Title]
    page: int
    page_size: int
    has_more: bool
    excluded_count: int | None = None


def result_page(titles: QuerySet[Title], *, page: int, page_size: int) -> ResultPage:
    """One query for the page; one extra row tells whether more follow."""
    start = (page - 1) * page_size
    rows = list(titles[start : start + page_size + 1])
    return ResultPage(items=rows[:page_size], page=page, page_size=page_size, has_more=len(rows) > page_size)


def _ordering(sort_by: str, language: str) -> "list[OrderBy | Lower | str]":
    if sort_by == SortBy.TITLE:
        localized = Coalesce(NullIf("title_fr", Value("")), "title_en") if language == "fr" else F("title_en")
        return [Lower(localized), "pk"]
    # Matches the ranking indexes of catalog's migration 0003: (media type, column DESC NULLS LAST, id).
    return [F(sort_by).desc(nulls_last=True), "pk"]


def _filter_conditions(filters: DiscoveryFilters, prefix: str = "") -> list[Condition]:
    """The filters as conditions on titles, or on rows that point at titles (`prefix="title__"`)."""
    links = Title.genres.through.objects.filter(title_id=OuterRef(f"{prefix}pk" if prefix else "pk"))
    conditions: list[Condition] = []
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
) -> QuerySet[Title]:
    """Matching titles never seen, saved or hidden by the user, best first, genres prefetched.

    The caller's titles are removed inside the query (NOT EXISTS over their entries); how many were removed
    is `titles_excluded_count`."""
    titles = titles_filter(titles_for_cards().filter(media_type=media_type), filters)
    return titles_unmarked(titles, user=user).order_by(*_ordering(filters.sort_by, language))


def title_ids_ranked(*, media_type: str, filters: DiscoveryFilters, language: str, limit: int) -> list[int]:
    """The ids of up to `limit` matching titles, best first, for everyone alike (nobody's titles removed)."""
    titles = titles_filter(Title.objects.filter(media_type=media_type), filters)
    return list(titles.order_by(*_ordering(filters.sort_by, language)).values_list("pk", flat=True)[:limit])


def titles_excluded_count(
    *,
    media_type: str,
    filters: DiscoveryFilters,
    user: User | AnonymousUser,
    marked_in_ranking: "np.ndarray[tuple[int], np.dtype[np.bool_]] | None" = None,
) -> int | None:
    """How many of the user's titles match the filters: the titles every page of the feed leaves out (None
    for an anonymous caller, who has none).

    When the caller holds every match's id in rank order (the feed's shared ranking), it passes which of
    them are the user's, a mask it needs anyway to remove them, and the count costs nothing more. Otherwise
    the database counts from the user's side: a join from their entries, not a scan of the whole catalog."""
    if not user.is_authenticated:
        return None
    if marked_in_ranking is not None:
        return int(marked_in_ranking.sum())
    return Entry.objects.filter(
        *_filter_conditions(filters, prefix="title__"), user=user, title__media_type=media_type
    ).count()


def titles_search_page(
    *, query: str, media_type: str, page: int, page_size: int, user: User | AnonymousUser | None = None
) -> tuple[list[Title], bool]:
    """One page of search results with genres prefetched, and whether more follow.

    With a `user`, titles they have a status for are left out (the assistant never shows them); without,
    every match is there (the search routes show the caller's status on each card instead)."""
    hits = [h.pk for h in titles_search(query=query, media_type=media_type)]
    if user is not None:
        keep = set(titles_unmarked(Title.objects.filter(pk__in=hits), user=user).values_list("pk", flat=True))
        hits = [pk for pk in hits if pk in keep]
    start = (page - 1) * page_size
    window = hits[start : start + page_size]
    by_pk = titles_for_cards().in_bulk(window)
    return [by_pk[pk] for pk in window if pk in by_pk], len(hits) > start + page_size


# ---------------------------------------------------------------- similar titles

# TMDB's recommendations (with a key) count like co-ratings: both come from what audiences watched together.
SIMILARITY_WEIGHTS = {
    TitleNeighbour.Kind.CONTENT: 0.6,
    TitleNeighbour.Kind.RATINGS: 0.4,
    TitleNeighbour.Kind.TMDB: 0.4,
}


def titles_similar(*, title: Title, user: User | AnonymousUser) -> QuerySet[Title]:
    """Precomputed neighbours of a title, content and co-ratings blended, minus the caller's titles."""
    similar = titles_for_cards().filter(
        pk__in=TitleNeighbour.objects.filter(title=title).values("neighbour_id")
    )
    similar = titles_unmarked(similar.exclude(pk=title.pk), user=user)
    blended = Subquery(
        TitleNeighbour.objects.filter(title=title, neighbour_id=OuterRef("pk"))
        .values("neighbour_id")
        .annotate(total=Sum(F("score") * _kind_weight()))
        .values("total")[:1],
        output_field=FloatField(),
    )
    return similar.annotate(similarity=blended).order_by(
        F("similarity").desc(nulls_last=True), F("score").desc(nulls_last=True), "pk"
    )


def _kind_weight() -> Case:
    return Case(
        *[When(kind=kind, then=Value(w)) for kind, w in SIMILARITY_WEIGHTS.items()], output_field=FloatField()
    )
