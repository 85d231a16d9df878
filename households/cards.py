"""Group pick cards: discovery's title card, with each member named beside their own titles that led to it."""

from dataclasses import dataclass, fields

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from accounts.models import User
from discovery.cards import TitleCard, title_cards
from households.picks import GroupPicks
from recommendations.cards import ReasonLink, join_titles, reason_links
from recommendations.feedback import LIKED_RATING
from recommendations.selectors import Reason


@dataclass(frozen=True)
class MemberReasons:
    member_id: int
    username: str
    reasons: tuple[ReasonLink, ...]
    explanation: str  # "alice liked Heat and Ronin"


@dataclass(frozen=True)
class GroupPickCard(TitleCard):
    members: tuple[MemberReasons, ...] = ()
    explanation: str | None = None  # every member's sentence, as the card shows it


def member_reasons_of(
    per_member: dict[int, list[Reason]], members: list[User], *, language: str
) -> list[MemberReasons]:
    """Each member with reasons for a pick, in the group's order."""
    found = []
    for member in members:
        reasons = per_member.get(member.pk)
        if not reasons:
            continue
        links = tuple(reason_links(reasons, language=language))
        titles = join_titles([link.title for link in links])
        if all(r.rating is not None and r.rating >= LIKED_RATING for r in reasons):
            sentence = _("%(member)s liked %(titles)s") % {"member": member.username, "titles": titles}
        else:
            sentence = _("%(member)s watched %(titles)s") % {"member": member.username, "titles": titles}
        found.append(MemberReasons(member.pk, member.username, links, sentence))
    return found


def group_pick_cards(
    found: GroupPicks, *, members: list[User], language: str, user: User | AnonymousUser
) -> list[GroupPickCard]:
    """A page of group picks as the group's page shows them (the viewer's own statuses: none is seen)."""
    statuses = found.statuses.get(user.pk) if isinstance(user, User) else None  # read with the picks
    cards = title_cards(found.titles, language=language, user=user, statuses=statuses)
    picks = []
    for card in cards:
        why = tuple(member_reasons_of(found.reasons.get(card.id, {}), members, language=language))
        picks.append(
            GroupPickCard(
                **{f.name: getattr(card, f.name) for f in fields(card)},
                members=why,
                explanation="; ".join(w.explanation for w in why) or None,
            )
        )
    return picks
