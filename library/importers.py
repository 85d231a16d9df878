"""Turn users' export files from Letterboxd, IMDb and Trakt into rows the import service matches.

Pure parsing: no database and no Django beyond gettext, so the same code checks an upload in the request
(a bad file is a 400 at once) and reads it again in the background job. Bad input only ever ends as
`ImportFormatError` (the whole file is refused) or as a skipped row / a `None` field (one odd value
must not cost the user the rest of their history). Messages are translated when raised, in the
language active then (the request's Accept-Language).

The format quirks pinned in comments come from the real exports in /work/shared/import-samples.
"""

import csv
import functools
import io
import json
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.utils.translation import gettext as _

SOURCES = ("letterboxd", "imdb", "trakt")

MAX_ROWS = 200_000  # rows (CSV) or items (JSON) in one file
MAX_MEMBER_BYTES = 50 * 1024 * 1024  # one file, uncompressed: a ZIP member or a plain upload
MAX_TOTAL_BYTES = 200 * 1024 * 1024  # all the ZIP members we read, uncompressed (many 49 MB members)

SEEN = "seen"
LATER = "later"
MOVIE = "movie"
TV = "tv"

_IMDB_ID = re.compile(r"tt\d{5,10}", re.ASCII)
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
# IMDb v1 `created`: C ctime with a space-padded day ("Thu Nov  3 01:33:20 2011"). Parsed by hand because
# strptime's %a/%b follow the process locale.
_CTIME = re.compile(
    r"[A-Za-z]{3}\s+([A-Za-z]{3})\s+(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})\s+(\d{4})", re.ASCII
)
_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTHS = {m: i for i, m in enumerate(_MONTH_NAMES, start=1)}
# A year, or a series' span ("2011-2019", "2011-", en dash too): the first year is the one catalogs list.
_YEAR = re.compile(r"(\d{4})(?:\s*[-\u2013]\s*(?:\d{4})?)?", re.ASCII)
_SMALL_INT = re.compile(r"[+]?(\d{1,3})(?:\.0*)?", re.ASCII)
_STARS = re.compile(r"\d(?:\.\d{1,3})?", re.ASCII)
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_MIN_DAY = datetime.min.replace(tzinfo=UTC)


class ImportFormatError(ValueError):
    """The file is not a valid export of that source; the message says what is wrong, for a 400 answer."""


@dataclass(frozen=True)
class HistoryRow:
    # member/file name the row came from, e.g. "ratings.csv", "watchlist.csv", "ratings-movies.json"
    file: str
    line: int  # 1-based data row number (CSV) or item index (JSON) within that file, for the report
    media_type: str | None  # "movie" | "tv" | None when the row does not say (Letterboxd rows are movies)
    status: str  # "seen" | "later"
    rating: int | None  # 1..10 on our scale, or None
    imdb_id: str | None  # "tt..." (validated with regex ^tt\d{5,10}$) or None
    tmdb_id: int | None  # positive int or None (Trakt's 0 means None)
    title: str
    year: int | None
    watched_at: datetime | None  # timezone-aware UTC; a date-only value becomes midnight UTC


def parse_history(*, source: str, data: bytes, filename: str = "") -> list[HistoryRow]:
    """Rows of one export (a ZIP, a CSV or a JSON file, per source), one per title where the source repeats.

    Raises ImportFormatError, and nothing else, when the file cannot be an export of `source`.
    """
    if source not in SOURCES:
        raise ImportFormatError(
            _("Unknown import source %(source)s: expected one of %(sources)s.")
            % {"source": repr(source), "sources": ", ".join(SOURCES)}
        )
    data = bytes(data)
    if not data.strip():
        raise ImportFormatError(_("The file is empty."))
    if not _is_zip(data) and len(data) > MAX_MEMBER_BYTES:
        raise ImportFormatError(_("The file is too large (more than 50 MB)."))
    try:
        if source == "letterboxd":
            return _parse_letterboxd(data, filename)
        if source == "imdb":
            return _parse_imdb(data, filename)
        return _parse_trakt(data, filename)
    except ImportFormatError:
        raise
    except (csv.Error, UnicodeError, ValueError, RecursionError) as exc:  # last net: a file we cannot read
        raise ImportFormatError(
            _("The file could not be read as a %(source)s export (%(error)s).")
            % {"source": source, "error": exc}
        ) from exc


