"""The discovery feed's shared half, kept a few seconds in each process and shared by every caller.

A feed page is "the titles matching the filters, best first" minus "the caller's titles". The first part is
the same for everyone asking with the same filters, so each process computes it once per
`FEED_CACHE_SECONDS` as an array of ids, and keeps the titles it served as cards for as long. A request
then reads only the caller's own title ids (always fresh: a title just marked never comes back) and
whatever titles of its page are not held yet.

Any title written through the ORM in this process empties both caches; elsewhere a change shows after
`FEED_CACHE_SECONDS` at most. The cache steps aside (the caller asks the database) when it is switched
off and when a filter set matches more than `FEED_CACHE_MAX_MATCHES` titles.
"""

import hashlib
import json
import threading
from dataclasses import asdict
from typing import TYPE_CHECKING

import numpy as np
from cachetools import TTLCache
from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from catalog.models import Title
from catalog.selectors import titles_for_cards
from discovery.filters import DiscoveryFilters
from discovery.selectors import RankKey, ResultPage, feed_key, title_ids_ranked, titles_excluded_count
from library.selectors import marked_title_ids

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

RANKINGS_KEPT = 128  # filter sets per process (at most FEED_CACHE_MAX_MATCHES x 4 bytes each)
TITLES_KEPT = 2000  # titles per process, with their genres (≈ 8 KB each: ≈ 16 MB at most)

Ranking = np.ndarray[tuple[int], np.dtype[np.int32]]
Rankings = TTLCache[str, Ranking | None]  # None: too many matches to hold
Titles = TTLCache[int, Title]

_lock = threading.Lock()
_rankings: Rankings | None = None
_titles: Titles | None = None


def _caches() -> tuple[Rankings, Titles]:
    """The two per-process caches, made on first use (the lifetime comes from the settings)."""
    global _rankings, _titles
    with _lock:
        if _rankings is None or _titles is None or _rankings.ttl != settings.FEED_CACHE_SECONDS:
            _rankings = TTLCache(maxsize=RANKINGS_KEPT, ttl=settings.FEED_CACHE_SECONDS)
            _titles = TTLCache(maxsize=TITLES_KEPT, ttl=settings.FEED_CACHE_SECONDS)
        return _rankings, _titles


def feed_cache_clear() -> None:
    """Forget every ranking and title held by this process."""
    rankings, titles = _caches()
    with _lock:
        rankings.clear()
        titles.clear()


def cached_feed_page(
    *,
    media_type: str,
    filters: DiscoveryFilters,
    user: "User | AnonymousUser",
    language: str,
    page: int,
    page_size: int,
    after: RankKey | None = None,
) -> ResultPage | None:
    """The page (or, with `after`, the page of titles ranked after it), with the number of the caller's
    titles that matched, from the cached ranking; None when the cache cannot answer and the database must.

    `after` is found by its id in the ranking, which holds every match, the caller's too: titles marked
    since the previous page are only left out. When the ranking no longer holds it (it stopped matching),
    the database finds its place by value."""
    if settings.FEED_CACHE_SECONDS <= 0:
        return None
    ranked = _ranking(media_type=media_type, filters=filters, language=language)
    if ranked is None:
        return None
    begin = 0
    if after is not None:
        found = np.flatnonzero(ranked == after.pk)
        if not found.size:
            return None
        begin, page = int(found[0]) + 1, 1
    marked = None
    rest = ranked[begin:]
    if user.is_authenticated:
        marked = np.isin(ranked, np.fromiter(marked_title_ids(user=user), dtype=np.int32))
        rest = rest[~marked[begin:]]
    start = (page - 1) * page_size
    ids = rest[start : start + page_size + 1].tolist()
    items = _titles_by_id(ids[:page_size])
    has_more = len(ids) > page_size
    return ResultPage(
        items=items,
        page=page,
        page_size=page_size,
        has_more=has_more,
        excluded_count=titles_excluded_count(
            media_type=media_type, filters=filters, user=user, marked_in_ranking=marked
        ),
        next_after=feed_key(items[-1], sort_by=filters.sort_by, language=language)
        if has_more and items
        else None,
    )


def _ranking(*, media_type: str, filters: DiscoveryFilters, language: str) -> Ranking | None:
    """Every matching title id, best first; None when there are too many to hold."""
    rankings, _titles_held = _caches()
    key = hashlib.sha256(
        json.dumps([media_type, language, asdict(filters)], sort_keys=True, default=str).encode()
    ).hexdigest()
    with _lock:
        try:
            ranked, held = rankings[key], True
        except KeyError:  # never ranked, or expired
            ranked, held = None, False
    if not held:
        limit = settings.FEED_CACHE_MAX_MATCHES
        ids = title_ids_ranked(media_type=media_type, filters=filters, language=language, limit=limit + 1)
        ranked = np.array(ids, dtype=np.int32) if len(ids) <= limit else None
        with _lock:
            rankings[key] = ranked
    return ranked


def _titles_by_id(ids: list[int]) -> list[Title]:
    """The titles, in this order, with their genres; shared read-only between the requests of a process."""
    _rankings_held, titles = _caches()
    with _lock:
        held = {pk: titles[pk] for pk in ids if pk in titles}
    missing = [pk for pk in ids if pk not in held]
    if missing:
        loaded = {t.pk: t for t in titles_for_cards().filter(pk__in=missing)}
        with _lock:
            titles.update(loaded)
        held.update(loaded)
    return [held[pk] for pk in ids if pk in held]


@receiver(post_save, sender=Title, dispatch_uid="feed-cache-title-saved")
@receiver(post_delete, sender=Title, dispatch_uid="feed-cache-title-deleted")
@receiver(m2m_changed, sender=Title.genres.through, dispatch_uid="feed-cache-title-genres")
def _title_written(**_kwargs: object) -> None:
    feed_cache_clear()
