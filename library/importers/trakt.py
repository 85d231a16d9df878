"""Trakt: one /sync/* JSON array, or the data-export ZIP of them."""

import re
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from library.importers.common import (
    MOVIE,
    TV,
    Budget,
    Fact,
    File,
    HistoryRow,
    ImportFormatError,
    Merger,
    is_zip,
    plain_file,
    zip_files,
)
from library.importers.readers import json_items
from library.importers.values import (
    cut_title,
    parse_imdb_id,
    parse_instant,
    parse_rating10,
    parse_tmdb_id,
    parse_year,
)

# Members of Trakt's data-export ZIP we read, by basename (reported both flat and in folders). Ignored:
# ratings-episodes/seasons (not titles), collection-*, comments-*, user-*, hidden-*, likes-*, notes-*,
# watched-playback.json and custom lists-*.json.
_TRAKT_MEMBER = re.compile(
    r"(?:watched-(?:movies|shows)|ratings-(?:movies|shows)|(?:lists-)?watchlist|watched-history(?:-\d+)?"
    r"|history[^/]*)\.json"
)


def parse_trakt(data: bytes, filename: str, budget: Budget) -> list[HistoryRow]:
    """One /sync/* JSON array (watched, ratings, watchlist, history), or the data-export ZIP of them."""
    merger = Merger()
    if is_zip(data):
        with zip_files(data, trakt_keep, budget) as files:
            if not files:
                raise ImportFormatError(
                    _(
                        "This is not a Trakt export: the ZIP has no watched-*.json, ratings-*.json, "
                        "watchlist or history file."
                    )
                )
            # Fixed kind order, so a title's first row does not depend on names; watched-history-2 before -10.
            files.sort(key=lambda f: (_trakt_member_rank(f.name), _natural_key(f.name)))
            for file in files:
                _trakt_merge(merger, file, budget)
    else:
        _trakt_merge(merger, plain_file(data, filename, "trakt.json"), budget)
    return merger.rows()


def trakt_keep(parts: list[str]) -> bool:
    """A ZIP member we read, by its path's parts."""
    return bool(_TRAKT_MEMBER.fullmatch(parts[-1].lower()))


def _trakt_merge(merger: Merger, file: File, budget: Budget) -> None:
    for fact in _trakt_facts(file, budget):
        ids: tuple[object, ...]
        if fact.tmdb_id:
            ids = ("tmdb", fact.tmdb_id)
        elif fact.imdb_id:
            ids = ("imdb", fact.imdb_id)
        else:
            ids = ("title", fact.title.casefold(), fact.year)
        merger.add((fact.media_type, *ids), fact)


def _trakt_member_rank(name: str) -> int:
    lowered = name.lower()
    for rank, prefix in enumerate(
        ("watched-movies", "watched-shows", "watched-history", "history", "ratings-")
    ):
        if lowered.startswith(prefix):
            return rank
    return 5  # the watchlist


def _natural_key(name: str) -> list[tuple[int, int, str]]:
    parts = re.split(r"(\d+)", name.lower())
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in parts]


def _trakt_facts(file: File, budget: Budget) -> Iterator[Fact]:
    known = index = 0
    for index, item in enumerate(json_items(file, budget), start=1):
        budget.add_row(file.name, index, unit="items")
        if not isinstance(item, dict):
            raise ImportFormatError(
                _("%(file)s is not a Trakt export: item %(index)s is not an object.")
                % {"file": file.name, "index": index}
            )
        recognised, fact = _trakt_item(file.name, index, item)
        known += recognised
        if fact is not None:
            yield fact
    if index and not known:
        raise ImportFormatError(
            _(
                "%(file)s is not a Trakt export: its items are not watched, ratings, watchlist or "
                "history items."
            )
            % {"file": file.name}
        )


def _trakt_item(name: str, index: int, item: dict[str, Any]) -> tuple[bool, Fact | None]:
    """(is this a Trakt item we know, what it says); a known item can still say nothing we import.

    Kinds, by their keys: history (`watched_at`, `action`, `type`), watched summary (`plays`,
    `last_watched_at`), rating (`rating`, `rated_at`), watchlist (`listed_at`).
    """
    kind = item.get("type")
    if "watched_at" in item:
        # An episode's play counts for its show: we list shows, not episodes.
        media = _trakt_media(item, allow_episode=True)
        seen, watched_at, rating, rating_at = True, parse_instant(item.get("watched_at")), None, None
    elif "plays" in item or "last_watched_at" in item:
        # Before the 2026 pagination shows also carry `seasons[]`; the summary is all we need.
        media = _trakt_media(item, allow_episode=False)
        seen, watched_at, rating, rating_at = True, parse_instant(item.get("last_watched_at")), None, None
    elif "rating" in item and "rated_at" in item:
        if kind in ("season", "episode") or "episode" in item or "season" in item:
            return True, None  # an episode's or season's rating is not the show's
        # rated_at is not a viewing date (many are exactly T23:59:59): no watched_at from it.
        media = _trakt_media(item, allow_episode=False)
        seen, watched_at = True, None
        rating, rating_at = parse_rating10(item.get("rating")), parse_instant(item.get("rated_at"))
    elif "listed_at" in item:
        if kind not in (None, "movie", "show"):
            return True, None  # a watchlisted season, episode or person
        media = _trakt_media(item, allow_episode=False)
        seen, watched_at, rating, rating_at = False, None, None, None
    else:
        return False, None
    if media is None:
        return True, None
    media_type, obj = media
    ids = raw_ids if isinstance(raw_ids := obj.get("ids"), dict) else {}
    title, too_long = cut_title(obj["title"] if isinstance(obj.get("title"), str) else "")
    fact = Fact(
        file=name,
        line=index,
        media_type=media_type,
        title=title,
        year=parse_year(obj.get("year")),
        seen=seen,
        title_too_long=too_long,
        imdb_id=parse_imdb_id(ids.get("imdb")),
        tmdb_id=parse_tmdb_id(ids.get("tmdb")),
        rating=rating,
        rating_at=rating_at,
        watched_at=watched_at,
        said_at=rating_at or watched_at or parse_instant(item.get("listed_at")),
    )
    if not (fact.title or fact.imdb_id or fact.tmdb_id):
        return True, None
    return True, fact


def _trakt_media(item: dict[str, Any], *, allow_episode: bool) -> tuple[str, dict[str, Any]] | None:
    """The movie or show an item is about, as (media_type, object)."""
    kind = item.get("type")
    untyped = kind is None
    if kind == "movie" or (untyped and isinstance(item.get("movie"), dict)):
        obj, media_type = item.get("movie"), MOVIE
    elif (
        kind == "show"
        or (untyped and isinstance(item.get("show"), dict))
        or (kind == "episode" and allow_episode)
    ):
        obj, media_type = item.get("show"), TV
    else:
        return None
    return (media_type, obj) if isinstance(obj, dict) else None
