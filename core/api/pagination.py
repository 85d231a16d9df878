"""The API's pages: their query parameters, their one envelope, and the opaque cursors of the ranked lists.

Every list answers `{"results": [...], "next": <absolute URL or null>, "count": <integer or null>}`. Paging
parameters are always in the query string, also on the POST searches (whose `next` is POSTed again with
the same body). Offset lists take `page`; the lists that never show the caller's titles take a `cursor`
anchored on the last ranking key served, so titles marked between two pages never make the next one skip
others. A cursor is signed and names the list it was made for: a changed one, or one from another list
(other filters, sort or media type), is a 400 naming `cursor`.
"""

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.utils.urls import replace_query_param

from core.pagination import Page

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
MAX_PAGE = 10_000
MAX_CURSOR_CHARS = 1000
_MAC_BYTES = 12  # 96 bits: enough that a changed cursor is never taken for one of ours
_MAC_SALT = "core.api.pagination.cursor"

Anchor = TypeVar("Anchor")


class PageSizeInputSerializer(serializers.Serializer):
    page_size = serializers.IntegerField(
        min_value=1,
        max_value=MAX_PAGE_SIZE,
        default=DEFAULT_PAGE_SIZE,
        help_text=f"Items per page, 1 to {MAX_PAGE_SIZE}.",
    )


class PageInputSerializer(PageSizeInputSerializer):
    """The query parameters of an offset list: `page` and `page_size`."""

    page = serializers.IntegerField(
        min_value=1, max_value=MAX_PAGE, default=1, help_text="The page, from 1; `next` gives the following."
    )


class CursorInputSerializer(PageSizeInputSerializer):
    """The query parameters of a ranked list: `cursor` (from the previous page's `next`) and `page_size`."""

    cursor = serializers.CharField(
        required=False,
        max_length=MAX_CURSOR_CHARS,
        help_text="Where the previous page ended, as its `next` link gives it: opaque, made for this list "
        "(same filters, sort and media type). Absent: the first page.",
    )


# ---------------------------------------------------------------- cursors


def _scope_digest(scope: str) -> str:
    return hashlib.sha256(scope.encode()).hexdigest()[:12]


def _mac(payload: bytes) -> bytes:
    return salted_hmac(_MAC_SALT, payload, algorithm="sha256").digest()[:_MAC_BYTES]


def cursor_encode(anchor: Mapping[str, Any], *, scope: str) -> str:
    """An opaque cursor for `anchor` (a small JSON object), valid only for the list named by `scope`."""
    payload = json.dumps({"s": _scope_digest(scope), "a": anchor}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(_mac(payload) + payload).decode().rstrip("=")


def _invalid(message: str) -> ValidationError:
    return ValidationError({"cursor": [message]}, code="invalid")


def cursor_decode(cursor: str | None, *, scope: str, parse: Callable[[Any], Anchor | None]) -> Anchor | None:
    """The anchor a cursor of `scope` holds, read by `parse` (None when it is not one); None without a
    cursor. A cursor that is not ours, was changed, or was made for another list is a 400 naming `cursor`."""
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    mac, payload = raw[:_MAC_BYTES], raw[_MAC_BYTES:]
    if not payload or not hmac.compare_digest(mac, _mac(payload)):
        raise _invalid(_("This cursor is not valid: follow a page's next link as it is given."))
    data = json.loads(payload)  # ours: the signature holds
    if data.get("s") != _scope_digest(scope):
        raise _invalid(
            _(
                "This cursor was made for another list (other filters, sort or media type): "
                "start again without it."
            )
        )
    anchor = parse(data.get("a"))
    if anchor is None:
        raise _invalid(_("This cursor is not valid: follow a page's next link as it is given."))
    return anchor


# ---------------------------------------------------------------- the envelope


def next_link(request: Request, **params: str | int) -> str:
    """This request's absolute URL with `params` replaced, every other query parameter kept."""
    url = request.build_absolute_uri()
    for name, value in params.items():
        url = replace_query_param(url, name, value)
    return url


def page_body(
    results: list[Any], *, next_url: str | None, count: int | None = None, **extra: Any
) -> dict[str, Any]:
    """The API's one page envelope: results, next, count (null where not counted), then a route's extras."""
    return {"results": results, "next": next_url, "count": count, **extra}


def offset_page_body(
    request: Request,
    results: list[Any],
    *,
    page: int,
    has_more: bool,
    count: int | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """An offset list's page: `next` asks for the following page number."""
    next_url = next_link(request, page=page + 1) if has_more else None
    return page_body(results, next_url=next_url, count=count, **extra)


def rows_page_body(request: Request, page: Page, results: list[Any]) -> dict[str, Any]:
    """A page of rows (`core.pagination.paginate`) in the envelope, counted when it was."""
    return offset_page_body(request, results, page=page.page, has_more=page.has_more, count=page.count)


def cursor_page_body(
    request: Request, results: list[Any], *, next_cursor: str | None, **extra: Any
) -> dict[str, Any]:
    """A ranked list's page: `next` carries the cursor after its last item; never counted."""
    next_url = next_link(request, cursor=next_cursor) if next_cursor else None
    return page_body(results, next_url=next_url, **extra)


def page_of(
    name: str,
    item: type[serializers.BaseSerializer] | serializers.BaseSerializer,
    *,
    count: bool = False,
    **extra: serializers.Field,
) -> serializers.Serializer:
    """The page envelope around `item` for the schema: results, next and count (an integer when `count`,
    else always null), then the route's extras."""
    fields: dict[str, serializers.Field] = {
        "results": item(many=True) if isinstance(item, type) else item,
        "next": serializers.URLField(
            allow_null=True,
            help_text="The next page's absolute URL (a POST search: POST it again with the same body); "
            "null on the last page.",
        ),
        "count": serializers.IntegerField(
            allow_null=not count,
            help_text="How many items the list holds." if count else "Not counted on this list: null.",
        ),
    }
    return inline_serializer(name, {**fields, **extra})
