"""IMDb: a ratings, watchlist or list CSV, in any of its three layouts."""

import functools
import re
from collections.abc import Iterable

from django.utils.translation import gettext as _

from library.importers.common import (
    LATER,
    MOVIE,
    SEEN,
    TV,
    Budget,
    HistoryRow,
    ImportFormatError,
    is_zip,
    plain_file,
)
from library.importers.readers import Table, read_csv
from library.importers.values import (
    cut_title,
    parse_ctime,
    parse_day,
    parse_imdb_id,
    parse_rating10,
    parse_year,
)

# Title Type, case-insensitive with spaces/hyphens/underscores dropped. v1 says "Feature Film", v2
# "tvMiniSeries", v3 "TV Mini Series", and v3 is localised to the account language (Italian: "Film",
# "Corto", "Serie TV", "Mini serie TV", "Episodio TV", "Speciale TV").
_IMDB_MOVIE_TYPES = frozenset(
    {
        "movie",
        "featurefilm",
        "tvmovie",
        "short",
        "tvshort",
        "video",
        "documentary",
        "tvspecial",
        "film",
        "corto",
        "specialetv",
        "filmtv",
    }
)
_IMDB_TV_TYPES = frozenset({"tvseries", "tvminiseries", "miniseries", "serietv", "miniserietv"})
# An episode row's Const is the episode's id and its Title "Series: Episode": not a title we list.
_IMDB_EPISODE_TYPES = frozenset({"tvepisode", "episodiotv"})


def parse_imdb(data: bytes, filename: str, budget: Budget) -> list[HistoryRow]:
    """A ratings, watchlist or list CSV in any of IMDb's three layouts (columns found by name).

    v1 (to ~2017) quotes every field and says `const`, `You rated`, `created` (ctime); v2 says `Const`,
    `Your Rating`, `Date Rated` (briefly `Date Added`); v3 adds `Original Title`.
    """
    if is_zip(data):
        raise ImportFormatError(
            _("This is a ZIP archive: upload IMDb's CSV file (ratings or watchlist) itself.")
        )
    file = plain_file(data, filename, "imdb.csv")
    with read_csv(file, budget) as (table, records):
        return _imdb_rows(table, records)


def _imdb_rows(table: Table, records: Iterable[tuple[int, list[str]]]) -> list[HistoryRow]:
    name = table.file
    if not table.has("Const"):
        raise ImportFormatError(_("%(file)s is not an IMDb export: it has no Const column.") % {"file": name})
    # v1 has no Date Rated: a ratings list's `created` is when the title was rated.
    v1 = table.has("You rated")
    rows: list[HistoryRow] = []
    for line, record in records:
        media_type = _imdb_media_type(table.get(record, "Title Type"))
        if media_type == "episode":
            continue
        imdb_id = parse_imdb_id(table.get(record, "Const"))
        # v3 "Original Title" is the original-language title; "Title" follows the account language.
        title, too_long = cut_title(table.get(record, "Original Title") or table.get(record, "Title"))
        if imdb_id is None and not title:
            continue
        rating_cell = table.get(record, "Your Rating", "You rated")
        seen = bool(rating_cell)  # a watchlist/list row carries a rating only when the user gave one
        watched_at = None
        # A list's `Created` is when the title was added to it (v1 writes it as a ctime).
        created = table.get(record, "created")
        listed_at = parse_day(created) or parse_ctime(created)
        if seen:
            watched_at = parse_day(table.get(record, "Date Rated", "Date Added"))
            if watched_at is None and v1:
                watched_at = listed_at
        rows.append(
            HistoryRow(
                file=name,
                line=line,
                media_type=media_type,
                status=SEEN if seen else LATER,
                rating=parse_rating10(rating_cell) if seen else None,
                imdb_id=imdb_id,
                tmdb_id=None,
                title=title,
                year=parse_year(table.get(record, "Year")),
                watched_at=watched_at,
                title_too_long=too_long,
                # IMDb's date for a rated title is the day it was rated: the rating's and the status's.
                rated_at=watched_at if seen else None,
                status_at=watched_at if seen else listed_at,
            )
        )
    return rows


def _imdb_media_type(value: str) -> str | None:
    """One of "movie", "tv", "episode" (to skip), or None for a type we do not know (the id still matches)."""
    return _imdb_media_type_cached(value) if len(value) <= 40 else None  # keep long cells out of the cache


@functools.lru_cache(maxsize=256)  # a file holds a handful of distinct types
def _imdb_media_type_cached(value: str) -> str | None:
    key = re.sub(r"[\s\-_]+", "", value.casefold())
    if key in _IMDB_MOVIE_TYPES:
        return MOVIE
    if key in _IMDB_TV_TYPES:
        return TV
    if key in _IMDB_EPISODE_TYPES:
        return "episode"
    return None
