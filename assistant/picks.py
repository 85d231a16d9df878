"""The chat's page of picks for a request: the feed's best titles, with the work of a new request bounded.

The feed (`discovery.feed`) ranks every match of a filter set the first time anyone asks for it: right for
Discover, which pages deep and counts what it left out, but most of a chat turn when the request is new, and
nearly every chat request is ("no horror", "a western from the 50s"). A chat page shows `PICKS` titles, so
the chat ranks only the best `SHORTLIST` matches, for everyone alike, and holds them per process for
`FEED_CACHE_SECONDS` (as the feed holds its rankings); a page is then those of them the user has not marked
nor hidden by a rule, in the same order, read by id. The titles are those the feed would show: past
the shortlist (a user who has marked most of it, a page far down) or short of a page (the TMDB top-up),
the page comes from the feed itself.
"""

import hashlib
import json
import threading
from dataclasses import asdict

from cachetools import TTLCache
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from accounts.models import User
from catalog.ingest.clients import tmdb_is_configured
from catalog.models import Title
from catalog.selectors import titles_for_cards
from discovery.filters import DiscoveryFilters
from discovery.selectors import title_ids_ranked, titles_unmarked
from discovery.services import discover_page

SHORTLIST = 200  # the best matches ranked for a new request: 40 pages of 5 before the feed's own ranking
SHORTLISTS_KEPT = 256  # filter sets per process (≈ 1 KB each)

_lock = threading.Lock()
_shortlists: TTLCache[str, tuple[int, ...]] | None = None


def _held() -> TTLCache[str, tuple[int, ...]] | None:
    """This process's shortlists, made on first use with the feed's lifetime; None when the feed's cache is
    off (`FEED_CACHE_SECONDS` 0: every page from the database)."""
    global _shortlists
    lifetime = settings.FEED_CACHE_SECONDS
    if lifetime <= 0:
        return None
    with _lock:
        if _shortlists is None or _shortlists.ttl != lifetime:
            _shortlists = TTLCache(maxsize=SHORTLISTS_KEPT, ttl=lifetime)
        return _shortlists


def _shortlist(*, media_type: str, filters: DiscoveryFilters, language: str) -> tuple[int, ...]:
    """The ids of the best `SHORTLIST` matches (or every match, when fewer), best first, for everyone."""
    held = _held()
    key = hashlib.sha256(
        json.dumps([media_type, language, asdict(filters)], sort_keys=True, default=str).encode()
    ).hexdigest()
    if held is not None:
        with _lock:
            ids = held.get(key)
        if ids is not None:
            return ids
    ids = tuple(title_ids_ranked(media_type=media_type, filters=filters, language=language, limit=SHORTLIST))
    if held is not None:
        with _lock:
            held[key] = ids
    return ids


def discover_picks(
    *,
    media_type: str,
    filters: DiscoveryFilters,
    user: User | AnonymousUser,
    language: str,
    page: int,
    page_size: int,
) -> list[Title]:
    """Page `page` of the titles matching `filters` that the user has not marked nor hidden, best first:
    the feed's page (`discover_page`), from a shortlist of the best matches when it holds that page."""
    shortlist = _shortlist(media_type=media_type, filters=filters, language=language)
    start = (page - 1) * page_size
    if shortlist:
        # The shortlist's titles the user has not marked nor hidden by a rule, read by id (as the feed reads
        # its held ranking's), in its order.
        unmarked = set(
            titles_unmarked(Title.objects.filter(pk__in=shortlist), user=user).values_list("pk", flat=True)
        )
        ids = [pk for pk in shortlist if pk in unmarked][start : start + page_size]
        cards = {title.pk: title for title in titles_for_cards().filter(pk__in=ids)}
        found = [cards[pk] for pk in ids if pk in cards]
        # Every match is in the shortlist, or the page lies within it: the page is the feed's.
        complete = len(shortlist) < SHORTLIST
        if len(found) == page_size or (complete and not tmdb_is_configured()):
            return found
    matches = discover_page(
        media_type=media_type, filters=filters, user=user, language=language, page=page, page_size=page_size
    )
    return list(matches.items)


@receiver(post_save, sender=Title, dispatch_uid="assistant-shortlists-title-saved")
@receiver(post_delete, sender=Title, dispatch_uid="assistant-shortlists-title-deleted")
@receiver(m2m_changed, sender=Title.genres.through, dispatch_uid="assistant-shortlists-title-genres")
def _title_written(**_kwargs: object) -> None:
    """A title written in this process: the shortlists are ranked again (as the feed's rankings are)."""
    held = _held()
    if held is not None:
        with _lock:
            held.clear()
