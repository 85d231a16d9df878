"""Turn users' export files from Letterboxd, IMDb and Trakt into rows the import service matches.

Pure parsing: no database and no Django beyond gettext, so the same code checks an upload in the request
(a bad file is a 400 at once) and reads it again in the background job. Bad input only ever ends as
`ImportFormatError` (the whole file is refused) or as a skipped row / a `None` field (one odd value
must not cost the user the rest of their history). Messages are translated when raised, in the
language active then (the request's Accept-Language).

The format quirks pinned in comments come from the real exports in /work/shared/import-samples.

Memory stays bounded whatever the upload: files are read as streams, one ZIP member at a time, CSV row by
row and JSON item by item, each under the caps below, so no file is ever held whole in memory.
"""

import codecs
import csv
import functools
import io
import json
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any, NoReturn

from django.utils.translation import gettext as _

SOURCES = ("letterboxd", "imdb", "trakt")

# Caps, with room to spare over real exports: the largest export file we know of is a Trakt history of
# just over 4 MiB; IMDb's biggest sample account has 3,369 rows, Trakt's 4,274 items, and no export has
# more than 18 columns.
MAX_ROWS = 100_000  # rows (CSV) and items (JSON) of one upload, all the files of a ZIP together
MAX_MEMBER_BYTES = 16 * 1024 * 1024  # one file, uncompressed: a ZIP member or a plain upload
MAX_TOTAL_BYTES = 64 * 1024 * 1024  # all the ZIP members we read, uncompressed
MAX_ZIP_DIRECTORY_BYTES = 1024 * 1024  # a ZIP's list of files (about 10,000 names); Trakt's has 82
MAX_CELLS = 64  # cells in one CSV row
MAX_ROW_CHARS = 256 * 1024  # characters in one CSV row, quoted line breaks included
MAX_ITEM_CHARS = 1024 * 1024  # characters in one JSON item (a show with 9,000 watched episodes)
MAX_TITLE_CHARS = 300  # longer titles are not matched by name: no real title is that long

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
_SURROGATES = re.compile("[\ud800-\udfff]")  # lone halves (JSON "\\ud800"): no database can store them
_NOT_CP1252 = re.compile(b"[\x81\x8d\x8f\x90\x9d]")  # the five bytes Windows-1252 leaves undefined
_JSON_SPACE = re.compile(r"[ \t\n\r]*")
_JSON = json.JSONDecoder()
_CHUNK = 64 * 1024
_MB = 1024 * 1024


class ImportFormatError(ValueError):
    """The file is not a valid export of that source; the message says what is wrong, for a 400 answer."""