# ---------------------------------------------------------------- merging rows of one title


@dataclass
class _Fact:
    """What one row or item says about a title, before rows of the same title are merged."""

    file: str
    line: int
    media_type: str | None
    title: str
    year: int | None
    seen: bool
    imdb_id: str | None = None
    tmdb_id: int | None = None
    rating: int | None = None
    rating_rank: int = 0  # a higher rank's rating wins whatever its date (Letterboxd ratings.csv > diary)
    rating_at: datetime | None = None
    watched_at: datetime | None = None
    watched_rank: int = 0  # likewise for dates (a diary's Watched Date > the watched.csv "marked" Date)


@dataclass
class _Entry:
    first: _Fact  # its file/line name the title in the report
    seen: bool
    title: str
    year: int | None
    imdb_id: str | None
    tmdb_id: int | None
    rating: int | None = None
    rating_key: tuple[int, datetime, int] | None = None
    watched_at: datetime | None = None
    watched_key: tuple[int, datetime] | None = None


@dataclass
class _Merger:
    """One row per title: seen beats later, the best-ranked latest rating and watch date win."""

    entries: dict[tuple[object, ...], _Entry] = field(default_factory=dict)
    seq: int = 0

    def add(self, key: tuple[object, ...], fact: _Fact) -> None:
        self.seq += 1
        entry = self.entries.get(key)
        if entry is None:
            entry = _Entry(
                first=fact,
                seen=fact.seen,
                title=fact.title,
                year=fact.year,
                imdb_id=fact.imdb_id,
                tmdb_id=fact.tmdb_id,
            )
            self.entries[key] = entry
        entry.seen = entry.seen or fact.seen
        # A later file may know what the first one left empty (a Trakt watchlist item's null year).
        entry.title = entry.title or fact.title
        entry.year = entry.year if entry.year is not None else fact.year
        entry.imdb_id = entry.imdb_id or fact.imdb_id
        entry.tmdb_id = entry.tmdb_id or fact.tmdb_id
        if fact.rating is not None:
            key_r = (fact.rating_rank, fact.rating_at or _MIN_DAY, self.seq)
            if entry.rating_key is None or key_r > entry.rating_key:
                entry.rating, entry.rating_key = fact.rating, key_r
        if fact.watched_at is not None:
            key_w = (fact.watched_rank, fact.watched_at)
            if entry.watched_key is None or key_w > entry.watched_key:
                entry.watched_at, entry.watched_key = fact.watched_at, key_w

    def rows(self) -> list[HistoryRow]:
        return [
            HistoryRow(
                file=e.first.file,
                line=e.first.line,
                media_type=e.first.media_type,
                status=SEEN if e.seen else LATER,
                rating=e.rating if e.seen else None,
                imdb_id=e.imdb_id,
                tmdb_id=e.tmdb_id,
                title=e.title,
                year=e.year,
                watched_at=e.watched_at if e.seen else None,
            )
            for e in self.entries.values()
        ]


# ---------------------------------------------------------------- shared readers


def _is_zip(data: bytes) -> bool:
    """By magic number, not zipfile.is_zipfile: a damaged ZIP must be called damaged, not a bad CSV."""
    return data[:4] in _ZIP_MAGIC


def _basename(name: str) -> str:
    return name.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]


# What zipfile raises on a damaged archive: besides BadZipFile, a garbled header can claim an
# unsupported version or compression method (NotImplementedError), encryption (RuntimeError), or cut
# deflate data short (zlib.error, EOFError).
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    OSError,
    EOFError,
    RuntimeError,
    NotImplementedError,
    ValueError,
)


