"""The discovery feed's shared half, kept a few seconds in each process and shared by every caller.

A feed page is "the titles matching the filters, best first" minus "the caller's titles". The first part is
the same for everyone asking with the same filters, so each process computes it once per
`FEED_CACHE_SECONDS`: the best `FEED_CACHE_MAX_MATCHES` ids as an array (every match when there are no more)
and, when there are more, a bitmap of every match's id (one bit per id of the catalog: 125 KB at a million),
so that `excluded_count` is counted in memory too. A request then reads only the caller's own title ids
(always fresh: a title just marked never comes back) and whatever titles of its page are not held yet; it
goes to the database only when the caller's titles and the page number eat the whole prefix.

The rankings a process holds take at most `FEED_CACHE_MEMORY_MB` (least recently used first out), and the
first request for a filter set computes it while the others asking for it wait (after a deploy, one query
per filter set and process, not one per request); past `FEED_CACHE_SECONDS`, one request computes it again
while the others are still served the one held. Any title written through the ORM in this process empties
both caches; elsewhere a change shows after `FEED_CACHE_SECONDS` at most.
"""

import hashlib
import json
import threading
import time
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import numpy as np
from cachetools import TTLCache
from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from catalog.models import Title
from catalog.selectors import titles_for_cards
from discovery.filters import DiscoveryFilters
from discovery.selectors import (
    RankKey,
    ResultPage,
    feed_key,
    title_ids_marked,
    title_ids_matching,
    title_ids_ranked,
    title_ids_ruled_out,
)
from library.selectors import hide_rules_of, hide_rules_signature

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from library.models import HideRule

TITLES_KEPT = 2000  # titles per process, with their genres (≈ 8 KB each: ≈ 16 MB at most)

Ids = np.ndarray[tuple[int], np.dtype[np.int32]]
Bits = np.ndarray[tuple[int], np.dtype[np.uint8]]
Mask = np.ndarray[tuple[int], np.dtype[np.bool_]]


@dataclass(frozen=True, eq=False)
class Ranking:
    """One filter set's matches for everyone: the best ids in order, and, when those are not all of them,
    which ids match at all (a bitmap) and how many do; when they are, the same ids sorted, to count a
    caller's titles among them by binary search."""

    best: Ids
    members: Bits | None  # None: `best` holds every match
    total: int
    sorted_best: Ids  # `best` sorted when it holds every match (`members` None); else empty
    computed_at: float = 0.0  # time.monotonic()

    @property
    def nbytes(self) -> int:
        members = self.members.nbytes if self.members is not None else 0
        return self.best.nbytes + members + self.sorted_best.nbytes + 200

    def matching(self, ids: Ids) -> int:
        """How many of `ids` (distinct) match."""
        if self.members is None:
            return int(_among(ids, self.sorted_best).sum())
        ids = ids[(ids >= 0) & (ids < self.members.size * 8)]  # a title newer than the bitmap: not counted
        return int(((self.members[ids >> 3] >> (7 - (ids & 7))) & 1).sum())


Rankings = TTLCache[str, Ranking]
Titles = TTLCache[int, Title]
Ruled = TTLCache[str, "Ids"]
RULED_KEPT = 500  # rule sets' matching ids per process (each a sorted array: ≈ 4 bytes a title)

_lock = threading.Lock()
_rankings: Rankings | None = None
_titles: Titles | None = None
_ruled: Ruled | None = None
# (ranking, rule set) → the ranking without the rules' titles (`_ruled_view`); rankings live 2 lifetimes.
_views: TTLCache[tuple[int, float, str, str], tuple[Ids, Ids, int]] = TTLCache(maxsize=64, ttl=120)
_computing: dict[str, threading.Lock] = {}  # a filter set being ranked: the others asking wait on it
_generation = 0  # bumped by every clear: a ranking computed across one is not kept


def _caches() -> tuple[Rankings, Titles]:
    """The two per-process caches, made on first use (the lifetime and size come from the settings)."""
    global _rankings, _titles, _ruled
    memory = max(1, int(settings.FEED_CACHE_MEMORY_MB * 2**20))
    with _lock:
        if (
            _rankings is None
            or _titles is None
            or _rankings.ttl != 2 * settings.FEED_CACHE_SECONDS
            or _rankings.maxsize != memory
        ):
            # Held twice the lifetime: past it, a ranking is served while one request computes it again.
            _rankings = TTLCache(maxsize=memory, ttl=2 * settings.FEED_CACHE_SECONDS, getsizeof=_size)
            _titles = TTLCache(maxsize=TITLES_KEPT, ttl=settings.FEED_CACHE_SECONDS)
            _ruled = TTLCache(maxsize=RULED_KEPT, ttl=settings.FEED_CACHE_SECONDS)
        return _rankings, _titles