@dataclass(frozen=True, slots=True)
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
    title_too_long: bool = False  # `title` holds its first MAX_TITLE_CHARS characters: not matched by name


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
    if not data or data.isspace():  # not data.strip(): that would copy the upload
        raise ImportFormatError(_("The file is empty."))
    if not _is_zip(data) and len(data) > MAX_MEMBER_BYTES:
        raise ImportFormatError(
            _("The file is too large (more than %(max)s MB).") % {"max": MAX_MEMBER_BYTES // _MB}
        )
    filename = clean_text(filename)
    budget = _Budget()
    try:
        if source == "letterboxd":
            return _parse_letterboxd(data, filename, budget)
        if source == "imdb":
            return _parse_imdb(data, filename, budget)
        return _parse_trakt(data, filename, budget)
    except ImportFormatError:
        raise
    except (csv.Error, UnicodeError, ValueError, RecursionError) as exc:  # last net: a file we cannot read
        raise ImportFormatError(
            _("The file could not be read as a %(source)s export (%(error)s).")
            % {"source": source, "error": exc}
        ) from exc


# ---------------------------------------------------------------- merging rows of one title


@dataclass(slots=True)
class _Fact:
    """What one row or item says about a title, before rows of the same title are merged."""

    file: str
    line: int
    media_type: str | None
    title: str
    year: int | None
    seen: bool
    title_too_long: bool = False
    imdb_id: str | None = None
    tmdb_id: int | None = None
    rating: int | None = None
    rating_rank: int = 0  # a higher rank's rating wins whatever its date (Letterboxd ratings.csv > diary)
    rating_at: datetime | None = None
    watched_at: datetime | None = None
    watched_rank: int = 0  # likewise for dates (a diary's Watched Date > the watched.csv "marked" Date)


@dataclass(slots=True)
class _Entry:
    file: str  # the file and line of its first row name the title in the report
    line: int
    media_type: str | None
    seen: bool
    title: str
    year: int | None
    imdb_id: str | None
    tmdb_id: int | None
    title_too_long: bool = False
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
                file=fact.file,
                line=fact.line,
                media_type=fact.media_type,
                seen=fact.seen,
                title=fact.title,
                year=fact.year,
                imdb_id=fact.imdb_id,
                tmdb_id=fact.tmdb_id,
                title_too_long=fact.title_too_long,
            )
            self.entries[key] = entry
        entry.seen = entry.seen or fact.seen
        # A later file may know what the first one left empty (a Trakt watchlist item's null year).
        if not entry.title:
            entry.title, entry.title_too_long = fact.title, fact.title_too_long
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
        entries, self.entries = list(self.entries.values()), {}
        rows = []
        for index, e in enumerate(entries):
            entries[index] = None  # type: ignore[call-overload]  # freed as it becomes a row
            rows.append(
                HistoryRow(
                    file=e.file,
                    line=e.line,
                    media_type=e.media_type,
                    status=SEEN if e.seen else LATER,
                    rating=e.rating if e.seen else None,
                    imdb_id=e.imdb_id,
                    tmdb_id=e.tmdb_id,
                    title=e.title,
                    year=e.year,
                    watched_at=e.watched_at if e.seen else None,
                    title_too_long=e.title_too_long,
                )
            )
        return rows


# ---------------------------------------------------------------- shared readers


def clean_text(value: str) -> str:
    """Text any database can store: NUL (PostgreSQL refuses it, csv lets it through) and lone surrogates
    (from JSON "\\ud800"; UTF-8 cannot encode them) are dropped."""
    return _SURROGATES.sub("", value.replace("\x00", ""))


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


@dataclass
class _Budget:
    """What one upload has cost so far, all of its files together: bytes read and rows or items."""

    bytes: int = 0
    rows: int = 0

    def add_row(self, file: str, line: int, *, unit: str) -> None:
        self.rows += 1
        if line > MAX_ROWS:
            if unit == "items":
                message = _("%(file)s has more than %(max)s items.")
            else:
                message = _("%(file)s has more than %(max)s rows.")
            raise ImportFormatError(message % {"file": file, "max": f"{MAX_ROWS:,}"})
        if self.rows > MAX_ROWS:
            raise ImportFormatError(
                _("The ZIP file has more than %(max)s rows and items in all.") % {"max": f"{MAX_ROWS:,}"}
            )


@dataclass(frozen=True)
class _File:
    """One file of an upload, the upload itself or a ZIP member, opened afresh for each read."""

    name: str  # basename, for messages and the report
    open: Callable[[], IO[bytes]]


