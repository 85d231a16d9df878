"""A film's original language and French title, from what the embedded sources say.

The Wikidata snapshot lists a film's languages (and countries) in alphabetical order of their English
names, so the first is not the original: The 400 Blows is "English, French", The Godfather "English,
Italian". MovieLens writes a foreign film as "English title (original title)". Together with the countries'
own languages they tell the original language; a French-language film's French title is then its original
title. For other films a MovieLens alternate title is French only when it reads as French (French
function words, elisions or letters, none of another language's) and the film has a French side (French
among its languages, or a French-speaking country). A curated list adds the French release titles of
well-known foreign films ("Le Parrain"), which no embedded source has.
"""

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from catalog.text import title_key

# The languages a film from each country is most likely made in (ISO 3166-1 alpha-2 → ISO 639 codes as
# `catalog.ingest.embedded.language_code` spells them), for the countries of the embedded films.
COUNTRY_LANGUAGES: dict[str, tuple[str, ...]] = {
    "US": ("en",), "GB": ("en",), "AU": ("en",), "NZ": ("en",), "IE": ("en",), "ZA": ("en", "af"),
    "NG": ("en",), "KE": ("en", "sw"), "JM": ("en",), "CA": ("en", "fr"), "FR": ("fr",), "BE": ("fr", "nl"),
    "CH": ("de", "fr", "it"), "LU": ("fr", "de", "lb"), "MC": ("fr",), "SN": ("fr", "wo"), "ML": ("fr", "bm"),
    "MA": ("ar", "fr"), "DZ": ("ar", "fr"), "TN": ("ar", "fr"), "IT": ("it",), "DE": ("de",), "DD": ("de",),
    "AT": ("de",), "ES": ("es", "ca"), "MX": ("es",), "AR": ("es",), "CL": ("es",), "CO": ("es",),
    "CU": ("es",), "PE": ("es",), "UY": ("es",), "VE": ("es",), "BO": ("es",), "JP": ("ja",), "KR": ("ko",),
    "KP": ("ko",), "CN": ("zh",), "TW": ("zh",), "HK": ("yue", "zh"), "SG": ("en", "zh", "ms", "ta"),
    "IN": ("hi", "ta", "te", "ml", "bn", "kn", "mr", "pa", "ur"), "PK": ("ur",), "BD": ("bn",),
    "RU": ("ru",), "SU": ("ru",), "UA": ("uk",), "SE": ("sv",), "DK": ("da",), "NO": ("no", "nb", "nn"),
    "FI": ("fi", "sv"), "IS": ("is",), "PL": ("pl",), "BR": ("pt",), "PT": ("pt",), "NL": ("nl",),
    "IR": ("fa",), "AF": ("fa", "ps"), "TR": ("tr",), "GR": ("el",), "CZ": ("cs",), "CS": ("cs", "sk", "sr"),
    "SK": ("sk",), "HU": ("hu",), "IL": ("he",), "PS": ("ar",), "RO": ("ro",), "BG": ("bg",),
    "YU": ("sh", "sr", "hr", "bs", "sl", "mk"), "RS": ("sr",), "HR": ("hr",), "BA": ("bs",), "SI": ("sl",),
    "MK": ("mk",), "EE": ("et",), "LV": ("lv",), "LT": ("lt",), "GE": ("ka",), "KZ": ("kk", "ru"),
    "TH": ("th",), "PH": ("tl",), "ID": ("id",), "MY": ("ms",), "VN": ("vi",), "EG": ("ar",),
    "LB": ("ar",), "SY": ("ar",), "IQ": ("ar",), "JO": ("ar",), "SA": ("ar",),
}  # fmt: skip
FRENCH_COUNTRIES = frozenset({"FR", "BE", "CH", "CA", "LU", "MC", "SN", "ML"})