def _read_zip(data: bytes, keep: Callable[[list[str]], bool]) -> list[tuple[str, bytes]]:
    """(basename, bytes) of the members `keep` accepts, in archive order; every ZIP failure is the user's."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except _ZIP_ERRORS as exc:
        raise ImportFormatError(_("The ZIP file is damaged or is not a ZIP archive.")) from exc
    members: list[tuple[str, bytes]] = []
    total = 0
    with archive:
        for info in archive.infolist():
            path = info.filename.replace("\\", "/")
            parts = [p for p in path.split("/") if p]
            if info.is_dir() or not parts or parts[0].lower() == "__macosx" or not keep(parts):
                continue
            # Zip bomb: the declared size is checked first, then the real one, as headers can lie.
            if info.file_size > MAX_MEMBER_BYTES:
                raise ImportFormatError(
                    _("%(file)s is too large (more than 50 MB uncompressed).") % {"file": parts[-1]}
                )
            try:
                with archive.open(info) as handle:
                    blob = handle.read(MAX_MEMBER_BYTES + 1)
            except _ZIP_ERRORS as exc:
                raise ImportFormatError(
                    _("The ZIP file is damaged: %(file)s cannot be read.") % {"file": parts[-1]}
                ) from exc
            if len(blob) > MAX_MEMBER_BYTES:
                raise ImportFormatError(
                    _("%(file)s is too large (more than 50 MB uncompressed).") % {"file": parts[-1]}
                )
            total += len(blob)
            if total > MAX_TOTAL_BYTES:
                raise ImportFormatError(_("The ZIP file is too large (more than 200 MB uncompressed)."))
            members.append((parts[-1], blob))
    return members


def _decode_text(data: bytes, file: str) -> str:
    """UTF-8 (a BOM is dropped), else cp1252: IMDb's 2019-2021 v2 exports are ISO-8859-1/cp1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ImportFormatError(
            _("%(file)s is not a text file (neither UTF-8 nor Windows-1252).") % {"file": file}
        ) from exc


@dataclass
class _Table:
    """A CSV file: columns looked up by name (case- and space-insensitive), records with their number."""

    file: str
    columns: dict[str, int]
    records: list[tuple[int, list[str]]]
    resolved: dict[tuple[str, ...], int | None] = field(default_factory=dict)  # names -> index, per file

    def has(self, name: str) -> bool:
        return _column_key(name) in self.columns

    def missing(self, names: Iterable[str]) -> list[str]:
        return [n for n in names if not self.has(n)]

    def get(self, record: list[str], *names: str) -> str:
        """The cell of the first of `names` that is a column; "" when none is or the record is short."""
        try:
            index = self.resolved[names]
        except KeyError:
            found = (self.columns.get(_column_key(n)) for n in names)
            index = self.resolved[names] = next((i for i in found if i is not None), None)
        return _text(record[index]) if index is not None and index < len(record) else ""


def _text(value: str) -> str:
    """A field's text, trimmed; NUL dropped, as PostgreSQL text cannot hold it (and csv lets it through)."""
    return value.replace("\x00", "").strip()


def _column_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _read_csv(text: str, file: str) -> _Table:
    """Parse with the csv module: Letterboxd quotes titles with commas, and its fields can span lines."""
    # newline="" keeps the CRLF (Letterboxd) or LF (git-normalised copies) for csv to handle.
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    records: list[tuple[int, list[str]]] = []
    try:
        for record in reader:
            if header is None:
                if any(cell.strip() for cell in record):  # blank lines before the header
                    header = record
                continue
            if len(records) >= MAX_ROWS:
                raise ImportFormatError(
                    _("%(file)s has more than %(max)s rows.") % {"file": file, "max": f"{MAX_ROWS:,}"}
                )
            # Numbered as a spreadsheet would show them (blank lines included), header excluded.
            records.append((len(records) + 1, record))
    except csv.Error as exc:
        raise ImportFormatError(
            _("%(file)s is not a valid CSV file (%(error)s).") % {"file": file, "error": exc}
        ) from exc
    columns: dict[str, int] = {}
    for index, name in enumerate(header or []):
        columns.setdefault(_column_key(name), index)
    return _Table(file=file, columns=columns, records=records)


@functools.lru_cache(maxsize=4096)  # exports repeat dates (a new account's rows share its sign-up day)
def _day(value: str) -> datetime | None:
    """YYYY-MM-DD as midnight UTC: the exports give dates with no time and no zone."""
    match = _ISO_DAY.fullmatch(value.strip())
    if not match:
        return None
    try:
        return datetime(int(match[1]), int(match[2]), int(match[3]), tzinfo=UTC)
    except ValueError:  # 2021-02-30
        return None


