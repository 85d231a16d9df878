"""Which service a file was exported from, read from the file itself, so people need not know the name of
what they downloaded: a ZIP by the files it holds, JSON (Trakt's only format) by its first character, a CSV
by its header. Also the export's own time when its name gives it (Letterboxd's ZIP)."""

import csv
import re
from datetime import UTC, datetime

from django.utils.translation import gettext as _

from library.importers.common import Budget, ImportFormatError, is_zip, zip_files
from library.importers.letterboxd import letterboxd_keep
from library.importers.trakt import trakt_keep

HEAD_BYTES = 64 * 1024  # enough for any header line of a real export
# letterboxd-<username>-YYYY-MM-DD-HH-MM-utc.zip, as Letterboxd names its account export.
_LETTERBOXD_ZIP_NAME = re.compile(
    r"letterboxd-.*-(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-utc(?:\s*\(\d+\))?\.zip", re.ASCII | re.I
)


def detect_source(data: bytes, filename: str, budget: Budget) -> str:
    """ "letterboxd", "imdb" or "trakt"; ImportFormatError naming what was looked for when none fits."""
    if is_zip(data):
        for source, keep in (("letterboxd", letterboxd_keep), ("trakt", trakt_keep)):
            with zip_files(data, keep, budget) as files:
                if files:
                    return source
        raise ImportFormatError(
            _(
                "This ZIP file is neither a Letterboxd export (watched.csv, ratings.csv…) nor a Trakt "
                "export (watched-*.json, ratings-*.json…): choose its source."
            )
        )
    head = data[:HEAD_BYTES].decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if head[:1] in ("[", "{"):
        return "trakt"  # neither Letterboxd nor IMDb exports JSON
    columns = _header(head)
    if "const" in columns:
        return "imdb"  # IMDb's id column, in all three of its layouts
    if "letterboxd uri" in columns or {"name", "year"} <= columns:
        return "letterboxd"
    raise ImportFormatError(
        _(
            "We could not tell which service this file comes from (a Letterboxd export, an IMDb CSV or a "
            "Trakt export is expected): choose its source."
        )
    )


def _header(head: str) -> set[str]:
    """The first non-blank CSV row's cells, casefolded with spaces collapsed."""
    try:
        for row in csv.reader(head.splitlines()[:50]):
            if any(cell.strip() for cell in row):
                return {" ".join(cell.split()).casefold() for cell in row}
    except csv.Error:
        pass  # not a CSV file: no header
    return set()


def export_time(filename: str) -> datetime | None:
    """When the export was made, from a Letterboxd ZIP's name; None for any other name."""
    match = _LETTERBOXD_ZIP_NAME.fullmatch(filename.replace("\\", "/").rsplit("/", 1)[-1].strip())
    if not match:
        return None
    try:
        year, month, day, hour, minute = (int(match[i]) for i in range(1, 6))
        return datetime(year, month, day, hour, minute, tzinfo=UTC)
    except ValueError:
        return None
