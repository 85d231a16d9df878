"""A chat message that asks never to see a kind of title again ("no more horror", "plus de films d'horreur",
"never show me films by Michael Bay", "rien avant 1970") read as a hide rule, before any interpreter: the
rule is the library's (`library.services.hide_rule_create`), listed and undone on the Hidden page."""

import re
from dataclasses import dataclass

from catalog.models import MediaType, Person, person_key
from catalog.selectors import genres_resolve
from catalog.text import normalize_text

_PERIOD = re.compile(
    r"^(?:nothing|no (?:films?|movies?|titles?|shows?)|rien|pas de (?:films?|titres?)|aucun film) "
    r"(?P<side>before|after|avant|apres) (?P<year>\d{4})[ .!]*$"
)
_ASK = re.compile(
    r"^(?:please )?(?:no more|never show me|stop showing me|i don't want any more|i don't want more|"
    r"plus jamais de|plus jamais d'|jamais de|jamais d'|plus de|plus d'|ne me montre plus|"
    r"je ne veux plus voir|je ne veux plus de|je ne veux plus d')\s*(?P<what>.+?)[ .!]*$"
)
# What names the titles before the genre or person: "films by", "movies with", "films d'", "séries de".
_KIND_WORDS = re.compile(
    r"^(?:any )?(?:(?:films?|movies?|titles?|tv shows?|shows?|series|series tv|seances?|titres?)\s*)?"
    r"(?:(?:by|with|from|of|directed by|starring|de|d'|du|des|avec|par|realises par)\s*)?"
)
_TRAILING = re.compile(r"\s*(?:films?|movies?|titles?|shows?|please|s'il te plait|stp)$")


@dataclass(frozen=True)
class HideRequest:
    kind: str  # HideRule.Kind: genre, person, before, after
    value: str


def hide_request(message: str) -> HideRequest | None:
    """The rule a message asks for, when it names a genre, a person of the catalog or a year; else None
    (the interpreters read it: "plus de 2 heures" is a length, "no more than 90 minutes" names no genre)."""
    text = normalize_text(message).replace("\u2019", "'")
    period = _PERIOD.match(text)
    if period:
        side = "before" if period["side"] in ("before", "avant") else "after"
        return HideRequest(kind=side, value=period["year"])
    asked = _ASK.match(text)
    if not asked:
        return None
    what = _TRAILING.sub("", _KIND_WORDS.sub("", asked["what"])).strip()
    if not what or any(c.isdigit() for c in what):
        return None
    for media_type in (MediaType.MOVIE, MediaType.TV):
        found, _unknown = genres_resolve([what, what.rstrip("s")], media_type=media_type)
        if found:
            return HideRequest(kind="genre", value=str(found[0].tmdb_id))
    person = Person.objects.filter(search_name=person_key(what)).first()
    return HideRequest(kind="person", value=str(person.pk)) if person else None
