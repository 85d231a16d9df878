"""The assistant's words: what it understood, and why each pick fits, in the reply's language."""

import gettext
from functools import cache

import pycountry
from django.utils.translation import gettext as _

from assistant.state import ConversationState
from catalog.genres import genre_ids_for
from catalog.models import Genre, MediaType, Title


@cache
def _language_names(language: str) -> gettext.NullTranslations:
    """pycountry ships ISO 639 names translated (French included)."""
    return gettext.translation("iso639-3", pycountry.LOCALES_DIR, languages=[language], fallback=True)


def language_name(code: str, language: str) -> str:
    found = pycountry.languages.get(alpha_2=code) or pycountry.languages.get(alpha_3=code)
    if found is None:
        return code
    name = _language_names(language).gettext(found.name)
    return name.lower() if language == "fr" else name


def describe_request(state: ConversationState, *, language: str) -> str:
    """ "French comedies from 1990 to 1999, rated 7+" — the request in words."""
    filters = state.filters
    media_type = state.media_type
    parts: list[str] = []
    genre_ids = genre_ids_for(filters.genres, media_type=media_type)
    genres = [g.name(language) for g in Genre.objects.filter(tmdb_id__in=genre_ids)] if genre_ids else []
    kind = _("TV shows") if media_type == MediaType.TV else _("films")
    parts.append(f"{kind} ({', '.join(genres)})" if genres else kind)
    if filters.languages:
        names = ", ".join(language_name(code, language) for code in filters.languages)
        parts.append(_("in %(languages)s") % {"languages": names})
    year_from, year_to = filters.year_from, filters.year_to
    if year_from and year_to:
        parts.append(_("from %(start)s to %(end)s") % {"start": year_from, "end": year_to})
    elif year_from:
        parts.append(_("from %(start)s on") % {"start": year_from})
    elif year_to:
        parts.append(_("up to %(end)s") % {"end": year_to})
    if filters.min_rating is not None:
        parts.append(_("rated %(rating)s or more") % {"rating": f"{filters.min_rating:g}"})
    if filters.runtime_max:
        parts.append(_("under %(minutes)s minutes") % {"minutes": filters.runtime_max + 1})
    if filters.runtime_min:
        parts.append(_("over %(minutes)s minutes") % {"minutes": filters.runtime_min - 1})
    if filters.people:
        parts.append(_("with %(people)s") % {"people": ", ".join(filters.people)})
    excluded = genre_ids_for(filters.exclude_genres, media_type=media_type)
    if excluded:
        names = ", ".join(g.name(language) for g in Genre.objects.filter(tmdb_id__in=excluded))
        parts.append(_("without %(genres)s") % {"genres": names})
    return ", ".join(parts)


def pick_reason(title: Title, state: ConversationState, anchor: Title | None, *, language: str) -> str:
    """ "Le Dîner de cons (1998) — Comédie · IMDb 7.7 (105,000 votes) · shares its director with …"""
    name = title.title_fr if language == "fr" and title.title_fr else title.title_en
    facts = [", ".join(g.name(language) for g in title.genres.all())] if title.genres.all() else []
    if title.imdb_rating is not None and title.imdb_votes:
        facts.append(
            _("IMDb %(rating)s (%(votes)s votes)")
            % {"rating": title.imdb_rating, "votes": f"{title.imdb_votes:,}"}
        )
    elif title.critics_rating is not None:
        facts.append(_("critics %(rating)s/10") % {"rating": title.critics_rating})
    if anchor is not None:
        shared_people = [p for p in anchor.directors if p in title.directors]
        shared_cast = [p for p in anchor.cast if p in title.cast][:2]
        if shared_people:
            facts.append(_("also by %(people)s") % {"people": ", ".join(shared_people)})
        elif shared_cast:
            facts.append(_("also with %(people)s") % {"people": ", ".join(shared_cast)})
    wanted_people = [p for p in state.filters.people if p.lower() in title.search_people]
    if wanted_people:
        facts.append(_("with %(people)s") % {"people": ", ".join(wanted_people)})
    year = f" ({title.year})" if title.year else ""
    return f"{name}{year} — " + " · ".join(f for f in facts if f)
