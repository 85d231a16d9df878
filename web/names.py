"""Names of countries in the page's language, from pycountry's own translations (languages are named by
`discovery.describe.language_name`, which the filters' labels use too)."""

import gettext
from functools import lru_cache

import pycountry


@lru_cache(maxsize=8)
def _translations(domain: str, language: str) -> gettext.NullTranslations:
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[language], fallback=True)


def country_name(code: str, language: str) -> str:
    record = pycountry.countries.get(alpha_2=code.upper()) if len(code) == 2 else None
    if record is None:
        return code
    return _translations("iso3166-1", language).gettext(record.name)
