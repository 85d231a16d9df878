"""A title's words in the reader's language: French when asked for and known, else English, else the original.

The one place these rules live: discovery's card presenter and the card serializer of library's routes both
read a title through them.
"""

import re
from dataclasses import dataclass

from catalog.models import Genre, Title

POSTER_CDN = "https://image.tmdb.org/t/p/"  # TMDB's image server: a size, then the poster's path
POSTER_SIZE = "w500"  # the API's `poster_url`
POSTER_BASE_URL = f"{POSTER_CDN}{POSTER_SIZE}"
# The widths TMDB serves posters at, with their height: posters are 2:3, and a page sets both so nothing
# moves when the image arrives.
POSTER_SIZES = {"w92": (92, 138), "w185": (185, 278), "w342": (342, 513), "w500": (500, 750)}
# A path as TMDB gives it ("/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg"); anything else is not shown.
_POSTER_PATH = re.compile(r"/[A-Za-z0-9_-]{1,100}\.(?:jpg|jpeg|png|webp)", re.ASCII)


def localized_title(title: Title, language: str) -> str:
    """In French, the French title; else, for a French-language work, its original title (a title from
    TMDB or IMDb's datasets may have one without the other): Les Quatre Cents Coups, not The 400 Blows."""
    if language == "fr":
        if title.title_fr:
            return title.title_fr
        if title.original_language == "fr" and title.original_title:
            return title.original_title
    return title.title_en or title.original_title


def localized_overview(title: Title, language: str) -> str | None:
    text = title.overview_fr if language == "fr" and title.overview_fr else title.overview_en
    return text or None


def localized_trailer_url(title: Title, language: str) -> str | None:
    url = title.trailer_url_fr if language == "fr" and title.trailer_url_fr else title.trailer_url_en
    return url or None


@dataclass(frozen=True)
class GenreLabel:
    """A genre as clients see it: TMDB's id (stable, what filters take) and its name in the reader's language.
    Shown as text, it is its name (the pages print it as such)."""

    id: int
    name: str

    def __str__(self) -> str:
        return self.name


def genre_label(genre: Genre, language: str) -> GenreLabel:
    return GenreLabel(id=genre.tmdb_id, name=genre.name(language))


def genre_labels(title: Title, language: str) -> list[GenreLabel]:
    """The title's genres in `language`, in one order whatever the language (prefetch them for a page)."""
    return [genre_label(g, language) for g in sorted(title.genres.all(), key=lambda g: g.name_en)]


def poster_url(title: Title, size: str = POSTER_SIZE) -> str | None:
    """The poster TMDB gave us for the title, at one of POSTER_SIZES; None when we have none."""
    path = title.poster_path
    return f"{POSTER_CDN}{size}{path}" if path and _POSTER_PATH.fullmatch(path) else None


def poster_resized(url: str | None, size: str) -> str | None:
    """A `poster_url` (as cards carry it) at another of POSTER_SIZES; None for a URL that is not one."""
    if not url or not url.startswith(POSTER_BASE_URL) or size not in POSTER_SIZES:
        return None
    path = url[len(POSTER_BASE_URL) :]
    return f"{POSTER_CDN}{size}{path}" if _POSTER_PATH.fullmatch(path) else None
