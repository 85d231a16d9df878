"""Turn users' export files from Letterboxd, IMDb and Trakt into rows the import service matches.

Pure parsing: no database and no Django beyond gettext and the upload size setting, so the same code
checks an upload in the request (a bad file is a 400 at once) and reads it again in the background job.
Bad input only ever ends as `ImportFormatError` (the whole file is refused) or as a skipped row / a `None`
field (one odd value must not cost the user the rest of their history). Messages are translated when
raised, in the language active then (the request's Accept-Language).

The format quirks pinned in comments come from real exports of each service.

Memory stays bounded whatever the upload: files are read as streams, one ZIP member at a time, CSV row by
row and JSON item by item, each under the caps in `common`, so no file is ever held whole in memory.
One module per source (`letterboxd`, `imdb`, `trakt`) on the shared `common` (rows, caps, files, merging),
`values` (cell values) and `readers` (CSV and JSON streams).
"""

import csv
import dataclasses
from datetime import datetime

from django.utils.translation import gettext as _

from core.limits import MB
from library.importers.common import Budget, HistoryRow, ImportFormatError, is_zip
from library.importers.detect import detect_source, export_time
from library.importers.imdb import parse_imdb
from library.importers.letterboxd import parse_letterboxd
from library.importers.trakt import parse_trakt
from library.importers.values import clean_text

__all__ = ["AUTO", "SOURCES", "HistoryRow", "ImportFormatError", "clean_text", "parse_history", "source_of"]

SOURCES = ("letterboxd", "imdb", "trakt")
AUTO = "auto"  # the source read from the file itself


def source_of(*, source: str, data: bytes, filename: str = "") -> str:
    """`source`, or with AUTO the one the file shows; ImportFormatError when it shows none."""
    if source != AUTO:
        return source
    data = bytes(data)
    if not data or data.isspace():
        raise ImportFormatError(_("The file is empty."))
    return detect_source(data, clean_text(filename), Budget())


def parse_history(*, source: str, data: bytes, filename: str = "") -> list[HistoryRow]:
    """Rows of one export (a ZIP, a CSV or a JSON file, per source), one per title where the source repeats.

    Raises ImportFormatError, and nothing else, when the file cannot be an export of `source` (AUTO: of
    the source the file shows). A row that gives no date for its rating or status is dated by the export's
    own time when the file's name tells it.
    """
    if source == AUTO:
        source = source_of(source=source, data=data, filename=filename)
    if source not in SOURCES:
        raise ImportFormatError(
            _("Unknown import source %(source)s: expected one of %(sources)s.")
            % {"source": repr(source), "sources": ", ".join(SOURCES)}
        )
    data = bytes(data)
    if not data or data.isspace():  # not data.strip(): that would copy the upload
        raise ImportFormatError(_("The file is empty."))
    budget = Budget()
    if not is_zip(data) and len(data) > budget.file_bytes:
        raise ImportFormatError(
            _("The file is too large (more than %(max)s MB).") % {"max": budget.file_bytes // MB}
        )
    filename = clean_text(filename)
    try:
        if source == "letterboxd":
            rows = parse_letterboxd(data, filename, budget)
        elif source == "imdb":
            rows = parse_imdb(data, filename, budget)
        else:
            rows = parse_trakt(data, filename, budget)
    except ImportFormatError:
        raise
    except (csv.Error, UnicodeError, ValueError, RecursionError) as exc:  # last net: a file we cannot read
        raise ImportFormatError(
            _("The file could not be read as a %(source)s export (%(error)s).")
            % {"source": source, "error": exc}
        ) from exc
    exported = export_time(filename)
    if exported is not None:
        rows = [_dated(row, exported) for row in rows]
    return rows


def _dated(row: HistoryRow, exported: datetime) -> HistoryRow:
    """The row, its missing dates taken as the export's time: what it says was true then at the latest."""
    if row.status_at is not None and (row.rated_at is not None or row.rating is None):
        return row
    return dataclasses.replace(
        row,
        status_at=row.status_at or exported,
        rated_at=row.rated_at or (exported if row.rating is not None else None),
    )