def _size(ranking: Ranking) -> int:
    return ranking.nbytes


def feed_cache_clear() -> None:
    """Forget every ranking and title held by this process."""
    global _generation
    rankings, titles = _caches()
    with _lock:
        rankings.clear()
        titles.clear()
        if _ruled is not None:
            _ruled.clear()
        _views.clear()
        _generation += 1


def feed_cache_bytes() -> int:
    """The memory the rankings held by this process take (their arrays), at most `FEED_CACHE_MEMORY_MB`."""
    rankings, _titles_held = _caches()
    with _lock:
        rankings.expire()
        return int(rankings.currsize)


@dataclass(frozen=True)
class HeldFeed:
    """What the held ranking answers for a request: the page, when it lies within the best ids (None when
    only the database knows it); how many of the caller's titles matched and were left out (None for an
    anonymous caller), counted in memory whichever answers the page; and the ids the caller's hide rules
    match (sorted; empty without rules, None for an anonymous caller), which the database's query then
    leaves out by id."""

    page: ResultPage | None
    excluded_count: int | None
    ruled: "Ids | None" = None


def cached_feed_page(
    *,
    media_type: str,
    filters: DiscoveryFilters,
    user: "User | AnonymousUser",
    language: str,
    page: int,
    page_size: int,
    after: RankKey | None = None,
) -> HeldFeed | None:
    """The page (or, with `after`, the page of titles ranked after it) and the number of the caller's titles
    that matched, from the held ranking; None when the cache is off (`FEED_CACHE_SECONDS` 0).

    `after` is found by its id among the best ids, which hold the caller's titles too: titles marked since
    the previous page are only left out. When they no longer hold it (it stopped matching, or lies beyond
    them), the database finds its place by value."""
    if settings.FEED_CACHE_SECONDS <= 0:
        return None
    ranking = _ranking(media_type=media_type, filters=filters, language=language)
    best = ranking.best
    ruled: Ids | None = None
    ruled_matching = 0
    excluded = None
    marked = np.zeros(0, dtype=np.int32)
    if user.is_authenticated:
        marked, has_rules = title_ids_marked(user=user)  # one query; the rules read only when there are
        marked = np.sort(marked)  # distinct already: one entry per title
        rules = hide_rules_of(user=user) if has_rules else []
        if rules:  # the ranking without what the rules match: held per ranking and rule set
            best, ruled, ruled_matching = _ruled_view(ranking, media_type=media_type, rules=rules)
            marked = marked[~_among(marked, ruled)]  # a title both marked and ruled out counts once
        else:  # none: the database's page need not read them either
            ruled = np.zeros(0, dtype=np.int32)
        excluded = ranking.matching(marked) + ruled_matching
    begin = 0
    if after is not None:
        found = np.flatnonzero(best == after.pk)
        if not found.size:
            return HeldFeed(page=None, excluded_count=excluded, ruled=ruled)
        begin, page = int(found[0]) + 1, 1
    start = (page - 1) * page_size
    # The page's ids and the one after: the caller's titles are left out of only as many of the best as can
    # hold them (at most `marked.size` of these are the caller's), not out of all of them.
    window = best[begin : begin + start + page_size + 1 + marked.size]
    if marked.size:
        window = window[~_among(window, marked)]
    ids = window[start : start + page_size + 1].tolist()
    if ranking.members is not None and len(ids) <= page_size:
        # The page reaches past the best ids: only the database knows what follows.
        return HeldFeed(page=None, excluded_count=excluded, ruled=ruled)
    items = _titles_by_id(ids[:page_size])
    has_more = len(ids) > page_size
    found_page = ResultPage(
        items=items,
        page=page,
        page_size=page_size,
        has_more=has_more,
        excluded_count=excluded,
        next_after=feed_key(items[-1], sort_by=filters.sort_by, language=language)
        if has_more and items
        else None,
    )
    return HeldFeed(page=found_page, excluded_count=excluded, ruled=ruled)


