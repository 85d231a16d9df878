"""Your data is yours: entries as a Letterboxd-importable CSV, or as JSON."""

import csv
import io
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from catalog.models import MediaType
from core.timestamps import utc_iso, utc_iso_or_none
from library.models import Entry, HideRule, Status

# Columns Letterboxd's importer reads (letterboxd.com/about/importing-data/).
LETTERBOXD_COLUMNS = ("imdbID", "tmdbID", "Title", "Year", "Directors", "WatchedDate", "Rating", "Rating10")
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP, "CSV Injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _spreadsheet_safe(text: str) -> str:
    """Text a spreadsheet shows as text: a leading apostrophe before = + - @ tab or CR ("+1", 2013)."""
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def letterboxd_csv(entries: list[Entry]) -> str:
    """Seen films only: Letterboxd has no TV shows, and its importer marks every row as watched."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(LETTERBOXD_COLUMNS)
    for entry in entries:
        title = entry.title
        if entry.status != Status.SEEN or title.media_type != MediaType.MOVIE:
            continue
        writer.writerow(
            [
                title.imdb_id or "",
                title.tmdb_id or "",
                _spreadsheet_safe(title.title_en),
                title.year or "",
                _spreadsheet_safe(", ".join(title.directors)),
                entry.watched_at.date().isoformat() if entry.watched_at else "",
                f"{entry.rating / 2:g}" if entry.rating else "",  # Letterboxd's half stars: 7/10 → 3.5
                entry.rating or "",
            ]
        )
    return out.getvalue()


def entries_json(entries: list[Entry], *, email: str, rules: Sequence[HideRule] = ()) -> dict[str, Any]:
    """The whole library: every entry, and the hide rules (kind, value, label, as `POST /me/hide-rules`
    takes them back, a franchise by its stem and titles)."""
    return {
        "hide_rules": [
            {
                "kind": r.kind,
                "value": r.value,
                "label": r.label,
                "title_ids": list(r.title_ids),
                "created_at": utc_iso(r.created_at),
            }
            for r in rules
        ],
        "exported_at": utc_iso(timezone.now()),
        "user": email,
        "entries": [
            {
                "title_id": e.title_id,
                "media_type": e.title.media_type,
                "imdb_id": e.title.imdb_id,
                "tmdb_id": e.title.tmdb_id,
                "title": e.title.title_en,
                "year": e.title.year,
                "status": e.status,
                "rating": e.rating,
                "watched_at": utc_iso_or_none(e.watched_at),
                "created_at": utc_iso(e.created_at),
                "updated_at": utc_iso(e.updated_at),
            }
            for e in entries
        ],
    }
