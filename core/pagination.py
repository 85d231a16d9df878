"""A page of any sequence of rows, read with one extra row to tell whether more follow. The pages render it
as numbered pages; the API puts it in its one envelope (`core.api.pagination`)."""

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
