"""Filling a page for the caller: the feed, keyword search and similar titles, topped up live from TMDB
(`catalog.ingest.topup`) when a key is set and our catalog falls short; without one, from our catalog alone.
"""

from dataclasses import replace
from functools import partial

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from accounts.models import User
from catalog.ingest.clients import tmdb_is_configured
from catalog.ingest.topup import discover_top_up, search_top_up, similar_top_up
from catalog.models import Title
from discovery.feed import cached_feed_page
from discovery.filters import DiscoveryFilters
from discovery.selectors import (
    RankKey,
    ResultPage,
    SearchResultPage,
    feed_key,
    result_page,
    similar_key,
    titles_discover,
    titles_excluded_count,
    titles_filter,
    titles_search_page,
    titles_similar,
)


def feed_page_topped_up(
    titles: QuerySet[Title],
    *,
    media_type: str,
    filters: DiscoveryFilters,
    language: str,
    page: int,
    page_size: int,
) -> ResultPage:
    """A page of these unseen titles in the feed's order; when it falls short, TMDB's titles matching the
    filters are added to the catalog (with a key) and the page is read again."""
    key = partial(feed_key, sort_by=filters.sort_by, language=language)
    found = result_page(titles, page=page, page_size=page_size, key=key)
    if len(found.items) < page_size and discover_top_up(
        media_type=media_type, filters=filters, unseen=titles, wanted=page * page_size
    ):
        found = result_page(titles.all(), page=page, page_size=page_size, key=key)  # with what TMDB added
    return found


def discover_page(
    *,
    media_type: str,
    filters: DiscoveryFilters,
    user: User | AnonymousUser,
    language: str,
    page_size: int,
    page: int = 1,
    after: RankKey | None = None,
) -> ResultPage:
    """One page of the feed (see `titles_discover`): page `page`, or with `after` the titles ranked after
    it; topped up from TMDB when the cache falls short, with how many of the user's titles matched and were
    left out, and where the next page starts.

    Served from the shared ranking of `discovery.feed` when it can answer, from the database otherwise."""
    if after is not None:
        page = 1  # a keyset: the first page of what follows the key
    held = cached_feed_page(
        media_type=media_type,
        filters=filters,
        user=user,
        language=language,
        page=page,
        page_size=page_size,
        after=after,
    )
    cached = held.page if held is not None else None
    if cached is not None and (len(cached.items) == page_size or not tmdb_is_configured()):
        return cached  # a short page goes through the database, where the top-up can fill it
    titles = titles_discover(
        media_type=media_type,
        filters=filters,
        user=user,
        language=language,
        after=after,
        ruled=held.ruled if held is not None else None,  # the rules' titles left out by id
    )
    found = feed_page_topped_up(
        titles, media_type=media_type, filters=filters, language=language, page=page, page_size=page_size
    )
    if held is not None:  # counted in the held ranking: no query
        return replace(found, excluded_count=held.excluded_count)
    excluded = titles_excluded_count(media_type=media_type, filters=filters, user=user)
    return replace(found, excluded_count=excluded)


def search_page(
    *,
    query: str,
    media_type: str,
    page: int,
    page_size: int,
    user: User | AnonymousUser | None = None,
    other_media_type: bool = False,
    on_services: DiscoveryFilters | None = None,
) -> SearchResultPage:
    """One page of keyword search results, with TMDB asked first when our best match is weak; with a `user`,
    without their titles; with `other_media_type`, the other media type's clearly better match."""
    if page == 1:
        search_top_up(query=query, media_type=media_type)
    return titles_search_page(
        query=query,
        media_type=media_type,
        page=page,
        page_size=page_size,
        user=user,
        other_media_type=other_media_type,
        on_services=on_services,
    )


def similar_page(
    *,
    title: Title,
    user: User | AnonymousUser,
    page_size: int,
    page: int = 1,
    filters: DiscoveryFilters | None = None,
    after: RankKey | None = None,
) -> ResultPage:
    """Titles like `title` that the user has not marked, best first (after `after` when given), narrowed
    by `filters` when given (the assistant's "like Heat but French"); TMDB's recommendations are merged in
    when a key is set."""
    similar_top_up(title=title)
    titles = titles_similar(title=title, user=user, after=after)
    if filters is not None:
        titles = titles_filter(titles, filters)
    return result_page(titles, page=1 if after is not None else page, page_size=page_size, key=similar_key)
