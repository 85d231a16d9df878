"""The Search page's one answer for everything: the people the query names, its movies and its TV shows, each
a section, the section with the best match first.

Every section comes from the public ranked search (`discovery.services.search_page`, the one behind
`POST /…/search-by-keywords`), asked once per media type; nothing here matches words on its own.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from accounts.models import User
from catalog.models import MediaType
from catalog.search import PersonHit
from discovery.cards import TitleCard, title_cards
from discovery.filters import DiscoveryFilters
from discovery.services import search_page
from library.selectors import hide_rule_label, hide_rules_hiding

SECTION_SIZE = 6  # cards per media type; "All … movies" opens the media type's own pages


@dataclass(frozen=True)
class PersonResult:
    """A person the query names, with how many of their titles of each media type the search listed."""

    pk: int
    name: str
    role: str  # CreditRole
    movies: int
    tv_shows: int


@dataclass(frozen=True)
class TitleSection:
    media_type: str
    cards: list[TitleCard]
    has_more: bool


@dataclass(frozen=True)
class Everything:
    """The sections in the order shown ("people", "movie", "tv"), those without a result left out."""

    order: list[str]
    people: list[PersonResult]
    sections: dict[str, TitleSection]

    @property
    def found(self) -> bool:
        return bool(self.order)

    @property
    def parts(self) -> list[tuple[str, list[PersonResult] | TitleSection]]:
        """The sections in order, for the template: ("people", people) or (media type, section)."""
        return [(name, self.people if name == "people" else self.sections[name]) for name in self.order]


def search_everything(
    *, query: str, language: str, user: User | AnonymousUser, on_services: DiscoveryFilters | None = None
) -> Everything:
    """Movies, TV shows and people for one query. A section's rank is its best match's relevance; on a tie
    the people come first (their titles lead their media type's section with the person's own relevance)."""
    pages = {
        media_type: search_page(
            query=query, media_type=media_type, page=1, page_size=SECTION_SIZE, on_services=on_services
        )
        for media_type in (MediaType.MOVIE, MediaType.TV)
    }
    named = (pages[MediaType.MOVIE].people, pages[MediaType.TV].people)
    people = _people(*named)
    best: dict[str, float] = {}
    if people:
        best["people"] = max(hit.relevance for hits in named for hit in hits)
    sections: dict[str, TitleSection] = {}
    for media_type, page in pages.items():
        if page.items and page.relevance is not None:
            best[media_type] = page.relevance
            sections[media_type] = TitleSection(
                media_type=media_type,
                cards=title_cards(page.items, language=language, user=user),
                has_more=page.has_more,
            )
    place = {"people": 0, MediaType.MOVIE: 1, MediaType.TV: 2}
    order = sorted(best, key=lambda name: (-best[name], place[name]))
    return Everything(order=order, people=people, sections=sections)


def _people(movies: tuple[PersonHit, ...], tv_shows: tuple[PersonHit, ...]) -> list[PersonResult]:
    """The people either search named, once each, best named first."""
    hits: dict[int, PersonHit] = {}
    counts: dict[int, list[int]] = {}
    for index, found in enumerate((movies, tv_shows)):
        for hit in found:
            if hit.pk not in hits or hit.relevance > hits[hit.pk].relevance:
                hits[hit.pk] = hit
            counts.setdefault(hit.pk, [0, 0])[index] = len(hit.title_ids)
    ordered = sorted(hits.values(), key=lambda hit: (-hit.relevance, hit.pk))
    return [
        PersonResult(
            pk=hit.pk, name=hit.name, role=hit.role, movies=counts[hit.pk][0], tv_shows=counts[hit.pk][1]
        )
        for hit in ordered
    ]


def rules_hiding(*, user: User | AnonymousUser, title_ids: list[int], language: str) -> dict[int, str]:
    """title id → the hide rule that keeps it out of Discover, named ("Genre: Horror"), for the found titles
    one of the member's rules hides: search still shows them, marked (one query, and one per genre named)."""
    if not isinstance(user, User):
        return {}
    labels: dict[int, str] = {}
    named: dict[int, str] = {}
    for title_id, rule in hide_rules_hiding(user=user, title_ids=title_ids).items():
        if rule.pk not in named:
            named[rule.pk] = _("%(kind)s: %(label)s") % {
                "kind": rule.get_kind_display(),
                "label": hide_rule_label(rule, language),
            }
        labels[title_id] = named[rule.pk]
    return labels
