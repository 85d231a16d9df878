"""Recommendation cards: discovery's title card, with the user's own titles that led to the pick and a
sentence naming them ("Because you liked Heat and Ronin")."""

from dataclasses import dataclass, fields

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from accounts.models import User
from catalog.localized import localized_title
from discovery.cards import TitleCard, title_cards
from recommendations.feedback import LIKED_RATING
from recommendations.selectors import Reason, RecommendationPage


@dataclass(frozen=True)
class ReasonLink:
    title_id: int
    title: str  # in the reader's language


@dataclass(frozen=True)
class RecommendationCard(TitleCard):
    reasons: tuple[ReasonLink, ...] = ()  # up to three of the user's own titles; none for cold-start picks
    explanation: str | None = None


def reason_links(reasons: list[Reason], *, language: str) -> list[ReasonLink]:
    return [ReasonLink(title_id=r.title.pk, title=localized_title(r.title, language)) for r in reasons]


def explanation_of(reasons: list[Reason], *, language: str, against: Reason | None = None) -> str | None:
    """ "Because you liked …" when the user rated every one of them well, else "Because you watched …";
    then, when a title they turned down counted against the pick, a sentence saying so."""
    if not reasons:
        return None
    titles = join_titles([localized_title(r.title, language) for r in reasons])
    if all(r.rating is not None and r.rating >= LIKED_RATING for r in reasons):
        because = _("Because you liked %(titles)s") % {"titles": titles}
    else:
        because = _("Because you watched %(titles)s") % {"titles": titles}
    if against is None:
        return because
    lowered = _("%(title)s, which is not for you, counted against it") % {
        "title": localized_title(against.title, language)
    }
    return f"{because}. {lowered}"


def join_titles(titles: list[str]) -> str:
    """ "Heat", "Heat and Ronin", "Heat, Ronin and Collateral", in the active language."""
    if len(titles) == 1:
        return titles[0]
    return _("%(first)s and %(last)s") % {"first": ", ".join(titles[:-1]), "last": titles[-1]}


def recommendation_cards(
    found: RecommendationPage, *, language: str, user: User | AnonymousUser
) -> list[RecommendationCard]:
    """A page of picks as the "For you" page shows them (none is the user's: no status to look up)."""
    cards = title_cards(found.titles, language=language, user=user, statuses={})
    return [
        RecommendationCard(
            **{f.name: getattr(card, f.name) for f in fields(card)},
            reasons=tuple(reason_links(found.reasons.get(card.id, []), language=language)),
            explanation=explanation_of(
                found.reasons.get(card.id, []), language=language, against=found.against.get(card.id)
            ),
        )
        for card in cards
    ]
