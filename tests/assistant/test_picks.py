"""The chat's page of picks: the feed's own page, without ranking every match of a new request."""

import pytest

from accounts.models import User
from assistant import picks
from assistant.picks import discover_picks
from catalog.models import Genre, Title
from discovery.feed import feed_cache_bytes
from discovery.filters import DiscoveryFilters
from discovery.services import discover_page
from library.models import Entry, Status
from library.services import hide_rule_create

pytestmark = pytest.mark.django_db


def _no_horror() -> DiscoveryFilters:
    return DiscoveryFilters(exclude_genres=(Genre.objects.get(tmdb_id=27).pk,))


def _pages(user: User, filters: DiscoveryFilters, *, page_size: int) -> tuple[list[str], list[str]]:
    """Each page of picks beside the feed's page, as titles."""
    ours, feeds = [], []
    for page in (1, 2, 3):
        ours += [
            t.title_en
            for t in discover_picks(
                media_type="movie", filters=filters, user=user, language="en", page=page, page_size=page_size
            )
        ]
        feed = discover_page(
            media_type="movie", filters=filters, user=user, language="en", page=page, page_size=page_size
        )
        feeds += [t.title_en for t in feed.items]
    return ours, feeds


def test_the_picks_are_the_feeds_page_without_the_users_titles(user: User, catalog: dict[str, Title]) -> None:
    Entry.objects.create(user=user, title=catalog["Heat"], status=Status.SEEN)
    hide_rule_create(user=user, kind="person", value="Quentin Tarantino")
    ours, feeds = _pages(user, _no_horror(), page_size=2)
    assert ours == feeds
    assert "Heat" not in ours and "Pulp Fiction" not in ours and "Alien" not in ours
    assert ours[0] == "The Godfather" and len(ours) == len(set(ours)) == 6


def test_a_new_request_ranks_a_shortlist_not_every_match(user: User, catalog: dict[str, Title]) -> None:
    """The feed's ranking of every match is not computed for a chat page (it is for Discover's)."""
    discover_picks(media_type="movie", filters=_no_horror(), user=user, language="en", page=1, page_size=5)
    assert feed_cache_bytes() == 0
    discover_page(media_type="movie", filters=_no_horror(), user=user, language="en", page=1, page_size=5)
    assert feed_cache_bytes() > 0


def test_past_the_shortlist_the_page_comes_from_the_feed(
    user: User, catalog: dict[str, Title], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A user who marked most of the shortlist, or a page far down, still gets the feed's page."""
    monkeypatch.setattr(picks, "SHORTLIST", 3)
    Entry.objects.create(user=user, title=catalog["The Godfather"], status=Status.SEEN)
    ours, feeds = _pages(user, DiscoveryFilters(), page_size=2)
    assert ours == feeds and len(ours) == 6