def _ruled_ids(*, media_type: str, rules: list["HideRule"]) -> Ids:
    """The sorted ids of the media type's titles these rules match; shared by every caller with the same
    rules for `FEED_CACHE_SECONDS` (a new or removed rule is another set: it shows at once)."""
    _caches()
    key = f"{media_type}:{hide_rules_signature(rules)}"
    with _lock:
        held = _ruled.get(key) if _ruled is not None else None
        generation = _generation
    if held is not None:
        return held
    ids = title_ids_ruled_out(media_type=media_type, rules=rules)
    with _lock:
        if _ruled is not None and generation == _generation:  # not across a title written meanwhile
            _ruled[key] = ids
    return ids


def ruled_title_ids(*, user: "User", media_type: str) -> Ids | None:
    """The sorted ids of the titles the user's hide rules match, held per rule set as the feed holds them
    (None without rules, or with the cache off): what the database's page query leaves out by id."""
    rules = hide_rules_of(user=user)
    if not rules or settings.FEED_CACHE_SECONDS <= 0:
        return None
    return _ruled_ids(media_type=media_type, rules=rules)


def _ruled_view(ranking: Ranking, *, media_type: str, rules: list["HideRule"]) -> tuple[Ids, Ids, int]:
    """The ranking's best ids without those the rules match, the ids they match, and how many of those match
    the filters; computed once per ranking and rule set, so a request with rules costs what one without
    does (the rules read, the caller's own titles removed)."""
    key = (id(ranking), ranking.computed_at, media_type, hide_rules_signature(rules))
    with _lock:
        held = _views.get(key)
    if held is not None:
        return held
    ruled = _ruled_ids(media_type=media_type, rules=rules)
    view = (ranking.best[~_among(ranking.best, ruled)], ruled, ranking.matching(ruled))
    with _lock:
        _views[key] = view
    return view


def _among(ids: Ids, marked: Ids) -> Mask:
    """Which of `ids` are in `marked` (sorted, distinct): a binary search each."""
    if not marked.size:
        return np.zeros(ids.size, dtype=np.bool_)
    at = np.minimum(np.searchsorted(marked, ids), marked.size - 1)
    return np.asarray(marked[at] == ids, dtype=np.bool_)


def _ranking(*, media_type: str, filters: DiscoveryFilters, language: str) -> Ranking:
    """The filter set's ranking, computed once per process and lifetime. Concurrent requests for one not
    held wait for the first to compute it rather than all asking the database; past its lifetime, one
    request computes it again while the others are served the one held (for at most another lifetime)."""
    rankings, _titles_held = _caches()
    key = hashlib.sha256(
        json.dumps([media_type, language, asdict(filters)], sort_keys=True, default=str).encode()
    ).hexdigest()
    lifetime = settings.FEED_CACHE_SECONDS
    with _lock:
        held = rankings.get(key)
        if held is not None and time.monotonic() - held.computed_at < lifetime:
            return held
        computing = _computing.setdefault(key, threading.Lock())
    if held is None:
        computing.acquire()
    elif not computing.acquire(blocking=False):
        return held  # another request is ranking it again
    try:
        with _lock:
            done = rankings.get(key)
            generation = _generation
        if done is not None and time.monotonic() - done.computed_at < lifetime:
            return done  # ranked while this request waited
        ranking = _compute(media_type=media_type, filters=filters, language=language)
        with _lock:
            if generation == _generation and ranking.nbytes <= rankings.maxsize:
                rankings[key] = ranking
    finally:
        computing.release()
        with _lock:
            if _computing.get(key) is computing:
                del _computing[key]
    return ranking


def _compute(*, media_type: str, filters: DiscoveryFilters, language: str) -> Ranking:
    limit = max(1, settings.FEED_CACHE_MAX_MATCHES)
    ids = title_ids_ranked(media_type=media_type, filters=filters, language=language, limit=limit + 1)
    now = time.monotonic()
    if len(ids) <= limit:
        every = np.array(ids, dtype=np.int32)
        return Ranking(
            best=every, members=None, total=every.size, sorted_best=np.sort(every), computed_at=now
        )
    every = np.fromiter(title_ids_matching(media_type=media_type, filters=filters), dtype=np.int32)
    flags = np.zeros(int(every.max()) + 1, dtype=np.bool_)
    flags[every] = True
    best = np.array(ids[:limit], dtype=np.int32)
    return Ranking(
        best=best, members=np.packbits(flags), total=every.size, sorted_best=best[:0], computed_at=now
    )


def _titles_by_id(ids: list[int]) -> list[Title]:
    """The titles, in this order, with their genres; shared read-only between the requests of a process."""
    _rankings_held, titles = _caches()
    with _lock:  # one read each: a title alive for `in` may have expired by the next read
        held = {pk: title for pk in ids if (title := titles.get(pk)) is not None}
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
