"""Cards as pages show them, and the card that takes the place of a marked one.

A card is discovery's TitleCard (an EntryCard in lists), the one the REST API serializes, so titles,
overviews, genre names and trailers are localized exactly as the API localizes them.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import Resolver404, resolve

from accounts.models import User
from catalog.models import Title
from catalog.selectors import title_find
from core.parsing import whole_number
from discovery.cards import EntryCard, TitleCard, entry_cards, title_cards
from discovery.members import titles_discover_for_members
from discovery.selectors import titles_discover, titles_similar
from households.selectors import members_of
from library.models import Entry, Status
from library.selectors import entries_list, ratings_for
from recommendations.selectors import recommendations_page
from web.forms import PAGE_SIZE, DiscoverForm, media_type_of, on_my_services_of
from web.marking import DEFAULT_LIST_SORT, list_sort

SIMILAR_COUNT = 8  # similar titles on a title page
MAX_PAGE = 10_000  # of a list: deeper pages are never linked to
LIST_SLUGS = {"seen": "seen", "later": "later", "hidden": "hidden"}  # /lists/<slug>/ → status

Card = TitleCard  # or a subclass: EntryCard, RecommendationCard, TitleDetail


# ---------------------------------------------------------------- the member's rating on every card


@dataclass(frozen=True)
class RatedCard(TitleCard):
    """A title card with the member's rating, so the pages show it wherever the title is (the API's cards
    have only the status; their `catalog_rating` is the catalog's)."""

    user_rating: int | None = None


@dataclass(frozen=True)
class ListCard(EntryCard):
    """A card of My lists, with the watch date the list shows and lets the member change, and the member's
    rating under the name every page's card uses."""

    watched_on: date | None = None
    user_rating: int | None = None


def rated_cards(cards: Iterable[Card], *, user: User | Any) -> list[Card]:
    """The cards, those of titles the member rated carrying the rating (one query, none when nothing on
    the page is seen)."""
    cards = list(cards)
    seen = [c.id for c in cards if c.user_status == Status.SEEN and not hasattr(c, "user_rating")]
    ratings = ratings_for(user=user, title_ids=seen) if seen and isinstance(user, User) else {}
    return [
        RatedCard(**{f.name: getattr(c, f.name) for f in fields(TitleCard)}, user_rating=ratings[c.id])
        if c.id in ratings
        else c
        for c in cards
    ]


def list_cards(entries: Iterable[Entry], *, language: str) -> list[ListCard]:
    """entry_cards, with each entry's watch date."""
    entries = list(entries)
    return [
        ListCard(
            **{f.name: getattr(card, f.name) for f in fields(EntryCard)},
            watched_on=entry.watched_at.date() if entry.watched_at else None,
            user_rating=entry.rating,
        )
        for card, entry in zip(entry_cards(entries, language=language), entries, strict=True)
    ]


# ---------------------------------------------------------------- refilling a grid


@dataclass(frozen=True)
class Feed:
    """The ordered cards of a page, from the first one it shows."""

    items: QuerySet[Title] | QuerySet[Entry] | list[Title]
    start: int
    size: int


FeedBuilder = Callable[[QueryDict, dict[str, Any], User, str], Feed | None]


def _discover_feed(query: QueryDict, kwargs: dict[str, Any], user: User, language: str) -> Feed | None:
    form = DiscoverForm(query, language=language, viewer=user)
    if not form.is_valid() or form.filters is None:
        return None
    household = form.household  # Discover for one of the user's groups: every member's titles left out
    if household is not None:
        member_ids = [m.pk for m in members_of(household)]
        titles = titles_discover_for_members(
            media_type=form.media_type, filters=form.filters, member_ids=member_ids, language=language
        )
    else:
        titles = titles_discover(
            media_type=form.media_type, filters=form.filters, user=user, language=language
        )
    return Feed(items=titles, start=(form.page_number - 1) * PAGE_SIZE, size=PAGE_SIZE)


def _similar_feed(query: QueryDict, kwargs: dict[str, Any], user: User, language: str) -> Feed | None:
    anchor = title_find(title_id=kwargs["title_id"]) if "title_id" in kwargs else None
    if anchor is None:
        return None
    return Feed(items=titles_similar(title=anchor, user=user), start=0, size=SIMILAR_COUNT)


