"""What a request for titles may ask, and the one validator of it for the REST API and the pages.

The API's input serializers and the pages' forms parse their own wire format (JSON, query strings), then
call the validators below, so both accept and refuse the same things with the same words. The messages are
Django REST framework's own (its translations come with it), as the API has always answered them.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pycountry
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from accounts.models import User, WatchKind
from catalog.ingest.clients import tmdb_is_configured
from catalog.search import search_query
from catalog.selectors import genres_resolve
from core.parsing import bounded_text


class SortBy(models.TextChoices):
    SCORE = "score"
    RATING = "rating"
    VOTES = "votes"
    YEAR = "year"
    TITLE = "title"


@dataclass(frozen=True)
class DiscoveryFilters:
    genres: tuple[int, ...] = ()  # Genre pks, any of them
    all_genres: tuple[int, ...] = ()  # Genre pks, every one of them ("a romantic comedy")
    exclude_genres: tuple[int, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    min_rating: float | None = None
    min_votes: int | None = None
    languages: tuple[str, ...] = ()
    runtime_min: int | None = None
    runtime_max: int | None = None
    people: tuple[str, ...] = ()  # names that must all appear among directors, writers or cast
    credited: tuple[int, ...] = ()  # Person pks that must all be credited: a whole name, not a part of one
    sort_by: str = SortBy.SCORE
    # "On my services": offered in this country by one of these services (catalog.offers keys), as one of
    # these kinds of offer. Part of the feed's key like every filter.
    watch_region: str = ""
    watch_services: tuple[str, ...] = ()
    watch_kinds: tuple[str, ...] = ()


# The bounds of every number a request may give: the validator checks them, the API's schema and the
# pages' number inputs show them.
BOUNDS: dict[str, tuple[int, int]] = {
    "year_from": (1870, 2100),
    "year_to": (1870, 2100),
    "min_rating": (0, 10),
    "min_votes": (0, 10**9),
    "runtime_min": (0, 2000),
    "runtime_max": (0, 2000),
}
FLOATS = ("min_rating",)
MAX_VALUES = 40  # genres, excluded genres or languages in one request
MAX_GENRE_CHARS = 60
MAX_LANGUAGE_CHARS = 8
MAX_QUERY_CHARS = 200
RANGES = (("year_from", "year_to"), ("runtime_min", "runtime_max"))


def _range_message(end: str) -> str:
    """A range given backwards, in words: the Discover form's labels, not the wire names."""
    if end == "year_to":
        return _("To year must not be before From year.")
    return _("Longest (minutes) must not be less than Shortest (minutes).")


