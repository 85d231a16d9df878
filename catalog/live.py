"""The pages of discovery, search and similar titles, topped up live from TMDB when a key is set
(`catalog.ingest.topup`); without one they are served from our catalog alone."""

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from catalog.feed import cached_feed_page
from catalog.ingest.clients import tmdb_is_configured
from catalog.ingest.topup import discover_top_up, search_top_up, similar_top_up
from catalog.models import Title
from catalog.search import titles_search_page
from catalog.selectors import DiscoveryFilters, titles_discover, titles_similar
from core.api.pagination import Page, paginate

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def discover_page(
    *,
    media_type: str,
    filters: DiscoveryFilters,
    user: "User | AnonymousUser",
    language: str,
    page: int,
    page_size: int,
) -> tuple[Page, int | None]:
    """One page of the feed (see `titles_discover`), topped up from TMDB when the cache falls short; and how
    many of the user's titles matched and were skipped (None when anonymous).

    Served from the shared ranking of `catalog.feed` when it can answer, from the database otherwise."""
    cached = cached_feed_page(
        media_type=media_type, filters=filters, user=user, language=language, page=page, page_size=page_size
    )
    if cached is not None and (len(cached[0].items) == page_size or not tmdb_is_configured()):
        return cached  # a short page goes through the database, where the top-up can fill it
    titles, skipped = titles_discover(media_type=media_type, filters=filters, user=user, language=language)
    result = paginate(titles, page=page, page_size=page_size)
    if len(result.items) < page_size and discover_top_up(
        media_type=media_type, filters=filters, unseen=titles, wanted=page * page_size
    ):
        result = paginate(titles.all(), page=page, page_size=page_size)  # again, with what TMDB added
    return result, skipped.count() if skipped is not None else None


def search_page(
    *, query: str, media_type: str, page: int, page_size: int, user: "User | AnonymousUser | None" = None
) -> Page:
    """One page of keyword search results, with TMDB asked first when our best match is weak."""
    if page == 1:
        search_top_up(query=query, media_type=media_type)
    titles, has_more = titles_search_page(
        query=query, media_type=media_type, page=page, page_size=page_size, user=user
    )
    return Page(items=titles, page=page, page_size=page_size, has_more=has_more)


def similar_titles(*, title: Title, user: "User | AnonymousUser") -> QuerySet[Title]:
    """Similar titles, TMDB's recommendations merged in when a key is set."""
    similar_top_up(title=title)
    return titles_similar(title=title, user=user)