def list_page(query: QueryDict) -> int:
    """The `page` of a list's query string; page 1 when it is not a page number."""
    return whole_number(query.get("page", "1"), max_value=MAX_PAGE) or 1


def _list_feed(query: QueryDict, kwargs: dict[str, Any], user: User, language: str) -> Feed | None:
    status = LIST_SLUGS.get(kwargs.get("status", ""))
    if status is None:
        return None
    media_type = media_type_of(query)
    start = (list_page(query) - 1) * PAGE_SIZE
    order = list_sort(query) or DEFAULT_LIST_SORT
    entries = entries_list(user=user, media_type=media_type, status=status, order=order, language=language)
    return Feed(items=entries, start=start, size=PAGE_SIZE)


# Pages whose grid refills when a card leaves it (every title there is unseen, or has the list's status).
def _for_you_feed(query: QueryDict, kwargs: dict[str, Any], user: User, language: str) -> Feed | None:
    page = list_page(query)
    found = recommendations_page(
        user=user,
        media_type=media_type_of(query),
        page=1,
        page_size=(page + 1) * PAGE_SIZE,
        on_services=on_my_services_of(query, user)[0],  # the page's "On my services" box
    )
    return Feed(items=found.titles, start=(page - 1) * PAGE_SIZE, size=PAGE_SIZE)


FEEDS: dict[str, FeedBuilder] = {
    "discover": _discover_feed,
    "title": _similar_feed,
    "lists": _list_feed,
    "for_you": _for_you_feed,
}


@dataclass(frozen=True)
class CardPage:
    name: str  # the page's URL name: "discover", "search", "lists"…
    kwargs: dict[str, Any]
    query: QueryDict


def card_page_at(url: str) -> CardPage | None:
    """The page a card was marked on, from the URL the form sends back to; None when it is no page of ours."""
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    if match.namespace != "web":
        return None
    return CardPage(name=match.url_name or "", kwargs=match.kwargs, query=QueryDict(parts.query))


def replacement(*, page: CardPage, shown: set[int], user: User, language: str) -> Card | None:
    """The first card of the page's feed that is not on the page yet: the one that fills the gap."""
    builder = FEEDS.get(page.name)
    feed = builder(page.query, page.kwargs, user, language) if builder else None
    if feed is None:
        return None
    # Without the list of cards on the page, the one card that left means the page's last place is new.
    first = feed.start if shown else feed.start + feed.size - 1
    for item in feed.items[first : feed.start + feed.size + len(shown)]:
        if isinstance(item, Entry):
            if item.title_id not in shown:
                return list_cards([item], language=language)[0]
        elif item.pk not in shown:
            return title_cards([item], language=language, user=user, statuses={})[0]
    return None


def card_after_mark(
    *, title: Title, entry: Entry | None, page: CardPage | None, shown: set[int], user: User, language: str
) -> tuple[Card | None, bool]:
    """What takes a marked card's place, and whether it is a new card: on Discover, similar titles and lists
    the next card of the page (a list keeps a card whose status is still the list's); elsewhere the same
    title showing its new status."""
    if page is not None and page.name in FEEDS:
        list_status = LIST_SLUGS.get(page.kwargs.get("status", "")) if page.name == "lists" else None
        if entry is None or list_status != entry.status:
            return replacement(page=page, shown=shown, user=user, language=language), True
    return card_in_place(title=title, entry=entry, page=page, user=user, language=language), False


def card_in_place(
    *, title: Title, entry: Entry | None, page: CardPage | None, user: User, language: str
) -> Card:
    """The title's card showing the member's status and rating now: a list's card in My lists."""
    if entry is not None and page is not None and page.name == "lists":
        return list_cards([entry], language=language)[0]
    statuses = {title.pk: entry.status} if entry else {}
    card = title_cards([title], language=language, user=user, statuses=statuses)[0]
    if entry is not None and entry.rating is not None:
        fields_of = {f.name: getattr(card, f.name) for f in fields(TitleCard)}
        return RatedCard(**fields_of, user_rating=entry.rating)
    return card


def page_refills(url: str) -> bool:
    """Whether the page at `url` refills its grid when a card leaves it (its cards send the ones shown)."""
    page = card_page_at(url)
    return page is not None and page.name in FEEDS
