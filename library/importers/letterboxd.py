"""Letterboxd: the export ZIP, or one of its CSV files on its own."""

import re
from collections.abc import Iterable

from django.utils.translation import gettext as _

from library.importers.common import (
    MOVIE,
    Budget,
    Fact,
    HistoryRow,
    ImportFormatError,
    Merger,
    is_zip,
    plain_file,
    zip_files,
)
from library.importers.readers import Table, read_csv
from library.importers.values import cut_title, parse_day, parse_year

_STARS = re.compile(r"\d(?:\.\d{1,3})?", re.ASCII)

# Letterboxd's own files, by basename. reviews.csv repeats diary entries; profile.csv and comments.csv
# hold no films: they are ignored like any other member.
_LB_KINDS = {
    "watched.csv": "watched",
    "ratings.csv": "ratings",
    "diary.csv": "diary",
    "watchlist.csv": "watchlist",
}
_LB_ORDER = ("watched", "ratings", "diary", "watchlist")  # fixed, so "first row of a film" is stable
# The columns we read; the rest (Letterboxd URI, Rewatch, Tags) may be missing.
_LB_REQUIRED = {
    "watched": ("Name", "Year"),
    "ratings": ("Name", "Year", "Rating"),
    "diary": ("Name", "Year", "Watched Date"),
    "watchlist": ("Name", "Year"),
}
# deleted/ and orphaned/ hold removed entries; lists/ and likes/ are not viewing history.
_LB_SKIPPED_DIRS = frozenset({"deleted", "orphaned", "lists", "likes"})


def parse_letterboxd(data: bytes, filename: str, budget: Budget) -> list[HistoryRow]:
    """The export ZIP (files at its root or in one top folder), or one of its CSV files on its own."""
    merger = Merger()
    if is_zip(data):
        with zip_files(data, letterboxd_keep, budget) as files:
            if not files:
                raise ImportFormatError(
                    _(
                        "This is not a Letterboxd export: the ZIP has no watched.csv, ratings.csv, "
                        "watchlist.csv or diary.csv."
                    )
                )
            # A fixed kind order, so "first row of a film" is stable; archive order within a kind.
            files.sort(key=lambda f: _LB_ORDER.index(_LB_KINDS[f.name.lower()]))
            for file in files:
                kind = _LB_KINDS[file.name.lower()]
                with read_csv(file, budget) as (table, records):
                    _require(table, _LB_REQUIRED[kind])
                    _letterboxd_merge(merger, kind, table, records)
    else:
        file = plain_file(data, filename, "letterboxd.csv")
        with read_csv(file, budget) as (table, records):
            _letterboxd_merge(merger, _letterboxd_kind(table, file.name), table, records)
    return merger.rows()


def letterboxd_keep(parts: list[str]) -> bool:
    """A ZIP member we read, by its path's parts: one of Letterboxd's files, not a removed entry's."""
    dirs = {p.lower() for p in parts[:-1]}
    return not dirs & _LB_SKIPPED_DIRS and parts[-1].lower() in _LB_KINDS


def _letterboxd_merge(
    merger: Merger, kind: str, table: Table, records: Iterable[tuple[int, list[str]]]
) -> None:
    for line, record in records:
        fact = _letterboxd_fact(kind, table, line, record)
        if fact is not None:
            merger.add((fact.title.casefold(), fact.year), fact)  # Letterboxd exports no ids


def _letterboxd_kind(table: Table, name: str) -> str:
    """A lone CSV's kind: from its name when it is one of Letterboxd's, else from its header."""
    kind = _LB_KINDS.get(name.lower())
    if kind is None:
        if table.has("Review"):
            raise ImportFormatError(
                _("%(file)s looks like Letterboxd's reviews.csv: upload the export ZIP or diary.csv instead.")
                % {"file": name}
            )
        if table.has("Watched Date"):
            kind = "diary"
        elif table.has("Rating"):
            kind = "ratings"
        else:
            # watched.csv and watchlist.csv share "Date,Name,Year,Letterboxd URI": only the name tells.
            kind = "watchlist" if "watchlist" in name.lower() else "watched"
    _require(table, _LB_REQUIRED[kind])
    return kind


def _require(table: Table, names: Iterable[str]) -> None:
    missing = table.missing(names)
    if missing:
        if len(missing) > 1:
            message = _("%(file)s is not a Letterboxd export file: it has no %(columns)s columns.")
        else:
            message = _("%(file)s is not a Letterboxd export file: it has no %(columns)s column.")
        raise ImportFormatError(message % {"file": table.file, "columns": ", ".join(missing)})


def _letterboxd_fact(kind: str, table: Table, line: int, record: list[str]) -> Fact | None:
    title, too_long = cut_title(table.get(record, "Name"))
    if not title:
        return None
    fact = Fact(
        file=table.file,
        line=line,
        media_type=MOVIE,  # Letterboxd lists films only
        title=title,
        year=parse_year(table.get(record, "Year")),
        seen=kind != "watchlist",
        title_too_long=too_long,
    )
    # Every file's `Date` is when the user recorded the row: marked watched, rated, logged, listed.
    fact.said_at = parse_day(table.get(record, "Date"))
    if kind == "watched":
        fact.watched_at = fact.said_at  # when it was marked watched: a fallback only
    elif kind == "ratings":
        fact.rating, fact.rating_rank = _stars(table.get(record, "Rating")), 2
        fact.rating_at = fact.said_at
    elif kind == "diary":
        # `Date` is when the entry was logged (can be years later); `Watched Date` is the viewing.
        watched = parse_day(table.get(record, "Watched Date"))
        fact.watched_at, fact.watched_rank = watched, 1
        fact.rating, fact.rating_rank, fact.rating_at = _stars(table.get(record, "Rating")), 1, watched
        fact.said_at = fact.said_at or watched
    return fact


def _stars(value: str) -> int | None:
    """Letterboxd half stars ("0.5" … "5", no trailing ".0") to our 1..10: 0.5 → 1, 2.5 → 5, 5 → 10."""
    text = value.strip()
    if not _STARS.fullmatch(text):
        return None
    stars = float(text)
    if not 0.5 <= stars <= 5:
        return None
    return min(10, max(1, round(stars * 2)))