def _ctime(value: str) -> datetime | None:
    """IMDb v1 ctime ("Sat Apr 23 08:36:35 2011"); the zone is unstated, taken as UTC."""
    match = _CTIME.fullmatch(value.strip())
    if not match:
        return None
    month = _MONTHS.get(match[1].lower())
    if month is None:
        return None
    day, hour, minute, second, year = (int(match[i]) for i in range(2, 7))
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        return None


def _instant(value: object) -> datetime | None:
    """Trakt's ISO-8601 ("2025-05-03T06:06:19.000Z") as aware UTC; anything else is None."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def _year(value: object) -> int | None:
    """A plausible year, or None (empty for unreleased titles, junk in a hand-edited file)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        year = value
    elif isinstance(value, str) and (match := _YEAR.fullmatch(value.strip())):
        year = int(match[1])
    else:
        return None
    return year if 1800 <= year <= 2200 else None


def _rating10(value: object) -> int | None:
    """A 1..10 rating (IMDb's "Your Rating", Trakt's `rating`), or None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and (match := _SMALL_INT.fullmatch(value.strip())):
        value = int(match[1])
    return value if isinstance(value, int) and 1 <= value <= 10 else None


def _imdb_id(value: object) -> str | None:
    if isinstance(value, str) and _IMDB_ID.fullmatch(value.strip()):
        return value.strip()
    return None


def _tmdb_id(value: object) -> int | None:
    """Trakt sends 0 (or nothing) when it has no TMDB id."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if value > 0 else None


# ---------------------------------------------------------------- Letterboxd

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


def _parse_letterboxd(data: bytes, filename: str) -> list[HistoryRow]:
    """The export ZIP (files at its root or in one top folder), or one of its CSV files on its own."""
    tables: list[tuple[str, _Table]] = []
    if _is_zip(data):

        def keep(parts: list[str]) -> bool:
            dirs = {p.lower() for p in parts[:-1]}
            return not dirs & _LB_SKIPPED_DIRS and parts[-1].lower() in _LB_KINDS

        for name, blob in _read_zip(data, keep):
            kind = _LB_KINDS[name.lower()]
            table = _read_csv(_decode_text(blob, name), name)
            _require(table, _LB_REQUIRED[kind])
            tables.append((kind, table))
        if not tables:
            raise ImportFormatError(
                _(
                    "This is not a Letterboxd export: the ZIP has no watched.csv, ratings.csv, "
                    "watchlist.csv or diary.csv."
                )
            )
        tables.sort(key=lambda kt: _LB_ORDER.index(kt[0]))  # stable: archive order within a kind
    else:
        name = _basename(filename) or "letterboxd.csv"
        table = _read_csv(_decode_text(data, name), name)
        tables.append((_letterboxd_kind(table, name), table))

    merger = _Merger()
    for kind, table in tables:
        for line, record in table.records:
            fact = _letterboxd_fact(kind, table, line, record)
            if fact is not None:
                merger.add((fact.title.casefold(), fact.year), fact)  # Letterboxd exports no ids
    return merger.rows()


def _letterboxd_kind(table: _Table, name: str) -> str:
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


def _require(table: _Table, names: Iterable[str]) -> None:
    missing = table.missing(names)
    if missing:
        if len(missing) > 1:
            message = _("%(file)s is not a Letterboxd export file: it has no %(columns)s columns.")
        else:
            message = _("%(file)s is not a Letterboxd export file: it has no %(columns)s column.")
        raise ImportFormatError(message % {"file": table.file, "columns": ", ".join(missing)})


def _letterboxd_fact(kind: str, table: _Table, line: int, record: list[str]) -> _Fact | None:
    title = table.get(record, "Name")
    if not title:
        return None
    fact = _Fact(
        file=table.file,
        line=line,
        media_type=MOVIE,  # Letterboxd lists films only
        title=title,
        year=_year(table.get(record, "Year")),
        seen=kind != "watchlist",
    )
    if kind == "watched":
        fact.watched_at = _day(table.get(record, "Date"))  # when it was marked watched: a fallback only
    elif kind == "ratings":
        fact.rating, fact.rating_rank = _stars(table.get(record, "Rating")), 2
        fact.rating_at = _day(table.get(record, "Date"))
    elif kind == "diary":
        # `Date` is when the entry was logged (can be years later); `Watched Date` is the viewing.
        watched = _day(table.get(record, "Watched Date"))
        fact.watched_at, fact.watched_rank = watched, 1
        fact.rating, fact.rating_rank, fact.rating_at = _stars(table.get(record, "Rating")), 1, watched
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


