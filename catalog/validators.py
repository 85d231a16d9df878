"""What a title's values may be: one set of rules for the admin's forms, `Title.full_clean()` and anyone who
writes titles by hand, so that a value the public pages cannot show ("year 99999", directors as one string)
is refused where it is typed, on its field, in words."""

import datetime
import re
from collections.abc import Sequence
from functools import cache
from typing import Any

import pycountry
from django.utils import timezone
from django.utils.translation import gettext as _

FIRST_FILM_YEAR = 1870  # the earliest moving pictures: a year before is a typo
YEARS_AHEAD = 10  # announced titles: a year further ahead is a typo
# Language codes TMDB uses beyond ISO 639: "xx" (no language) and "cn" (Cantonese).
EXTRA_LANGUAGES = frozenset({"xx", "cn"})
EXTRA_COUNTRIES = frozenset({"XK"})  # Kosovo: user-assigned in ISO 3166, used by TMDB and IMDb
_LANGUAGE = re.compile(r"[a-z]{2,3}")
_COUNTRY = re.compile(r"[A-Z]{2}")

Errors = dict[str, list[str]]


def latest_year() -> int:
    return timezone.now().year + YEARS_AHEAD


def year_error(value: int | None) -> str | None:
    """Why `value` is no plausible year for a title, or None."""
    if value is None:
        return None
    if not FIRST_FILM_YEAR <= value <= latest_year():
        return _("%(value)s is not a plausible year: between %(first)d and %(last)d.") % {
            "value": value,
            "first": FIRST_FILM_YEAR,
            "last": latest_year(),
        }
    return None


def imdb_id_error(value: str | None) -> str | None:
    from catalog.models import is_imdb_id  # the one pattern, shared with the loaders

    if value and not is_imdb_id(value):
        return _("“%(value)s” is not an IMDb id: “tt” and 7 to 10 digits, like tt0110912.") % {"value": value}
    return None


@cache  # a few hundred codes, checked for every title a loader writes
def is_language_code(code: str) -> bool:
    """ISO 639-1 (two letters) or 639-2/3 (three), lowercase, or one of TMDB's own."""
    if code in EXTRA_LANGUAGES:
        return True
    if not _LANGUAGE.fullmatch(code):
        return False
    found = pycountry.languages.get(alpha_2=code) if len(code) == 2 else pycountry.languages.get(alpha_3=code)
    return found is not None


def language_error(value: str) -> str | None:
    if value and not is_language_code(value):
        return _(
            "“%(value)s” is not a language code: an ISO 639 code in lowercase, like “fr” for French."
        ) % {"value": value}
    return None


@cache
def is_country_code(code: str) -> bool:
    """ISO 3166-1 alpha-2, uppercase, current or former (SU, YU: films were made there)."""
    if code in EXTRA_COUNTRIES:
        return True
    if not _COUNTRY.fullmatch(code):
        return False
    return (
        pycountry.countries.get(alpha_2=code) is not None
        or pycountry.historic_countries.get(alpha_2=code) is not None
    )


def countries_error(value: Any) -> str | None:
    if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
        return _("Countries are a list of codes, like [“FR”, “BE”].")
    wrong = [c for c in value if not is_country_code(c)]
    if wrong:
        return _("Not ISO 3166 country codes: %(codes)s. Use two capital letters, like “FR” for France.") % {
            "codes": ", ".join(f"“{c}”" for c in wrong)
        }
    return None


def names_error(value: Any) -> str | None:
    """People and alternate titles are lists of names: a plain string would be shown letter by letter."""
    if not isinstance(value, list):
        return _("A list of names is expected, one per line, not %(kind)s.") % {"kind": type(value).__name__}
    if not all(isinstance(name, str) and name.strip() for name in value):
        return _("Every name must be some text; empty names and numbers are not names.")
    return None


def title_errors(values: Any) -> Errors:
    """Every problem with a title's values (a Title or anything with its attributes), by field."""
    errors: Errors = {}

    def add(field: str, message: str | None) -> None:
        if message:
            errors.setdefault(field, []).append(message)

    for field in ("year", "first_air_year", "last_air_year"):
        add(field, year_error(getattr(values, field)))
    add("imdb_id", imdb_id_error(values.imdb_id))
    add("original_language", language_error(values.original_language))
    add("countries", countries_error(values.countries))
    for field in ("directors", "writers", "cast", "alternate_titles"):
        add(field, names_error(getattr(values, field)))
    _media_type_errors(values, add)
    _release_date_errors(values, add)
    return errors


