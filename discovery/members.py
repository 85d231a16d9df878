"""Discover for several members at once (a household's group mode, composed by `households` above, which
hands its members down): the titles matching a request that none of them has seen or marked not interested,
nor any of their hide rules match. A title on someone's watch-later list stays.

Built in the database: the per-process shared ranking (`discovery.feed`) holds one caller's titles only.
"""

from collections.abc import Sequence
from dataclasses import replace

from django.db.models import Exists, OuterRef, QuerySet

from catalog.models import Title
from catalog.selectors import titles_for_cards
from discovery.filters import DiscoveryFilters
from discovery.selectors import (
    RankKey,
    ResultPage,
    feed_ordering,
    titles_after,
    titles_filter,
)
from discovery.services import feed_page_topped_up
from library.models import Entry, HideRule, Status
from library.selectors import hide_rules_condition

SHUT_STATUSES = (Status.SEEN.value, Status.HIDDEN.value)  # what leaves a title out for the whole group


def titles_unmarked_by_members(titles: QuerySet[Title], *, member_ids: Sequence[int]) -> QuerySet[Title]:
    """Without any title one of these users has seen or hidden (an anti-join), nor any one of their hide
    rules matches (every member's rules in one condition)."""
    ids = list(member_ids)
    shut = Entry.objects.filter(user_id__in=ids, status__in=SHUT_STATUSES, title_id=OuterRef("pk"))
    titles = titles.exclude(Exists(shut))
    ruled = hide_rules_condition(HideRule.objects.filter(user_id__in=ids))
    return titles if ruled is None else titles.exclude(ruled)


def titles_discover_for_members(
    *,
    media_type: str,
    filters: DiscoveryFilters,
    member_ids: Sequence[int],
    language: str = "en",
    after: RankKey | None = None,
) -> QuerySet[Title]:
    """`titles_discover` for a group: matching titles none of the members has seen or hidden, in the feed's
    order (after `after` when given), genres prefetched."""
    titles = titles_filter(titles_for_cards().filter(media_type=media_type), filters)
    if after is not None:
        titles = titles_after(titles, after, sort_by=filters.sort_by, language=language)
    unmarked = titles_unmarked_by_members(titles, member_ids=member_ids)
    return unmarked.order_by(*feed_ordering(filters.sort_by, language))


def titles_excluded_count_for_members(
    *, media_type: str, filters: DiscoveryFilters, member_ids: Sequence[int]
) -> int:
    """How many matching titles the group's Discover leaves out: seen or hidden by a member, or matched by a
    member's hide rule."""
    matching = titles_filter(Title.objects.filter(media_type=media_type), filters)
    return matching.count() - titles_unmarked_by_members(matching, member_ids=member_ids).count()


def members_discover_page(
    *,
    media_type: str,
    filters: DiscoveryFilters,
    member_ids: Sequence[int],
    language: str,
    page_size: int,
    page: int = 1,
    after: RankKey | None = None,
) -> ResultPage:
    """`discovery.services.discover_page` for a group: a page of the titles none of the members has seen or
    hidden, topped up from TMDB when short, with how many matches the group's exclusions left out."""
    if after is not None:
        page = 1  # a keyset: the first page of what follows the key
    titles = titles_discover_for_members(
        media_type=media_type, filters=filters, member_ids=member_ids, language=language, after=after
    )
    found = feed_page_topped_up(
        titles, media_type=media_type, filters=filters, language=language, page=page, page_size=page_size
    )
    excluded = titles_excluded_count_for_members(
        media_type=media_type, filters=filters, member_ids=member_ids
    )
    return replace(found, excluded_count=excluded)
