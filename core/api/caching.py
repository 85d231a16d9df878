"""A short shared cache for the pages that every anonymous caller gets alike (the feed's first page).

Only anonymous first pages are cached. A caller with a token always gets a page built from their
library as it is now, so a title they have just marked never comes back.
"""

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from rest_framework.request import Request


def anonymous_first_page(
    request: Request, *, scope: str, params: dict[str, Any], build: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """`build()`'s body, kept `ANONYMOUS_PAGE_CACHE_SECONDS` for anonymous callers asking for page 1 with
    the same parameters in the same language; built afresh for everyone else."""
    seconds = settings.ANONYMOUS_PAGE_CACHE_SECONDS
    if seconds <= 0 or request.user.is_authenticated or params.get("page", 1) != 1:
        return build()
    digest = hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()
    key = f"anonymous-page:{scope}:{request.LANGUAGE_CODE}:{digest}"
    body = cache.get(key)
    if body is None:
        body = build()
        cache.set(key, body, seconds)
    return body
