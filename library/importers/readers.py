"""The bounded readers: a CSV file row by row and a JSON array item by item, under the caps, so no file
is ever held whole in memory."""

import codecs
import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, NoReturn

from django.utils.translation import gettext as _

from library.importers.common import (
    CHUNK,
    MAX_CELLS,
    MAX_ITEM_CHARS,
    MAX_ROW_CHARS,
    MB,
    Budget,
    Capped,
    File,
    ImportFormatError,
)
from library.importers.values import field_text

_NOT_CP1252 = re.compile(b"[\x81\x8d\x8f\x90\x9d]")  # the five bytes Windows-1252 leaves undefined
_JSON_SPACE = re.compile(r"[ \t\n\r]*")
_JSON = json.JSONDecoder()


def _text_stream(file: File, budget: Budget, encoding: str, *, counted: bool = True) -> IO[str]:
    # newline="" keeps the CRLF (Letterboxd) or LF (git-normalised copies) for csv to handle.
    raw = Capped(file, budget, counted=counted)
    return io.TextIOWrapper(io.BufferedReader(raw, CHUNK), encoding=encoding, newline="")


def _csv_encoding(file: File, budget: Budget) -> str:
    """UTF-8 (a BOM is dropped), else cp1252: IMDb's 2019-2021 v2 exports are ISO-8859-1/cp1252.

    A first pass over the bytes that keeps nothing; the file is then read again as text.
    """
    utf8: codecs.IncrementalDecoder | None = codecs.getincrementaldecoder("utf-8")()
    cp1252 = True
    with Capped(file, budget) as raw:
        while chunk := raw.read(CHUNK):
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
class Table:
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
        return field_text(record[index]) if index is not None and index < len(record) else ""


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
def read_csv(file: File, budget: Budget) -> Iterator[tuple[Table, Iterator[tuple[int, list[str]]]]]:
    """The header, then the records with their number, read as they are asked for.

    Parsed with the csv module: Letterboxd quotes titles with commas, and its fields can span lines.
    """
    encoding = _csv_encoding(file, budget)
    with _text_stream(file, budget, encoding, counted=False) as text:  # counted by the first pass
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
        yield Table(file=file.name, columns=columns), records()


def json_items(file: File, budget: Budget) -> Iterator[object]:
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
            if not self._more(CHUNK):
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
                        % {"file": self._file, "index": index, "max": MAX_ITEM_CHARS // MB}
                    ) from exc
                if self._more(min(max(CHUNK, held), MAX_ITEM_CHARS + 1 - held)):
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