# ---------------------------------------------------------------- IMDb

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


def _parse_imdb(data: bytes, filename: str) -> list[HistoryRow]:
    """A ratings, watchlist or list CSV in any of IMDb's three layouts (columns found by name).

    v1 (to ~2017) quotes every field and says `const`, `You rated`, `created` (ctime); v2 says `Const`,
    `Your Rating`, `Date Rated` (briefly `Date Added`); v3 adds `Original Title`.
    """
    name = _basename(filename) or "imdb.csv"
    if _is_zip(data):
        raise ImportFormatError(
            _("This is a ZIP archive: upload IMDb's CSV file (ratings or watchlist) itself.")
        )
    table = _read_csv(_decode_text(data, name), name)
    if not table.has("Const"):
        raise ImportFormatError(_("%(file)s is not an IMDb export: it has no Const column.") % {"file": name})
    # v1 has no Date Rated: a ratings list's `created` is when the title was rated.
    v1 = table.has("You rated")
    rows: list[HistoryRow] = []
    for line, record in table.records:
        media_type = _imdb_media_type(table.get(record, "Title Type"))
        if media_type == "episode":
            continue
        imdb_id = _imdb_id(table.get(record, "Const"))
        # v3 "Original Title" is the original-language title; "Title" follows the account language.
        title = table.get(record, "Original Title") or table.get(record, "Title")
        if imdb_id is None and not title:
            continue
        rating_cell = table.get(record, "Your Rating", "You rated")
        seen = bool(rating_cell)  # a watchlist/list row carries a rating only when the user gave one
        watched_at = None
        if seen:
            watched_at = _day(table.get(record, "Date Rated", "Date Added"))
            if watched_at is None and v1:
                watched_at = _ctime(table.get(record, "created")) or _day(table.get(record, "created"))
        rows.append(
            HistoryRow(
                file=name,
                line=line,
                media_type=media_type,
                status=SEEN if seen else LATER,
                rating=_rating10(rating_cell) if seen else None,
                imdb_id=imdb_id,
                tmdb_id=None,
                title=title,
                year=_year(table.get(record, "Year")),
                watched_at=watched_at,
            )
        )
    return rows


@functools.lru_cache(maxsize=256)  # a file holds a handful of distinct types
def _imdb_media_type(value: str) -> str | None:
    """One of "movie", "tv", "episode" (to skip), or None for a type we do not know (the id still matches)."""
    key = re.sub(r"[\s\-_]+", "", value.casefold())
    if key in _IMDB_MOVIE_TYPES:
        return MOVIE
    if key in _IMDB_TV_TYPES:
        return TV
    if key in _IMDB_EPISODE_TYPES:
        return "episode"
    return None


# ---------------------------------------------------------------- Trakt

# Members of Trakt's data-export ZIP we read, by basename (reported both flat and in folders). Ignored:
# ratings-episodes/seasons (not titles), collection-*, comments-*, user-*, hidden-*, likes-*, notes-*,
# watched-playback.json and custom lists-*.json.
_TRAKT_MEMBER = re.compile(
    r"(?:watched-(?:movies|shows)|ratings-(?:movies|shows)|(?:lists-)?watchlist|watched-history(?:-\d+)?"
    r"|history[^/]*)\.json"
)


