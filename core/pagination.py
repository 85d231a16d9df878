"""A page of any sequence of rows, read with one extra row to tell whether more follow; the API and the
pages render it (the API in its envelope: results, page, page_size, has_more, and count for lists)."""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet


@dataclass(frozen=True)
class Page:
    items: list[Any]
    page: int
    page_size: int
    has_more: bool
    count: int | None = None

    def envelope(self, results: list[Any]) -> dict[str, Any]:
        body: dict[str, Any] = {
            "results": results,
            "page": self.page,
            "page_size": self.page_size,
            "has_more": self.has_more,
        }
        if self.count is not None:
            body["count"] = self.count
        return body


def paginate(queryset: QuerySet, *, page: int, page_size: int, with_count: bool = False) -> Page:
    """One query for the page (one extra row tells whether more follow), one more for the count if asked."""
    start = (page - 1) * page_size
    rows = list(queryset[start : start + page_size + 1])
    return Page(
        items=rows[:page_size],
        page=page,
        page_size=page_size,
        has_more=len(rows) > page_size,
        count=queryset.count() if with_count else None,
    )
