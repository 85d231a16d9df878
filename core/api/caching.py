"""Caching on the API: a view's `Cache-Control` policy, and a short shared cache for the pages that every
anonymous caller gets alike (the feed's first page).

Only anonymous first pages are cached. A caller with a token always gets a page built from their
library as it is now, so a title they have just marked never comes back.
"""

import hashlib
import json
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.cache import cache
from rest_framework.request import Request


class CachePolicy(StrEnum):
    """What a view's successful GET may be kept as, by whom (`core.api.middleware` writes it).

    A view says its own in a `cache_policy` class attribute; PERSONAL is the default.
    """

    PUBLIC = "public"  # the same for everybody (a token changes nothing): `public, max-age=…`
    CATALOG = "catalog"  # public for anonymous callers; with a token it holds their statuses: private
    PERSONAL = "personal"  # `private, max-age=0, must-revalidate`: kept by the caller's client, revalidated
    NO_STORE = "no-store"  # the account, a whole library: `private, no-store`


def anonymous_first_page(
    request: Request, *, scope: str, params: dict[str, Any], build: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """`build()`'s body, kept `ANONYMOUS_PAGE_CACHE_SECONDS` for anonymous callers asking for the first
    page (no `cursor`, page 1) with the same parameters at the same URL (the body's `next` link is built
    from it) in the same language; built afresh for everyone else."""
    seconds = settings.ANONYMOUS_PAGE_CACHE_SECONDS
    first = params.get("page", 1) == 1 and params.get("cursor") is None
    if seconds <= 0 or request.user.is_authenticated or not first:
        return build()
    asked = [request.build_absolute_uri(), params]
    digest = hashlib.sha256(json.dumps(asked, sort_keys=True, default=str).encode()).hexdigest()
    key = f"anonymous-page:{scope}:{request.LANGUAGE_CODE}:{digest}"
    body = cache.get(key)
    if body is None:
        body = build()
        cache.set(key, body, seconds)
    return body