class _Capped(io.RawIOBase):
    """A file's bytes, refused past MAX_MEMBER_BYTES (a ZIP header can lie about the size) and, when a
    budget is given, past MAX_TOTAL_BYTES for the whole upload; ZIP failures become the user's error."""

    def __init__(self, file: _File, budget: _Budget | None) -> None:
        super().__init__()
        self._file, self._budget, self._size = file, budget, 0
        self._inner = self._guard(file.open)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = self._guard(lambda: self._inner.readinto(buffer)) or 0
        self._size += count
        if self._size > MAX_MEMBER_BYTES:
            raise ImportFormatError(
                _("%(file)s is too large (more than %(max)s MB uncompressed).")
                % {"file": self._file.name, "max": MAX_MEMBER_BYTES // _MB}
            )
        if self._budget is not None:
            self._budget.bytes += count
            if self._budget.bytes > MAX_TOTAL_BYTES:
                raise ImportFormatError(
                    _("The ZIP file is too large (more than %(max)s MB uncompressed).")
                    % {"max": MAX_TOTAL_BYTES // _MB}
                )
        return count

    def close(self) -> None:
        if not self.closed and hasattr(self, "_inner"):
            self._inner.close()
        super().close()

    def _guard(self, action: Callable[[], Any]) -> Any:
        try:
            return action()
        except ImportFormatError:
            raise
        except _ZIP_ERRORS as exc:
            raise ImportFormatError(
                _("The ZIP file is damaged: %(file)s cannot be read.") % {"file": self._file.name}
            ) from exc


def _text_stream(file: _File, budget: _Budget | None, encoding: str) -> IO[str]:
    # newline="" keeps the CRLF (Letterboxd) or LF (git-normalised copies) for csv to handle.
    return io.TextIOWrapper(io.BufferedReader(_Capped(file, budget), _CHUNK), encoding=encoding, newline="")


def _plain_file(data: bytes, filename: str, default: str) -> _File:
    return _File(name=_basename(filename) or default, open=lambda: io.BytesIO(data))  # shares, no copy


def _zip_directory_size(data: bytes) -> int:
    """The size of a ZIP's list of files as its end record states it: zipfile builds an object for every
    entry of that list before we see any, so a 20 MB list of empty names would cost 130 MB."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 0xFFFF))
    if end < 0 or len(data) < end + 22:
        return 0  # not a ZIP end record: zipfile says what is wrong
    size = int.from_bytes(data[end + 12 : end + 16], "little")
    # ZIP64: a locator just before the end record, and the ZIP64 end record (56 bytes) before that.
    record = end - 20 - 56
    if (
        record >= 0
        and data[end - 20 : end - 16] == b"PK\x06\x07"
        and data[record : record + 4] == b"PK\x06\x06"
    ):
        size = max(size, int.from_bytes(data[record + 40 : record + 48], "little"))
    return size


@contextmanager
def _zip_files(data: bytes, keep: Callable[[list[str]], bool]) -> Iterator[list[_File]]:
    """The members `keep` accepts, in archive order, each read only when asked for; every ZIP failure is
    the user's."""
    if _zip_directory_size(data) > MAX_ZIP_DIRECTORY_BYTES:
        raise ImportFormatError(_("The ZIP file lists too many files to be an export."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except _ZIP_ERRORS as exc:
        raise ImportFormatError(_("The ZIP file is damaged or is not a ZIP archive.")) from exc
    with archive:
        files: list[_File] = []
        for info in archive.infolist():
            path = info.filename.replace("\\", "/")
            parts = [p for p in path.split("/") if p]
            if info.is_dir() or not parts or parts[0].lower() == "__macosx" or not keep(parts):
                continue
            # Zip bomb: the declared size is checked here, the real one while reading (headers can lie).
            if info.file_size > MAX_MEMBER_BYTES:
                raise ImportFormatError(
                    _("%(file)s is too large (more than %(max)s MB uncompressed).")
                    % {"file": parts[-1], "max": MAX_MEMBER_BYTES // _MB}
                )
            files.append(_File(name=parts[-1], open=functools.partial(archive.open, info)))
        yield files


def _csv_encoding(file: _File, budget: _Budget) -> str:
    """UTF-8 (a BOM is dropped), else cp1252: IMDb's 2019-2021 v2 exports are ISO-8859-1/cp1252.

    A first pass over the bytes that keeps nothing; the file is then read again as text.
    """
    utf8: codecs.IncrementalDecoder | None = codecs.getincrementaldecoder("utf-8")()
    cp1252 = True
    with _Capped(file, budget) as raw:
        while chunk := raw.read(_CHUNK):
            if utf8 is not None:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = None
            cp1252 = cp1252 and not _NOT_CP1252.search(chunk)
    if utf8 is not None:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            pass
        else:
            return "utf-8-sig"
    if cp1252:
        return "cp1252"
    raise ImportFormatError(
        _("%(file)s is not a text file (neither UTF-8 nor Windows-1252).") % {"file": file.name}
    )


@dataclass
class _Table:
    """A CSV file's header: columns looked up by name (case- and space-insensitive)."""

    file: str
    columns: dict[str, int]
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
    """A field's text, trimmed, with what no database can store dropped."""
    return clean_text(value).strip()


def _title(value: str) -> tuple[str, bool]:
    """A title and whether it was cut to MAX_TITLE_CHARS: a longer one is kept out of matching by name."""
    title = _text(value)
    return (title[:MAX_TITLE_CHARS], True) if len(title) > MAX_TITLE_CHARS else (title, False)


def _column_key(name: str) -> str:
    return " ".join(name.split()).casefold()


class _Lines:
    """A text file's lines for csv.reader, refusing a row longer than MAX_ROW_CHARS before csv holds it
    (a line of a million commas would be a list of a million cells)."""

    def __init__(self, text: IO[str], file: str) -> None:
        self._text, self._file = text, file
        self.count = 0  # lines read
        self.row_chars = 0  # characters of the row being read

    def __iter__(self) -> "_Lines":
        return self

    def __next__(self) -> str:
        line = self._text.readline(MAX_ROW_CHARS + 1)
        if not line:
            raise StopIteration
        self.count += 1
        self.row_chars += len(line)
        if self.row_chars > MAX_ROW_CHARS:
            raise ImportFormatError(
                _("%(file)s, line %(line)s: the row is longer than %(max)s characters.")
                % {"file": self._file, "line": f"{self.count:,}", "max": f"{MAX_ROW_CHARS:,}"}
            )
        return line


@contextmanager
def _read_csv(file: _File, budget: _Budget) -> Iterator[tuple[_Table, Iterator[tuple[int, list[str]]]]]:
    """The header, then the records with their number, read as they are asked for.

    Parsed with the csv module: Letterboxd quotes titles with commas, and its fields can span lines.
    """
    encoding = _csv_encoding(file, budget)
    with _text_stream(file, None, encoding) as text:  # counted by the first pass
        lines = _Lines(text, file.name)
        reader = csv.reader(lines)

        def next_record() -> list[str] | None:
            lines.row_chars = 0
            first_line = lines.count + 1
            try:
                record = next(reader, None)
            except csv.Error as exc:
                raise ImportFormatError(
                    _("%(file)s is not a valid CSV file (%(error)s).") % {"file": file.name, "error": exc}
                ) from exc
            if record is not None and len(record) > MAX_CELLS:
                raise ImportFormatError(
                    _("%(file)s, line %(line)s: the row has more than %(max)s cells.")
                    % {"file": file.name, "line": f"{first_line:,}", "max": MAX_CELLS}
                )
            return record

        header: list[str] | None = None
        blank = 0
        while header is None and (record := next_record()) is not None:
            if any(cell.strip() for cell in record):
                header = record
            else:  # blank lines before the header
                blank += 1
                budget.add_row(file.name, blank, unit="rows")

        def records() -> Iterator[tuple[int, list[str]]]:
            number = 0
            while (record := next_record()) is not None:
                # Numbered as a spreadsheet would show them (blank lines included), header excluded.
                number += 1
                budget.add_row(file.name, number, unit="rows")
                yield number, record

        columns: dict[str, int] = {}
        for index, name in enumerate(header or []):
            columns.setdefault(_column_key(name), index)
        yield _Table(file=file.name, columns=columns), records()


def _json_items(file: _File, budget: _Budget) -> Iterator[object]:
    """The items of the top-level JSON array, decoded one at a time: the memory of one item, not the file."""
    with _text_stream(file, budget, "utf-8-sig") as text:
        yield from _JsonArray(text, file.name).items()


class _JsonArray:
    """A bounded reader: the standard decoder on a window of the text that holds the next item.

    Not ijson: its C parser keeps every nesting level's path, so 10,000 "[" cost it 260 MB, and it
    refuses the whole file over one integer past 2**63. Here an item is at most MAX_ITEM_CHARS, and the
    decoder's recursion limit stops deep nesting.
    """

    def __init__(self, text: IO[str], file: str) -> None:
        self._text, self._file = text, file
        self._buffer, self._pos, self._eof = "", 0, False

    def items(self) -> Iterator[object]:
        if self._next_char() != "[":
            self._value(0)  # not valid JSON is said so; valid JSON is not an array
            raise ImportFormatError(
                _("%(file)s is not a Trakt export: expected a JSON array of items.") % {"file": self._file}
            )
        self._pos += 1
        index = 0
        if self._next_char() == "]":
            self._pos += 1
        else:
            while True:
                index += 1
                yield self._value(index)
                char = self._next_char()
                self._pos += 1
                if char == "]":
                    break
                if char != ",":
                    self._invalid(index, "Expecting ',' delimiter or ']'")
        if self._next_char():
            self._invalid(index, "Extra data after the array")

    def _more(self, size: int) -> bool:
        """Read `size` more characters (dropping those already decoded); False at the end of the file."""
        if self._eof:
            return False
        try:
            chunk = self._text.read(size)
        except UnicodeDecodeError as exc:
            raise ImportFormatError(_("%(file)s is not UTF-8 JSON.") % {"file": self._file}) from exc
        if not chunk:
            self._eof = True
            return False
        self._buffer = self._buffer[self._pos :] + chunk
        self._pos = 0
        return True

    def _next_char(self) -> str:
        """The next character that is not whitespace, "" at the end of the file."""
        while True:
            self._pos = _JSON_SPACE.match(self._buffer, self._pos).end()  # type: ignore[union-attr]
            if self._pos < len(self._buffer):
                return self._buffer[self._pos]
            if not self._more(_CHUNK):
                return ""

    def _value(self, index: int) -> object:
        """Decode the value at the reading position, reading more while it is cut short by the window."""
        self._next_char()
        while True:
            try:
                value, end = _JSON.raw_decode(self._buffer, self._pos)
            except json.JSONDecodeError as exc:
                held = len(self._buffer) - self._pos
                if held > MAX_ITEM_CHARS:
                    raise ImportFormatError(
                        _("%(file)s: item %(index)s is larger than %(max)s MB.")
                        % {"file": self._file, "index": index, "max": MAX_ITEM_CHARS // _MB}
                    ) from exc
                if self._more(min(max(_CHUNK, held), MAX_ITEM_CHARS + 1 - held)):
                    continue
                self._invalid(index, exc.msg, exc)
            except RecursionError as exc:  # "[[[[…" nested deeper than the decoder's stack
                raise ImportFormatError(
                    _("%(file)s is not valid JSON (nested too deeply).") % {"file": self._file}
                ) from exc
            except ValueError as exc:  # a number too long to convert
                self._invalid(index, str(exc), exc)
            self._pos = end
            return value

    def _invalid(self, index: int, error: str, cause: Exception | None = None) -> NoReturn:
        if index:
            message = _("%(file)s is not valid JSON (item %(index)s: %(error)s).")
        else:
            message = _("%(file)s is not valid JSON (%(error)s).")
        raise ImportFormatError(message % {"file": self._file, "index": index, "error": error}) from cause


def _day(value: str) -> datetime | None:
    """YYYY-MM-DD as midnight UTC: the exports give dates with no time and no zone."""
    return _day_cached(value) if len(value) <= 32 else None  # a long cell must not sit in the cache


@functools.lru_cache(maxsize=4096)  # exports repeat dates (a new account's rows share its sign-up day)
def _day_cached(value: str) -> datetime | None:
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


_MAX_TMDB_ID = 2**31 - 1  # our column (PositiveIntegerField); a larger id cannot be TMDB's


def _tmdb_id(value: object) -> int | None:
    """Trakt sends 0 (or nothing) when it has no TMDB id; an id out of the column's range counts as none."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 < value <= _MAX_TMDB_ID else None


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


def _parse_letterboxd(data: bytes, filename: str, budget: _Budget) -> list[HistoryRow]:
    """The export ZIP (files at its root or in one top folder), or one of its CSV files on its own."""
    merger = _Merger()
    if _is_zip(data):

        def keep(parts: list[str]) -> bool:
            dirs = {p.lower() for p in parts[:-1]}
            return not dirs & _LB_SKIPPED_DIRS and parts[-1].lower() in _LB_KINDS

        with _zip_files(data, keep) as files:
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
                with _read_csv(file, budget) as (table, records):
                    _require(table, _LB_REQUIRED[kind])
                    _letterboxd_merge(merger, kind, table, records)
    else:
        file = _plain_file(data, filename, "letterboxd.csv")
        with _read_csv(file, budget) as (table, records):
            _letterboxd_merge(merger, _letterboxd_kind(table, file.name), table, records)
    return merger.rows()


def _letterboxd_merge(
    merger: _Merger, kind: str, table: _Table, records: Iterable[tuple[int, list[str]]]
) -> None:
    for line, record in records:
        fact = _letterboxd_fact(kind, table, line, record)
        if fact is not None:
            merger.add((fact.title.casefold(), fact.year), fact)  # Letterboxd exports no ids


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
    title, too_long = _title(table.get(record, "Name"))
    if not title:
        return None
    fact = _Fact(
        file=table.file,
        line=line,
        media_type=MOVIE,  # Letterboxd lists films only
        title=title,
        year=_year(table.get(record, "Year")),
        seen=kind != "watchlist",
        title_too_long=too_long,
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


def _parse_imdb(data: bytes, filename: str, budget: _Budget) -> list[HistoryRow]:
    """A ratings, watchlist or list CSV in any of IMDb's three layouts (columns found by name).

    v1 (to ~2017) quotes every field and says `const`, `You rated`, `created` (ctime); v2 says `Const`,
    `Your Rating`, `Date Rated` (briefly `Date Added`); v3 adds `Original Title`.
    """
    if _is_zip(data):
        raise ImportFormatError(
            _("This is a ZIP archive: upload IMDb's CSV file (ratings or watchlist) itself.")
        )
    file = _plain_file(data, filename, "imdb.csv")
    with _read_csv(file, budget) as (table, records):
        return _imdb_rows(table, records)


def _imdb_rows(table: _Table, records: Iterable[tuple[int, list[str]]]) -> list[HistoryRow]:
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
        imdb_id = _imdb_id(table.get(record, "Const"))
        # v3 "Original Title" is the original-language title; "Title" follows the account language.
        title, too_long = _title(table.get(record, "Original Title") or table.get(record, "Title"))
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
                title_too_long=too_long,
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


# ---------------------------------------------------------------- Trakt

# Members of Trakt's data-export ZIP we read, by basename (reported both flat and in folders). Ignored:
# ratings-episodes/seasons (not titles), collection-*, comments-*, user-*, hidden-*, likes-*, notes-*,
# watched-playback.json and custom lists-*.json.
_TRAKT_MEMBER = re.compile(
    r"(?:watched-(?:movies|shows)|ratings-(?:movies|shows)|(?:lists-)?watchlist|watched-history(?:-\d+)?"
    r"|history[^/]*)\.json"
)


def _parse_trakt(data: bytes, filename: str, budget: _Budget) -> list[HistoryRow]:
    """One /sync/* JSON array (watched, ratings, watchlist, history), or the data-export ZIP of them."""
    merger = _Merger()
    if _is_zip(data):
        with _zip_files(data, lambda parts: bool(_TRAKT_MEMBER.fullmatch(parts[-1].lower()))) as files:
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
        _trakt_merge(merger, _plain_file(data, filename, "trakt.json"), budget)
    return merger.rows()


def _trakt_merge(merger: _Merger, file: _File, budget: _Budget) -> None:
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


def _trakt_facts(file: _File, budget: _Budget) -> Iterator[_Fact]:
    known = index = 0
    for index, item in enumerate(_json_items(file, budget), start=1):
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
    ids = raw_ids if isinstance(raw_ids := obj.get("ids"), dict) else {}
    title, too_long = _title(obj["title"] if isinstance(obj.get("title"), str) else "")
    fact = _Fact(
        file=name,
        line=index,
        media_type=media_type,
        title=title,
        year=_year(obj.get("year")),
        seen=seen,
        title_too_long=too_long,
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
