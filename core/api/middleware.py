"""The API's HTTP conventions, applied to every answer in one place rather than view by view.

- `Vary: Accept-Language, Authorization` on every API answer: the language and the caller change the body.
- `Cache-Control` on successful GETs by the view's `cache_policy` (`core.api.caching.CachePolicy`): catalog
  reads are public for anonymous callers, personal answers private and revalidated, and a view that set its
  own (the exports' `no-store`) keeps it.
- An `ETag` on those GETs, and `304 Not Modified` when `If-None-Match` names it (nothing is stored: the body
  is still built, but not sent again).
- `RateLimit-Policy` and `RateLimit` (the IETF draft's structured fields) on every answer a throttle counted,
  429s and 304s included.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from rest_framework.views import APIView

from core.api.caching import CachePolicy
from core.api.throttling import RateLimitUsage, rate_limit_usages

_VIEW_ATTRIBUTE = "api_view_class"
VARY = ("Accept-Language", "Authorization")


def api_view_class(request: HttpRequest) -> type[APIView] | None:
    """The DRF view class serving this request; None for the pages, the admin and unmatched paths."""
    view_class: type[APIView] | None = getattr(request, _VIEW_ATTRIBUTE, None)
    return view_class


def cache_policy(view_class: type[APIView]) -> CachePolicy:
    policy: CachePolicy = getattr(view_class, "cache_policy", CachePolicy.PERSONAL)
    return policy


def cache_control_apply(response: HttpResponseBase, *, policy: CachePolicy, anonymous: bool) -> None:
    """Write the policy's `Cache-Control`, unless the view wrote its own."""
    if response.has_header("Cache-Control"):
        return
    if policy == CachePolicy.PUBLIC or (policy == CachePolicy.CATALOG and anonymous):
        patch_cache_control(response, public=True, max_age=settings.API_CACHE_MAX_AGE_SECONDS)
    elif policy == CachePolicy.NO_STORE:
        patch_cache_control(response, private=True, no_store=True)
    else:  # personal, or a catalog read by a caller with a token (their statuses are in it)
        patch_cache_control(response, private=True, max_age=0, must_revalidate=True)


def rate_limit_headers(usages: tuple[RateLimitUsage, ...]) -> dict[str, str]:
    """`RateLimit-Policy: "user";q=600;w=60` and `RateLimit: "user";r=598;t=42`, one item per throttle."""
    if not usages:
        return {}
    return {
        "RateLimit-Policy": ", ".join(f'"{u.scope}";q={u.limit};w={u.window_seconds}' for u in usages),
        "RateLimit": ", ".join(f'"{u.scope}";r={u.remaining()};t={u.reset_seconds()}' for u in usages),
    }


class ApiHttpMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        view_class = getattr(view, "cls", None)  # DRF's as_view() keeps its class here
        if isinstance(view_class, type) and issubclass(view_class, APIView):
            setattr(request, _VIEW_ATTRIBUTE, view_class)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        view_class = api_view_class(request)
        if view_class is not None:
            patch_vary_headers(response, VARY)
            if request.method in ("GET", "HEAD") and response.status_code == 200:
                response = self._cacheable(request, response, cache_policy(view_class))
        for name, value in rate_limit_headers(rate_limit_usages(request)).items():
            response.headers[name] = value
        return response

    def _cacheable(
        self, request: HttpRequest, response: HttpResponseBase, policy: CachePolicy
    ) -> HttpResponseBase:
        anonymous = "Authorization" not in request.headers
        cache_control_apply(response, policy=policy, anonymous=anonymous)
        if not isinstance(response, HttpResponse) or "no-store" in response.get("Cache-Control", ""):
            return response  # a stream (no body to hash yet), or an answer nobody may keep
        set_response_etag(response)
        return get_conditional_response(request, etag=response["ETag"], response=response) or response
