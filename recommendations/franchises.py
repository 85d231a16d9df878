"""Numbered sequels found in the catalog's own titles, so a sequel never comes before its original.

"The Godfather Part II" continues "The Godfather", "Alien 3" the earlier "Alien", "Kill Bill: Vol. 2"
"Kill Bill: Vol. 1". Names alone mislead ("Apollo 13", "Henry V"), so the earlier title must also be
older and share a director, a writer or an actor.
"""

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from catalog.text import title_key

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10}
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_MAX_INSTALMENT = 12
_LEADING_ARTICLE = re.compile(r"^(the|a|an|le|la|les|l) ")
# "<name> [part|chapter|vol|volume|episode] <number>" followed by nothing or by a subtitle.
_NUMBERED = re.compile(
    r"^(?P<name>.+?) (?:(?:part|chapter|vol|volume|episode|chapitre|partie) )?"
    r"(?P<number>\d{1,2}|[ivx]{1,4}|one|two|three|four|five|six)(?: (?P<subtitle>.*))?$"
)


@dataclass(frozen=True)
class FranchiseTitle:
    pk: int
    media_type: str
    title: str
    year: int | None
    people: frozenset[str]


def instalment(title: str) -> tuple[str, int]:
    """The franchise name and instalment number a title spells: ("godfather", 2) for "The Godfather Part II";
    (its own name, 1) when it has no number."""
    key = _LEADING_ARTICLE.sub("", title_key(title))
    match = _NUMBERED.match(key)
    if match:
        raw = match.group("number")
        number = int(raw) if raw.isdigit() else _ROMAN.get(raw) or _WORDS.get(raw)
        if number and 1 <= number <= _MAX_INSTALMENT:
            return match.group("name"), number
    return key, 1


def sequel_links(titles: Iterable[FranchiseTitle]) -> list[tuple[int, int]]:
    """(sequel pk, pk of the instalment it continues): the closest earlier-numbered one that qualifies."""
    by_franchise: dict[tuple[str, str], list[tuple[int, FranchiseTitle]]] = defaultdict(list)
    for title in titles:
        name, number = instalment(title.title)
        by_franchise[(title.media_type, name)].append((number, title))
    links = []
    for members in by_franchise.values():
        if len(members) < 2:
            continue
        for number, sequel in members:
            if number < 2:
                continue
            earlier = _predecessor(sequel, [(n, t) for n, t in members if n < number])
            if earlier is not None:
                links.append((sequel.pk, earlier.pk))
    return sorted(links)


def _predecessor(
    sequel: FranchiseTitle, candidates: Sequence[tuple[int, FranchiseTitle]]
) -> FranchiseTitle | None:
    qualified = [
        (number, title)
        for number, title in candidates
        if title.year is not None
        and sequel.year is not None
        and title.year <= sequel.year
        and title.people & sequel.people
    ]
    if not qualified:
        return None
    return max(qualified, key=lambda pair: (pair[0], pair[1].year or 0, -pair[1].pk))[1]