def original_language(languages: Sequence[str], countries: Sequence[str], *, foreign_title: str = "") -> str:
    """The film's original language among those listed (ISO codes, in the source's alphabetical order).

    `foreign_title`: the original title MovieLens gives beside the English one, so the original language is
    not English; French when that title reads as French, not French when it reads as another language
    ("Der Stand der Dinge"). Otherwise a film from an English-speaking country that lists English is in
    English; else the first listed language spoken in the film's countries, else the first listed.
    """
    if len(languages) <= 1:
        return languages[0] if languages else ""
    spoken = [code for country in countries for code in COUNTRY_LANGUAGES.get(country, ())]
    local = sorted((code for code in languages if code in spoken), key=spoken.index)
    if foreign_title:
        foreign = [code for code in local or languages if code != "en"]
        evidence = french_evidence(foreign_title)
        if "fr" in foreign and evidence > 0:
            return "fr"
        if evidence < 0 and len(foreign) > 1:
            foreign = [code for code in foreign if code != "fr"]
        if foreign:
            return foreign[0]
    if "en" in local:
        return "en"
    return local[0] if local else languages[0]


# Words that appear in French titles and in no other language's we meet (so not "la", "de", "des", "un"),
# and words that show a title is in another language.
_FRENCH = (
    "à mon les du aux au est pour dans sur qui pas avec une et où sans sous chez nous vous ils elles leur "
    "cette ces très tout tous toute toutes quand comme"
)
_NOT_FRENCH = (
    # English
    "the of and a an in to with for my your is on at from it's s it be you i me we are this that "
    # Italian, Spanish, Portuguese, German, Dutch, Scandinavian
    "il lo gli della delle degli dei di e è che per uno una el los las y con por del der die das und ein "
    "eine do da dos não em och og det het van een ist nicht mit zu im"
)
_FRENCH_WORDS = frozenset(_FRENCH.split())
_NOT_FRENCH_WORDS = frozenset(_NOT_FRENCH.split())
_APOSTROPHE = str.maketrans({"\u2019": "'"})  # a typographic apostrophe as a straight one
_WORD = re.compile(r"[a-zàâäçéèêëîïôöùûüœ]+")
_FRENCH_LETTERS = re.compile(r"[œç]|\w[èëê]")
_FRENCH_ELISION = re.compile(r"(?:^|[\s\-:,])(?:l|d|qu|j)'\s*\w")
# Romanized Japanese marks long vowels with ô, û, ê ("Byôsoku 5 senchimêtoru"): letters prove nothing there.
_ROMANIZED = re.compile(r"[ôû]")


def french_evidence(title: str) -> int:
    """How strongly a title reads as French: 0 for none, -1 when it reads as another language."""
    text = title.lower().translate(_APOSTROPHE)
    words = _WORD.findall(text)
    if not words or any(word in _NOT_FRENCH_WORDS for word in words):
        return -1
    evidence = sum(word in _FRENCH_WORDS for word in words)
    evidence += len(_FRENCH_ELISION.findall(text))
    evidence += text.startswith("le ")
    if not _ROMANIZED.search(text):
        evidence += bool(_FRENCH_LETTERS.search(text))
    return evidence


def looks_french(title: str) -> bool:
    return french_evidence(title) > 0


def looks_english(title: str) -> bool:
    """An English title ("Love's a Bitch"), which MovieLens sometimes puts where the original title goes:
    "the", or two English words ("to" alone is also romanized Japanese: "Sen to Chihiro no kamikakushi")."""
    words = _WORD.findall(title.lower().translate(_APOSTROPHE))
    english = [w for w in words if w in _ENGLISH_WORDS]
    return ("the" in english or len(english) >= 2) and not looks_french(title)


_ENGLISH_WORDS = frozenset(
    {"the", "of", "and", "a", "an", "in", "to", "with", "for", "from", "my", "your", "is", "on", "s"}
)


def has_french_side(languages: Sequence[str], countries: Sequence[str]) -> bool:
    return "fr" in languages or bool(FRENCH_COUNTRIES.intersection(countries))


# ---------------------------------------------------------------- curated French release titles


@dataclass(frozen=True)
class CuratedFrenchTitle:
    title_en: str
    year: int
    title_fr: str

    @property
    def key(self) -> tuple[str, int]:
        return title_key(self.title_en), self.year


def read_curated_french_titles(path: Path) -> dict[tuple[str, int], str]:
    """(title key, year) → the French release title, from the curated list (facts, as released in France)."""
    items = [
        CuratedFrenchTitle(title_en=i["title_en"], year=int(i["year"]), title_fr=i["title_fr"])
        for i in json.loads(path.read_text(encoding="utf-8"))
    ]
    return {item.key: item.title_fr for item in items}
