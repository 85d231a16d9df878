"""One spelling of a moment in every answer: ISO 8601 in UTC ending in `Z` ("2026-12-04T16:40:00.123456Z"),
as DRF's DateTimeField writes it, for the bodies built by hand (cards, exports)."""

from datetime import UTC, datetime


def utc_iso(value: datetime) -> str:
    """`value` in UTC, ending in `Z` (a naive value is taken as UTC, as the database stores it)."""
    moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return moment.isoformat().removesuffix("+00:00") + "Z"


def utc_iso_or_none(value: datetime | None) -> str | None:
    return None if value is None else utc_iso(value)
