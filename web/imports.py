"""An import report's lines as the page shows them: statuses by their names in the reader's language, dates
as dates (the job stores codes and ISO times, written once in the background, in no one's language)."""

from datetime import datetime
from typing import Any

from library.models import Status


def _status_label(value: object) -> object:
    return Status(value).label if value in Status.values else value


def _when(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def import_report_lines(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each change or conflict with its statuses named (a rating stays a number) and its times parsed."""
    shown = []
    for line in lines:
        item = dict(line)
        for key in ("status_before", "status_after"):
            if key in item:
                item[key] = _status_label(item[key])
        if item.get("field") == "status":
            item["kept"], item["file_value"] = _status_label(item["kept"]), _status_label(item["file_value"])
        item["changed_here_at"] = _when(item.get("changed_here_at"))
        item["file_date"] = _when(item.get("file_date"))
        shown.append(item)
    return shown
