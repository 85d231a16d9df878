"""Cell and field values as the exports write them, to ours: text any database stores, dates, years,
ratings, ids. One odd value becomes None (or is dropped), never an error."""

import functools
import re
from datetime import UTC, datetime

from library.importers.common import MAX_TITLE_CHARS

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
_SURROGATES = re.compile("[\ud800-\udfff]")  # lone halves (JSON "\\ud800"): no database can store them


def clean_text(value: str) -> str:
    """Text any database can store: NUL (PostgreSQL refuses it, csv lets it through) and lone surrogates
    (from JSON "\\ud800"; UTF-8 cannot encode them) are dropped."""
    return _SURROGATES.sub("", value.replace("\x00", ""))


def field_text(value: str) -> str:
    """A field's text, trimmed, with what no database can store dropped."""
    return clean_text(value).strip()


def cut_title(value: str) -> tuple[str, bool]:
    """A title and whether it was cut to MAX_TITLE_CHARS: a longer one is kept out of matching by name."""
    title = field_text(value)
    return (title[:MAX_TITLE_CHARS], True) if len(title) > MAX_TITLE_CHARS else (title, False)


def parse_day(value: str) -> datetime | None:
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


def parse_ctime(value: str) -> datetime | None:
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


def parse_instant(value: object) -> datetime | None:
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


def parse_year(value: object) -> int | None:
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


def parse_rating10(value: object) -> int | None:
    """A 1..10 rating (IMDb's "Your Rating", Trakt's `rating`), or None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and (match := _SMALL_INT.fullmatch(value.strip())):
        value = int(match[1])
    return value if isinstance(value, int) and 1 <= value <= 10 else None


def parse_imdb_id(value: object) -> str | None:
    if isinstance(value, str) and _IMDB_ID.fullmatch(value.strip()):
        return value.strip()
    return None


_MAX_TMDB_ID = 2**31 - 1  # our column (PositiveIntegerField); a larger id cannot be TMDB's


def parse_tmdb_id(value: object) -> int | None:
    """Trakt sends 0 (or nothing) when it has no TMDB id; an id out of the column's range counts as none."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 < value <= _MAX_TMDB_ID else None
