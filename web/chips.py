"""What the assistant understood, as short labels ("Comedy", "from 1990", "rating ≥ 7", "like Heat")."""

from typing import Any

from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from catalog.localized import localized_title
from catalog.models import MediaType, Title
from web.names import language_name


def filter_chips(filters: dict[str, Any], *, language: str, titles: dict[int, Title]) -> list[str]:
    """Labels in the page's language; `titles` names the title a similarity is anchored on."""
    chips: list[str] = []
    media_type = filters.get("media_type")
    if media_type == MediaType.TV:
        chips.append(pgettext("label", "TV shows"))
    elif media_type == MediaType.MOVIE:
        chips.append(pgettext("label", "Movies"))
    anchor = titles.get(filters.get("similar_to") or 0)
    if anchor is not None:
        chips.append(_("like %(title)s") % {"title": localized_title(anchor, language)})
    if filters.get("query"):
        chips.append(_("“%(query)s”") % {"query": filters["query"]})
    chips += [str(genre) for genre in filters.get("genres", [])]
    chips += [_("not %(genre)s") % {"genre": genre} for genre in filters.get("exclude_genres", [])]
    year_from, year_to = filters.get("year_from"), filters.get("year_to")
    if year_from and year_to:
        chips.append(f"{year_from}–{year_to}")  # noqa: RUF001 - an en dash between years
    elif year_from:
        chips.append(_("from %(year)s") % {"year": year_from})
    elif year_to:
        chips.append(_("until %(year)s") % {"year": year_to})
    if filters.get("min_rating") is not None:
        chips.append(_("rating ≥ %(rating)s") % {"rating": floatformat(filters["min_rating"], -1)})
    if filters.get("runtime_min"):
        chips.append(_("≥ %(minutes)s min") % {"minutes": filters["runtime_min"]})
    if filters.get("runtime_max"):
        chips.append(_("≤ %(minutes)s min") % {"minutes": filters["runtime_max"]})
    chips += [language_name(code, language) for code in filters.get("languages", [])]
    chips += [_("with %(name)s") % {"name": name} for name in filters.get("people", [])]
    return chips
