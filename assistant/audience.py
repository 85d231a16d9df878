"""Who a chat request is for and where it must be watchable, as the user's account says.

A group ("for the two of us") is one of the user's households: their only one, else the one the words point
to (two members for "the two of us", a name saying family for "the family"), else the user is asked which.
Its picks are households' (`households.picks.group_picks`: every member's taste, the mean with a floor, no
title any member has seen or hidden), narrowed by the conversation's filters.

Services ("on my services", "on Netflix") are discovery's where-to-watch filter, the one Discover's
`on_my_services` uses: TMDB's offers in the user's country, of the kinds of offer they count (subscription
unless they said otherwise). Without a TMDB key or a country there is no such filter: the reply says why.
"""

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User, WatchKind
from assistant.state import RequestFilters
from catalog.brands import brand_name
from catalog.models import Title
from discovery.filters import watch_filters_available
from households.models import Household, Membership
from households.picks import titles_open_to
from households.selectors import households_of, members_of

# ---------------------------------------------------------------- groups


@dataclass(frozen=True)
class GroupFound:
    """The group a request means or, when none is clear, the user's groups to choose from (none at all:
    the user has no group)."""

    group: Household | None
    choices: tuple[Household, ...] = ()


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join(re.findall(r"[^\W_]+", "".join(c for c in decomposed if not unicodedata.combining(c))))


def group_wanted(*, user: User, wanted: str) -> GroupFound:
    """The user's group for "two" (a pair), "family" or "us" (their group); several fitting: none chosen."""
    groups = list(households_of(user=user))
    if len(groups) <= 1:
        return GroupFound(group=groups[0] if groups else None, choices=tuple(groups))
    if wanted == "two":
        sizes = dict(
            Membership.objects.filter(household__in=groups)
            .values("household")
            .annotate(size=Count("pk"))
            .values_list("household", "size")
        )
        fitting = [g for g in groups if sizes.get(g.pk) == 2]
    elif wanted == "family":
        fitting = [g for g in groups if re.search(r"famil", _folded(g.name))]
    else:
        fitting = []
    return GroupFound(group=fitting[0] if len(fitting) == 1 else None, choices=tuple(groups))


def group_named(*, user: User, message: str) -> Household | None:
    """The one group of the user's whose name the message says ("Sofa", "the family one"), if one."""
    said = f" {_folded(message)} "
    named = [g for g in households_of(user=user) if _folded(g.name) and f" {_folded(g.name)} " in said]
    return named[0] if len(named) == 1 else None


def group_of(*, user: User, group_id: int | None) -> tuple[Household, list[User]] | None:
    """The user's group by id, with its members (the owner first); None when they are no longer in it."""
    if group_id is None:
        return None
    group = households_of(user=user).filter(pk=group_id).first()
    return None if group is None else (group, members_of(group))


def people_named(names: list[str]) -> str:
    """ "alice", "alice and bob", "alice, bob and carol", in the active language."""
    if len(names) == 1:
        return names[0]
    return _("%(first)s and %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def group_label(group: Household, members: list[User]) -> str:
    """ "alice and bob (Sofa)": who the picks are for."""
    return f"{people_named([m.username for m in members])} ({group.name})"


def group_question(choices: tuple[Household, ...]) -> str:
    """Which group, naming each one; or, without any, how to make one."""
    if not choices:
        return _(
            "You have no group yet. Make one on the Groups page (%(url)s) and send its invitation link to "
            "the people you watch with; then ask again “for the two of us”."
        ) % {"url": reverse("web:groups")}
    names = people_named([f"“{g.name}”" for g in choices])
    return _("For which group: %(names)s? Answer with its name.") % {"names": names}


def titles_for_group(titles: list[Title], members: list[User]) -> list[Title]:
    """Of these titles, those no member has seen or hidden and no member's hide rules cover, in order."""
    open_ids = titles_open_to(members, [t.pk for t in titles])
    return [t for t in titles if t.pk in open_ids]


# ---------------------------------------------------------------- services


class WatchUnavailable(Exception):
    """Where to watch cannot be filtered on: the message says why and what to do."""


def watch_wanted(filters: RequestFilters) -> bool:
    return filters.on_my_services or bool(filters.services)


def watch_filter_values(*, user: User, filters: RequestFilters) -> dict[str, Any]:
    """The where-to-watch values of discovery's filters for what the conversation asked ("on my services",
    "on Netflix"): the user's country, the services, the kinds of offer the user counts."""
    services_page = reverse("web:services")
    if not watch_filters_available():
        raise WatchUnavailable(
            _(
                "I cannot tell where titles stream here: that comes from TMDB, and this site has no TMDB "
                "key. Its administrator can set TMDB_API_KEY; meanwhile, ask without the services."
            )
        )
    if not user.watch_country:
        raise WatchUnavailable(
            _(
                "Tell me where you watch first: choose your country (and your services) on the Your "
                "services page (%(url)s), then ask again."
            )
            % {"url": services_page}
        )
    brands = list(filters.services)
    if filters.on_my_services:
        if not user.watch_services:
            raise WatchUnavailable(
                _("You have not chosen your services yet: pick them on the Your services page (%(url)s).")
                % {"url": services_page}
            )
        brands += [b for b in user.watch_services if b not in brands]
    return {
        "watch_region": user.watch_country,
        "watch_services": tuple(sorted(brands)),
        "watch_kinds": tuple(sorted(user.watch_kinds or [WatchKind.FLATRATE.value])),
    }


def services_said(filters: RequestFilters) -> str:
    """ "on your services", "on Netflix or Disney+": where the titles shown are offered."""
    named = list(dict.fromkeys(brand_name(b) for b in filters.services))
    if filters.on_my_services:
        named.insert(0, _("your services"))
    if len(named) == 1:
        return _("on %(services)s") % {"services": named[0]}
    return _("on %(services)s or %(last)s") % {"services": ", ".join(named[:-1]), "last": named[-1]}