def _parse_trakt(data: bytes, filename: str) -> list[HistoryRow]:
    """One /sync/* JSON array (watched, ratings, watchlist, history), or the data-export ZIP of them."""
    if _is_zip(data):
        members = _read_zip(data, lambda parts: bool(_TRAKT_MEMBER.fullmatch(parts[-1].lower())))
        if not members:
            raise ImportFormatError(
                _(
                    "This is not a Trakt export: the ZIP has no watched-*.json, ratings-*.json, "
                    "watchlist or history file."
                )
            )
        # Fixed kind order, so a title's first row does not depend on names; watched-history-2 before -10.
        members.sort(key=lambda m: (_trakt_member_rank(m[0]), _natural_key(m[0])))
    else:
        members = [(_basename(filename) or "trakt.json", data)]
    merger = _Merger()
    for name, blob in members:
        for fact in _trakt_facts(name, blob):
            ids: tuple[object, ...]
            if fact.tmdb_id:
                ids = ("tmdb", fact.tmdb_id)
            elif fact.imdb_id:
                ids = ("imdb", fact.imdb_id)
            else:
                ids = ("title", fact.title.casefold(), fact.year)
            merger.add((fact.media_type, *ids), fact)
    return merger.rows()


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


def _trakt_facts(name: str, blob: bytes) -> list[_Fact]:
    try:
        items = json.loads(blob.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ImportFormatError(_("%(file)s is not UTF-8 JSON.") % {"file": name}) from exc
    except RecursionError as exc:  # "[[[[…" nested deeper than the parser's stack
        raise ImportFormatError(
            _("%(file)s is not valid JSON (nested too deeply).") % {"file": name}
        ) from exc
    except ValueError as exc:  # JSONDecodeError, or a number too long to convert
        raise ImportFormatError(
            _("%(file)s is not valid JSON (%(error)s).") % {"file": name, "error": exc}
        ) from exc
    if not isinstance(items, list):
        raise ImportFormatError(
            _("%(file)s is not a Trakt export: expected a JSON array of items.") % {"file": name}
        )
    if len(items) > MAX_ROWS:
        raise ImportFormatError(
            _("%(file)s has more than %(max)s items.") % {"file": name, "max": f"{MAX_ROWS:,}"}
        )
    facts: list[_Fact] = []
    known = 0
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise ImportFormatError(
                _("%(file)s is not a Trakt export: item %(index)s is not an object.")
                % {"file": name, "index": index}
            )
        recognised, fact = _trakt_item(name, index, item)
        known += recognised
        if fact is not None:
            facts.append(fact)
    if items and not known:
        raise ImportFormatError(
            _(
                "%(file)s is not a Trakt export: its items are not watched, ratings, watchlist or "
                "history items."
            )
            % {"file": name}
        )
    return facts


def _trakt_item(name: str, index: int, item: dict[str, Any]) -> tuple[bool, _Fact | None]:
    """(is this a Trakt item we know, what it says); a known item can still say nothing we import.

    Kinds, by their keys: history (`watched_at`, `action`, `type`), watched summary (`plays`,
    `last_watched_at`), rating (`rating`, `rated_at`), watchlist (`listed_at`).
    """
    kind = item.get("type")
    if "watched_at" in item:
        # An episode's play counts for its show: we list shows, not episodes.
        media = _trakt_media(item, allow_episode=True)
        seen, watched_at, rating, rating_at = True, _instant(item.get("watched_at")), None, None
    elif "plays" in item or "last_watched_at" in item:
        # Before the 2026 pagination shows also carry `seasons[]`; the summary is all we need.
        media = _trakt_media(item, allow_episode=False)
        seen, watched_at, rating, rating_at = True, _instant(item.get("last_watched_at")), None, None
    elif "rating" in item and "rated_at" in item:
        if kind in ("season", "episode") or "episode" in item or "season" in item:
            return True, None  # an episode's or season's rating is not the show's
        # rated_at is not a viewing date (many are exactly T23:59:59): no watched_at from it.
        media = _trakt_media(item, allow_episode=False)
        seen, watched_at = True, None
        rating, rating_at = _rating10(item.get("rating")), _instant(item.get("rated_at"))
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
    ids = obj.get("ids") if isinstance(obj.get("ids"), dict) else {}
    title = obj.get("title") if isinstance(obj.get("title"), str) else ""
    fact = _Fact(
        file=name,
        line=index,
        media_type=media_type,
        title=_text(title),
        year=_year(obj.get("year")),
        seen=seen,
        imdb_id=_imdb_id(ids.get("imdb")),
        tmdb_id=_tmdb_id(ids.get("tmdb")),
        rating=rating,
        rating_at=rating_at,
        watched_at=watched_at,
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