def _media_type_errors(values: Any, add: Any) -> None:
    from catalog.models import MediaType

    if values.media_type == MediaType.MOVIE:
        for field in ("first_air_year", "last_air_year", "number_of_seasons"):
            if getattr(values, field) is not None:
                add(field, _("Only TV shows have air years and seasons; leave it empty for a movie."))
        return
    first, last = values.first_air_year, values.last_air_year
    if first is not None and last is not None and last < first:
        add(
            "last_air_year",
            _("The last air year (%(last)d) is before the first (%(first)d).")
            % {"last": last, "first": first},
        )
    if last is not None and first is None:
        add("first_air_year", _("A show with a last air year has a first air year too."))


def _release_date_errors(values: Any, add: Any) -> None:
    date: datetime.date | None = values.release_date
    year: int | None = values.year
    if date is None or year is None:
        return
    if date.year != year:
        add(
            "release_date",
            _("The release date (%(date)s) is not in the title's year (%(year)d).")
            % {"date": date.isoformat(), "year": year},
        )


YEAR_FIELDS = ("year", "first_air_year", "last_air_year")
NAME_LIST_FIELDS = ("directors", "writers", "cast", "alternate_titles")
TV_ONLY_FIELDS = ("first_air_year", "last_air_year", "number_of_seasons")


def title_values_repair(values: dict[str, Any]) -> list[str]:
    """What a bulk writer (the embedded load, the TMDB refresh) is about to store, made acceptable to
    `title_errors` in place, without a model instance or `full_clean` per row: an implausible year, a
    malformed IMDb id or language goes (None or blank), a list keeps its valid items. Only the fields
    present are checked (a refresh writes some of them). Returns the fields changed, for the writer to
    count; no value the admin would refuse is stored."""
    repaired: list[str] = []

    def fix(name: str, value: Any) -> None:
        values[name] = value
        repaired.append(name)

    last = latest_year()
    for name in YEAR_FIELDS:
        year = values.get(name)
        if year is not None and not FIRST_FILM_YEAR <= year <= last:
            fix(name, None)
    date = values.get("release_date")
    if "year" in repaired and date is not None:
        if FIRST_FILM_YEAR <= date.year <= last:
            values["year"] = date.year  # the date says which year was meant
        else:
            fix("release_date", None)  # as wrong as the year
    imdb_id = values.get("imdb_id")
    if imdb_id and imdb_id_error(imdb_id):
        fix("imdb_id", None)
    language = values.get("original_language")
    if language and not is_language_code(language):
        fix("original_language", "")
    if "countries" in values and countries_error(values["countries"]):
        codes = values["countries"]
        kept = codes if isinstance(codes, list) else []
        fix("countries", [c for c in kept if isinstance(c, str) and is_country_code(c)])
    for name in NAME_LIST_FIELDS:
        if name in values and names_error(values[name]):
            names = values[name]
            names = names if isinstance(names, list) else [names]
            fix(name, [n for n in names if isinstance(n, str) and n.strip()])
    _repair_media_type(values, fix)
    date, year = values.get("release_date"), values.get("year")
    if date is not None and year is not None and date.year != year:
        fix("release_date", None)  # the year is what lists filter and sort on: it stays
    return repaired


def _repair_media_type(values: dict[str, Any], fix: Any) -> None:
    from catalog.models import MediaType

    if values.get("media_type") == MediaType.MOVIE:
        for name in TV_ONLY_FIELDS:
            if values.get(name) is not None:
                fix(name, None)
        return
    first, last = values.get("first_air_year"), values.get("last_air_year")
    no_first = first is None and "first_air_year" in values
    if last is not None and (no_first or (first is not None and last < first)):
        fix("last_air_year", None)


def split_names(text: str) -> list[str]:
    """One name a line, as the admin's list fields are typed; blank lines dropped, repeats once."""
    return list(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))


def join_names(names: Sequence[str] | Any) -> str:
    if isinstance(names, list | tuple):
        return "\n".join(str(name) for name in names)
    return "" if names is None else str(names)
