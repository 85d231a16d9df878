"""Requests in words, in the reader's language: the assistant's sentence ("French comedies from 1990 to
1999, rated 7+"), why each pick fits, and the short labels the pages show ("Comedy", "from 1990",
"rating ≥ 7", "like Heat")."""

from typing import Any

from django.template.defaultfilters import floatformat
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from catalog.brands import brand_name
from catalog.localized import localized_title
from catalog.models import Genre, MediaType, ScoreSource, Title
from catalog.ranking import shown_rating
from core.names import language_iso_name, language_name
from discovery.filters import DiscoveryFilters


def _language_in_sentence(code: str, language: str) -> str:
    """ "films in Japanese" / "films en japonais": the ISO name, lowercase in French."""
    name = language_iso_name(code, language)
    return name.lower() if language == "fr" and name != code else name


def _number(value: float | int, *, language: str, decimals: int | None = None) -> str:
    """A number as the reader's language writes it, as the pages do: "8,8" and "132 745" in French."""
    with translation.override(language):
        return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def _genre_names(genre_pks: tuple[int, ...], language: str) -> list[str]:
    return [g.name(language) for g in Genre.objects.filter(pk__in=genre_pks)] if genre_pks else []


def describe_request(filters: DiscoveryFilters, *, media_type: str, language: str) -> str:
    """ "French comedies from 1990 to 1999, rated 7+" — the request in words."""
    parts: list[str] = []
    genres = _genre_names(filters.genres, language)
    kind = _("TV shows") if media_type == MediaType.TV else _("films")
    parts.append(f"{kind} ({', '.join(genres)})" if genres else kind)
    if filters.languages:
        names = ", ".join(_language_in_sentence(code, language) for code in filters.languages)
        parts.append(_("in %(languages)s") % {"languages": names})
    year_from, year_to = filters.year_from, filters.year_to
    if year_from and year_to:
        parts.append(_("from %(start)s to %(end)s") % {"start": year_from, "end": year_to})
    elif year_from:
        parts.append(_("from %(start)s on") % {"start": year_from})
    elif year_to:
        parts.append(_("up to %(end)s") % {"end": year_to})
    if filters.min_rating is not None:
        rating = filters.min_rating
        decimals = 0 if float(rating).is_integer() else 1
        parts.append(
            _("rated %(rating)s or more") % {"rating": _number(rating, language=language, decimals=decimals)}
        )
    if filters.runtime_max:
        parts.append(_("under %(minutes)s minutes") % {"minutes": filters.runtime_max + 1})
    if filters.runtime_min:
        parts.append(_("over %(minutes)s minutes") % {"minutes": filters.runtime_min - 1})
    if filters.people:
        parts.append(_("with %(people)s") % {"people": ", ".join(filters.people)})
    excluded = _genre_names(filters.exclude_genres, language)
    if excluded:
        parts.append(_("without %(genres)s") % {"genres": ", ".join(excluded)})
    return ", ".join(parts)


def pick_reason(title: Title, *, people: tuple[str, ...], anchor: Title | None, language: str) -> str:
    """ "Le Dîner de cons (1998) — Comédie · IMDb 7.7 (105,000 votes) · shares its director with …"""
    name = title.title_fr if language == "fr" and title.title_fr else title.title_en
    facts = [", ".join(g.name(language) for g in title.genres.all())] if title.genres.all() else []
    # The rating the cards show and the filters compare, said where it comes from, as on the cards.
    rating = shown_rating(title.rating)
    if rating is not None:
        shown = _number(rating, language=language, decimals=1)
        if title.score_source == ScoreSource.IMDB and title.imdb_votes:
            votes = _number(title.imdb_votes, language=language)
            facts.append(_("IMDb %(rating)s (%(votes)s votes)") % {"rating": shown, "votes": votes})
        elif title.score_source == ScoreSource.MOVIELENS:
            facts.append(_("rated %(rating)s (MovieLens, calibrated)") % {"rating": shown})
        elif title.score_source == ScoreSource.CRITICS:
            facts.append(_("rated %(rating)s (critics, calibrated)") % {"rating": shown})
    if anchor is not None:
        shared_people = [p for p in anchor.directors if p in title.directors]
        shared_cast = [p for p in anchor.cast if p in title.cast][:2]
        if shared_people:
            facts.append(_("also by %(people)s") % {"people": ", ".join(shared_people)})
        elif shared_cast:
            facts.append(_("also with %(people)s") % {"people": ", ".join(shared_cast)})
    wanted_people = [p for p in people if p.lower() in title.search_people]
    if wanted_people:
        facts.append(_("with %(people)s") % {"people": ", ".join(wanted_people)})
    year = f" ({title.year})" if title.year else ""
    return f"{name}{year} — " + " · ".join(f for f in facts if f)


def filter_chips(filters: dict[str, Any], *, language: str, titles: dict[int, Title]) -> list[str]:
    """What the assistant understood (the filters of its answer, as the chat API shows them), as labels in
    the page's language; `titles` names the title a similarity is anchored on."""
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
    if filters.get("on_my_services"):
        chips.append(_("on my services"))
    chips += [_("on %(service)s") % {"service": brand_name(key)} for key in filters.get("services", [])]
    group = filters.get("group")
    if isinstance(group, dict) and group.get("name"):
        chips.append(_("for %(group)s") % {"group": group["name"]})
    return chips
