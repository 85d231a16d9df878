"""Reading IMDb's dataset files: gzipped TSV with a header row and `\\N` for null, streamed line by line.

Every file's header is checked when it is opened, before anything is written; a file that is not gzip,
lacks a column, or turns out corrupt or truncated while it is read raises ImdbDatasetError.
"""

import gzip
import io
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from tqdm import tqdm

from catalog.models import Title

NULL = "\\N"  # IMDb's null, in every column
GZIP_MAGIC = b"\x1f\x8b"
PROGRESS_EVERY = 1 << 16  # lines between progress-bar updates
MAX_SMALLINT = 32767  # PositiveSmallIntegerField's ceiling (IMDb lists a few runtimes of 50,000+ minutes)
TITLE_LENGTH = Title._meta.get_field("title_en").max_length


class ImdbDatasetError(Exception):
    """A dataset file that cannot be imported as given: missing, not gzip, wrong header, corrupt."""


@dataclass(frozen=True)
class DatasetFile:
    name: str
    columns: tuple[str, ...]  # as IMDb documents them; the header must hold every one (in any order)


BASICS = DatasetFile(
    "title.basics",
    (
        "tconst",
        "titleType",
        "primaryTitle",
        "originalTitle",
        "isAdult",
        "startYear",
        "endYear",
        "runtimeMinutes",
        "genres",
    ),
)
RATINGS = DatasetFile("title.ratings", ("tconst", "averageRating", "numVotes"))
AKAS = DatasetFile(
    "title.akas",
    ("titleId", "ordering", "title", "region", "language", "types", "attributes", "isOriginalTitle"),
)


def file_date(path: Path) -> date:
    """The day a downloaded file was written (UTC): the date its ratings are "as of"."""
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).date()


# What a damaged download raises while it is read: bad gzip data or CRC, early end, invalid UTF-8.
READ_ERRORS = (OSError, EOFError, zlib.error, UnicodeDecodeError)


class TsvFile:
    """One dataset file, opened with its header checked; `rows()` streams the fields of each data line."""

    def __init__(self, path: Path, spec: DatasetFile) -> None:
        self.path, self.spec = path, spec
        if not path.is_file():
            raise ImdbDatasetError(f"{spec.name}: no such file: {path}")
        self.size = path.stat().st_size
        self.lines = 0
        self.malformed_lines = 0
        self.raw = path.open("rb")
        try:
            if self.raw.read(2) != GZIP_MAGIC:
                raise ImdbDatasetError(
                    f"{spec.name}: {path} is not gzip-compressed (expected {spec.name}.tsv.gz)."
                )
            self.raw.seek(0)
            self.text = io.TextIOWrapper(gzip.GzipFile(fileobj=self.raw), encoding="utf-8", newline="\n")
            header = self._read(self.text.readline).rstrip("\r\n").split("\t")
        except BaseException:
            self.raw.close()
            raise
        missing = [c for c in spec.columns if c not in header]
        if missing:
            self.raw.close()
            raise ImdbDatasetError(
                f"{spec.name}: {path} does not have {spec.name}'s header (missing {', '.join(missing)}; "
                f"found {' '.join(header)[:200]!r})."
            )
        self.column = {name: header.index(name) for name in spec.columns}
        self.width = len(header)

    def __enter__(self) -> "TsvFile":
        return self

    def __exit__(self, *exc: object) -> None:
        self.raw.close()

    def _read(self, read: Callable[[], str]) -> str:
        try:
            return read()
        except READ_ERRORS as exc:
            raise self._corrupt(exc) from exc

    def _corrupt(self, exc: Exception) -> ImdbDatasetError:
        return ImdbDatasetError(
            f"{self.spec.name}: {self.path} is corrupt or truncated after line {self.lines + 1} ({exc})."
        )

    def rows(self, bar: tqdm, *, containing: str | None = None) -> Iterator[list[str]]:
        """Each data line's fields; lines without `containing` are passed over unsplit (the fast path)."""
        width = self.width
        try:
            # Only this generator's own reading is guarded: the caller's errors are not raised in here.
            for line in self.text:
                self.lines += 1
                if not self.lines % PROGRESS_EVERY:
                    bar.update(self.raw.tell() - bar.n)
                if containing is not None and containing not in line:
                    continue
                fields = line.rstrip("\r\n").split("\t")
                if len(fields) != width:
                    self.malformed_lines += 1
                    continue
                yield fields
        except READ_ERRORS as exc:
            raise self._corrupt(exc) from exc
        bar.update(self.size - bar.n)


def parse_int(value: str, *, low: int = 1, high: int = MAX_SMALLINT) -> int | None:
    """IMDb's number, or None for `\\N`, junk, and values our columns cannot hold."""
    if value == NULL:
        return None
    try:
        number = int(value)
    except ValueError:
        return None
    return number if low <= number <= high else None


def parse_text(value: str) -> str:
    return "" if value == NULL else value.strip()[:TITLE_LENGTH]


def progress_bar(total: int, desc: str, *, progress: bool, unit: str = "B") -> tqdm:
    scale = unit == "B"
    return tqdm(total=total, desc=desc, unit=unit, unit_scale=scale, unit_divisor=1024, disable=not progress)