def discovery_filters_from(
    data: Mapping[str, Any], *, media_type: str, viewer: User | AnonymousUser | None = None
) -> DiscoveryFilters:
    """The filters among `data` (parsed values: numbers, lists of names), checked; a ValidationError names
    every wrong field. Genres are named by TMDB id or name, in either language, among the media type's.
    `on_my_services` reads the viewer's country and services."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    if data.get("on_my_services"):
        try:
            values |= watch_filters_of(viewer)
        except ValidationError as exc:
            errors["on_my_services"] = exc.messages
    for name, (low, high) in BOUNDS.items():
        value = data.get(name)
        if value is None:
            continue
        try:
            values[name] = _number(value, low=low, high=high, real=name in FLOATS)
        except ValidationError as exc:
            errors[name] = exc.messages
    for name, max_chars in (("genres", MAX_GENRE_CHARS), ("exclude_genres", MAX_GENRE_CHARS)):
        try:
            found, unknown = genres_resolve(_names(data.get(name), max_chars), media_type=media_type)
        except ValidationError as exc:
            errors[name] = exc.messages
            continue
        if unknown:
            errors[name] = [_("Unknown genre(s): %(names)s.") % {"names": ", ".join(unknown)}]
        values[name] = tuple(g.pk for g in found)
    try:
        values["languages"] = _languages(data.get("languages"))
    except ValidationError as exc:
        errors["languages"] = exc.messages
    sort_by = data.get("sort_by") or SortBy.SCORE
    if sort_by in SortBy.values:
        values["sort_by"] = SortBy(sort_by)
    else:
        errors["sort_by"] = [_('"{input}" is not a valid choice.').format(input=sort_by)]
    for start, end in RANGES:
        if values.get(start) is not None and values.get(end) is not None and values[start] > values[end]:
            errors[end] = [_range_message(end)]
    if errors:
        raise ValidationError(errors)
    return DiscoveryFilters(**values)


def watch_filters_available() -> bool:
    """Whether "on my services" can be offered: the offers come from TMDB, so only with a key."""
    return tmdb_is_configured()


def watch_filters_of(viewer: User | AnonymousUser | None) -> dict[str, Any]:
    """The filter values of "on my services" for this viewer; a ValidationError says what is missing."""
    if not watch_filters_available():
        raise ValidationError(
            _("Where to watch needs TMDB, and this site has no TMDB key."), code="unavailable"
        )
    if viewer is None or not isinstance(viewer, User):
        raise ValidationError(_("Log in to filter by your services."), code="login")
    if not viewer.watch_country or not viewer.watch_services:
        raise ValidationError(_("Choose your country and your services first."), code="no_services")
    return {
        "watch_region": viewer.watch_country,
        "watch_services": tuple(sorted(viewer.watch_services)),
        "watch_kinds": tuple(sorted(viewer.watch_kinds or [WatchKind.FLATRATE.value])),
    }


def keyword_query_from(value: str) -> str:
    """A keyword search's query, stripped; refused when empty, too long or without a letter or digit."""
    query = bounded_text(value, max_chars=MAX_QUERY_CHARS)
    if not search_query(query):
        raise ValidationError(_("Type at least one letter or digit."), code="invalid")
    return query


def _number(value: Any, *, low: int, high: int, real: bool) -> int | float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or (not real and isinstance(value, float))
    ):
        message = _("A valid number is required.") if real else _("A valid integer is required.")
        raise ValidationError(message, code="invalid")
    if value < low:
        message = _("Ensure this value is greater than or equal to {min_value}.")
        raise ValidationError(message.format(min_value=low), code="min_value")
    if value > high:
        message = _("Ensure this value is less than or equal to {max_value}.")
        raise ValidationError(message.format(max_value=high), code="max_value")
    return float(value) if real else value


def _values(value: Any, max_chars: int) -> list[str]:
    """A list of short strings (or numbers, as genre ids may be), at most MAX_VALUES of them."""
    if value is None:
        return []
    if isinstance(value, str | bytes) or not isinstance(value, list | tuple):
        message = _('Expected a list of items but got type "{input_type}".')
        raise ValidationError(message.format(input_type=type(value).__name__), code="not_a_list")
    if len(value) > MAX_VALUES:
        message = _("Ensure this field has no more than {max_length} elements.")
        raise ValidationError(message.format(max_length=MAX_VALUES), code="max_length")
    items = [str(v) for v in value if isinstance(v, str | int) and not isinstance(v, bool)]
    if len(items) < len(value):
        raise ValidationError(_("Not a valid string."), code="invalid")
    if any(len(v) > max_chars for v in items):
        message = _("Ensure this field has no more than {max_length} characters.")
        raise ValidationError(message.format(max_length=max_chars), code="max_length")
    return items


def _names(value: Any, max_chars: int) -> list[str]:
    return [v.strip() for v in _values(value, max_chars) if v.strip()]


def _languages(value: Any) -> tuple[str, ...]:
    """ISO 639-1 codes, or ISO 639-3 for a language without one ("yue"), as the catalog stores them."""
    codes = [v.strip().lower() for v in _values(value, MAX_LANGUAGE_CHARS)]
    unknown = [c for c in codes if not _is_iso_language(c)]
    if unknown:
        raise ValidationError(
            _("Unknown ISO 639 language code(s): %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    return tuple(codes)


def _is_iso_language(code: str) -> bool:
    if len(code) == 2:
        return pycountry.languages.get(alpha_2=code) is not None
    return len(code) == 3 and code.isalpha() and pycountry.languages.get(alpha_3=code) is not None
