"""What every source shares: the rows, the error, the caps, one upload's budget, its files (a plain upload
or ZIP members, each read through a size cap) and the merging of rows of one title.

The sizes are one setting, `IMPORT_MAX_UPLOAD_MB` (core.limits): a file, sent as it is or inside a ZIP, is
at most that large uncompressed, and a ZIP's files together at most ZIP_TOTAL_FILES times that.
"""

import functools
import io
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any

from django.utils.translation import gettext as _

from core.limits import MB, upload_max_bytes

# Caps, with room to spare over real exports: the largest export file we know of is a Trakt history of
# just over 4 MiB; IMDb's biggest sample account has 3,369 rows, Trakt's 4,274 items, and no export has
# more than 18 columns.
MAX_ROWS = 100_000  # rows (CSV) and items (JSON) of one upload, all the files of a ZIP together
ZIP_TOTAL_FILES = 4  # all the ZIP members we read, uncompressed: four files of the largest size
MAX_ZIP_DIRECTORY_BYTES = 1024 * 1024  # a ZIP's list of files (about 10,000 names); Trakt's has 82
MAX_CELLS = 64  # cells in one CSV row
MAX_ROW_CHARS = 256 * 1024  # characters in one CSV row, quoted line breaks included
MAX_ITEM_CHARS = 1024 * 1024  # characters in one JSON item (a show with 9,000 watched episodes)
MAX_TITLE_CHARS = 300  # longer titles are not matched by name: no real title is that long

SEEN = "seen"
LATER = "later"
MOVIE = "movie"
TV = "tv"

CHUNK = 64 * 1024  # bytes (or characters) read at a time

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_MIN_DAY = datetime.min.replace(tzinfo=UTC)


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
    # When the file says the user gave `rating` and set `status`: what an import compares with the time an
    # entry last changed on the site, so a newer choice made here is kept. None when the file does not say.
    rated_at: datetime | None = None
    status_at: datetime | None = None


# ---------------------------------------------------------------- merging rows of one title


@dataclass(slots=True)
class Fact:
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
    said_at: datetime | None = None  # when the user recorded the row (rated, logged, listed), if known


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
    rated_at: datetime | None = None  # when the winning rating was given
    seen_at: datetime | None = None  # the latest of the rows saying "seen", and of those saying "later"
    later_at: datetime | None = None


@dataclass
class Merger:
    """One row per title: seen beats later, the best-ranked latest rating and watch date win."""

    entries: dict[tuple[object, ...], _Entry] = field(default_factory=dict)
    seq: int = 0

    def add(self, key: tuple[object, ...], fact: Fact) -> None:
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
                entry.rated_at = fact.said_at or fact.rating_at
        if fact.said_at is not None:
            if fact.seen:
                entry.seen_at = max(filter(None, (entry.seen_at, fact.said_at)))
            else:
                entry.later_at = max(filter(None, (entry.later_at, fact.said_at)))
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
                    rated_at=e.rated_at if e.seen and e.rating is not None else None,
                    status_at=e.seen_at if e.seen else e.later_at,
                )
            )
        return rows


# ---------------------------------------------------------------- an upload's files


def is_zip(data: bytes) -> bool:
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
class Budget:
    """What one upload may cost and has cost so far, all of its files together: bytes read (uncompressed)
    and rows or items. The sizes are read from the setting once, when the upload's parsing starts."""

    file_bytes: int = field(default_factory=upload_max_bytes)  # one file, uncompressed
    bytes: int = 0
    rows: int = 0

    @property
    def total_bytes(self) -> int:
        """All the files of a ZIP, uncompressed."""
        return ZIP_TOTAL_FILES * self.file_bytes

    def check_file_size(self, file: str, size: int) -> None:
        if size > self.file_bytes:
            raise ImportFormatError(
                _("%(file)s is too large (more than %(max)s MB uncompressed).")
                % {"file": file, "max": self.file_bytes // MB}
            )

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
class File:
    """One file of an upload, the upload itself or a ZIP member, opened afresh for each read."""

    name: str  # basename, for messages and the report
    open: Callable[[], IO[bytes]]


class Capped(io.RawIOBase):
    """A file's bytes, refused past the budget's file size (a ZIP header can lie about the size) and, when
    `counted` (not on a second read of the same file), past its total for the whole upload; ZIP failures
    become the user's error."""

    def __init__(self, file: File, budget: Budget, *, counted: bool = True) -> None:
        super().__init__()
        self._file, self._budget, self._counted, self._size = file, budget, counted, 0
        self._inner = self._guard(file.open)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = self._guard(lambda: self._inner.readinto(buffer)) or 0
        self._size += count
        self._budget.check_file_size(self._file.name, self._size)
        if self._counted:
            self._budget.bytes += count
            if self._budget.bytes > self._budget.total_bytes:
                raise ImportFormatError(
                    _("The ZIP file is too large (more than %(max)s MB uncompressed).")
                    % {"max": self._budget.total_bytes // MB}
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


def plain_file(data: bytes, filename: str, default: str) -> File:
    return File(name=_basename(filename) or default, open=lambda: io.BytesIO(data))  # shares, no copy


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
def zip_files(data: bytes, keep: Callable[[list[str]], bool], budget: Budget) -> Iterator[list[File]]:
    """The members `keep` accepts, in archive order, each read only when asked for; every ZIP failure is
    the user's."""
    if _zip_directory_size(data) > MAX_ZIP_DIRECTORY_BYTES:
        raise ImportFormatError(_("The ZIP file lists too many files to be an export."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except _ZIP_ERRORS as exc:
        raise ImportFormatError(_("The ZIP file is damaged or is not a ZIP archive.")) from exc
    with archive:
        files: list[File] = []
        for info in archive.infolist():
            path = info.filename.replace("\\", "/")
            parts = [p for p in path.split("/") if p]
            if info.is_dir() or not parts or parts[0].lower() == "__macosx" or not keep(parts):
                continue
            # Zip bomb: the declared size is checked here, the real one while reading (headers can lie).
            budget.check_file_size(parts[-1], info.file_size)
            files.append(File(name=parts[-1], open=functools.partial(archive.open, info)))
        yield files
