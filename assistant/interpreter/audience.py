"""Who a request is for and where it must be watchable: "for the two of us", "pour toute la famille" (a
group of the user's), "on my services", "sur Netflix ou Disney+" (streaming services).

Read before anything else, so that "like Heat for the two of us" keeps "Heat" as the title, and "a film for
the family" is the user's family group rather than the family genre. Services are TMDB's providers grouped
by brand (`catalog.offers.brand_of`: the provider's name folded to letters and digits), so each name people
type maps to the brand keys the user's services and the stored offers use.
"""

import re
from dataclasses import dataclass

from assistant.interpreter.lexicon import AT_WORD
from assistant.interpreter.scan import Scan

# Which group a message means: "two" (a group of two: "for the two of us"), "us" (the user's group: "for
# us"), "family" (the family's: "for the whole family").
GROUPS = ("two", "us", "family")

_PARTNER = (
    r"(?:my\s+)?(?:wife|husband|partner|girlfriend|boyfriend|gf|bf|spouse|other\s+half|date|friend|mom|mum"
    r"|dad|sister|brother)"
)
_PARTENAIRE = (
    r"(?:ma|mon)\s+(?:femme|mari|copine|copain|compagne|compagnon|cheri(?:e)?|conjointe?|partenaire|amie?"
    r"|mere|pere|soeur|frere|moitie)"
)
_GROUP_ROWS: tuple[tuple[str, str], ...] = (
    (
        "two",
        r"for\s+(?:the\s+)?(?:two|2)\s+of\s+us|for\s+(?:us\s+(?:two|2|both)|both\s+of\s+us)"
        rf"|for\s+me\s+and\s+{_PARTNER}|for\s+{_PARTNER}\s+and\s+(?:me|i)"
        rf"|pour\s+nous\s+(?:deux|2)|pour\s+(?:tous\s+)?les\s+deux|pour\s+moi\s+et\s+{_PARTENAIRE}"
        rf"|pour\s+{_PARTENAIRE}\s+et\s+moi",
    ),
    (
        "family",
        r"for\s+(?:the\s+|my\s+|our\s+)?(?:whole\s+|entire\s+)?family|for\s+all\s+of\s+us|for\s+us\s+all"
        r"|pour\s+(?:toute\s+)?(?:la|ma|notre)\s+famille|pour\s+toute\s+la\s+tribu|pour\s+nous\s+tous",
    ),
    ("us", r"for\s+us|pour\s+nous"),
)
GROUP_PATTERN = re.compile(
    AT_WORD + "(?:" + "|".join(f"(?P<{kind}>{pattern})" for kind, pattern in _GROUP_ROWS) + r")\b"
)


@dataclass(frozen=True)
class Service:
    brands: tuple[str, ...]  # `catalog.offers.brand_of` of TMDB's provider names for this service
    pattern: str  # how people type it, on folded text


# The services people name most in France and elsewhere; a name not here is not understood (the user's
# own list, "on my services", covers any).
SERVICES: tuple[Service, ...] = (
    Service(("netflix",), r"netflix"),
    Service(("disneyplus",), r"disney\s*(?:\+|plus)|disney"),
    Service(
        ("amazonprimevideo", "primevideo"),
        r"(?:amazon\s+)?prime(?:\s+video)?|amazon(?:\s+video)?",
    ),
    Service(("appletvplus", "appletv"), r"apple\s*tv\s*(?:\+|plus)?"),
    Service(("canal", "canalplus"), r"canal\s*(?:\+|plus)|mycanal"),
    Service(("max", "hbomax"), r"hbo(?:\s+max)?|max"),
    Service(("paramountplus",), r"paramount\s*(?:\+|plus)?"),
    Service(("hulu",), r"hulu"),
    Service(("mubi",), r"mubi"),
    Service(("crunchyroll",), r"crunchyroll"),
    Service(("arte",), r"arte(?:\.tv)?"),
    Service(("francetv",), r"france\s*tv|france\.tv"),
)
_SERVICE_NAMES = "|".join(f"(?P<_{i}>{s.pattern})" for i, s in enumerate(SERVICES))
_END = r"(?![\w+])"  # after a name that may end in "+"
_ON = r"(?:on|via|streaming\s+on|available\s+on|sur|dispo(?:nible)?s?\s+sur)"
# "on Netflix", "sur Netflix ou Disney+": a preposition, then services joined by "or"/"and"/",".
NAMED_SERVICES = re.compile(
    AT_WORD
    + rf"{_ON}\s+(?:(?:the|le|la)\s+)?(?:{_SERVICE_NAMES}){_END}"
    + rf"(?:\s*(?:,|or|and|ou|et|/)\s*(?:{'|'.join(s.pattern for s in SERVICES)}){_END})*"
)
# A name that cannot be anything else, without a preposition: "a Netflix series", "du Disney+".
BARE_SERVICE = re.compile(
    AT_WORD + r"(?:netflix|disney\s*(?:\+|plus)|prime\s+video|amazon\s+prime|apple\s*tv\s*(?:\+|plus)"
    r"|canal\s*(?:\+|plus)|hbo\s+max|paramount\s*(?:\+|plus)|hulu|mubi|crunchyroll)" + _END
)
_ONE_SERVICE = re.compile(AT_WORD + rf"(?:{_SERVICE_NAMES}){_END}")
MY_SERVICES = re.compile(
    AT_WORD + r"(?:(?:on|with|via|from|in)\s+(?:one\s+of\s+)?my\s+(?:own\s+)?(?:streaming\s+)?"
    r"(?:services?|platforms?|subscriptions?|streamers|apps)"
    r"|(?:that|which)\s+i\s+(?:can|could)\s+(?:stream|watch\s+(?:at\s+home|now|tonight))"
    r"|(?:available|streaming)\s+(?:to|for)\s+me"
    r"|(?:sur|avec|dans|via)\s+(?:une?\s+de\s+)?mes\s+(?:propres\s+)?(?:plate[\s-]?formes?|services?"
    r"|abonnements?|applis?)(?:\s+de\s+streaming)?"
    r"|(?:dispo(?:nible)?s?\s+)?(?:sur|dans)\s+mes\s+abos?"
    r"|que\s+(?:je|j')\s*(?:peux|puisse|pourrais)\s+(?:regarder|voir)\s+en\s+streaming)\b"
)


@dataclass(frozen=True)
class Audience:
    group: str | None  # one of GROUPS
    on_my_services: bool
    services: tuple[str, ...]  # brand keys, in the order named


def read_audience(scan: Scan) -> Audience:
    """The group and the services a message names, blanked from `scan`."""
    groups = [kind for match in scan.take(GROUP_PATTERN) for kind in GROUPS if match[kind]]
    mine = bool(scan.take(MY_SERVICES))
    brands: list[str] = []
    for match in [*scan.take(NAMED_SERVICES), *scan.take(BARE_SERVICE)]:
        for name in _ONE_SERVICE.finditer(match[0]):
            for brand in SERVICES[int((name.lastgroup or "_0")[1:])].brands:
                if brand not in brands:
                    brands.append(brand)
    # "the two of us" said with "for us" somewhere else: the narrower one
    group = next((kind for kind in GROUPS if kind in groups), None)
    return Audience(group=group, on_my_services=mine, services=tuple(brands))
