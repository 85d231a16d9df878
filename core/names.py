"""Names of languages and countries in the reader's language, from pycountry's own translations."""

import gettext
import re
from functools import lru_cache

import pycountry
from django.utils.text import capfirst


@lru_cache(maxsize=8)
def _translations(domain: str, language: str) -> gettext.NullTranslations:
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[language], fallback=True)


# TMDB's own codes, which ISO 639 lacks: "cn" (Cantonese) and "xx" (no spoken language).
_EXTRA_LANGUAGES = {"cn": "yue", "xx": "zxx"}


def language_name(code: str, language: str) -> str:
    """A label: "ja" → "Japanese" / "Japonais", "ary" (ISO 639-3, no two-letter code) → "Moroccan Arabic" /
    "Arabe marocain"; an unknown code stays as it is."""
    iso = _EXTRA_LANGUAGES.get(code.lower(), code.lower())
    record = None
    if len(iso) == 2:
        record = pycountry.languages.get(alpha_2=iso)
    elif len(iso) == 3:
        record = pycountry.languages.get(alpha_3=iso)
    if record is None:
        return code
    name = _translations("iso639-3", language).gettext(record.name)
    return capfirst(re.sub(r"\s*\(.*\)$", "", name))  # "Modern Greek (1453-)" → "Modern Greek"


def language_iso_name(code: str, language: str) -> str:
    """The full ISO 639 name, translated ("Modern Greek (1453-)"); an unknown code stays as it is."""
    found = pycountry.languages.get(alpha_2=code) or pycountry.languages.get(alpha_3=code)
    if found is None:
        return code
    return _translations("iso639-3", language).gettext(found.name)


def country_name(code: str, language: str) -> str:
    """ "FR" → "France"; an unknown code stays as it is."""
    record = pycountry.countries.get(alpha_2=code.upper()) if len(code) == 2 else None
    if record is None:
        return code
    return _translations("iso3166-1", language).gettext(record.name)
