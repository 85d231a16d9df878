"""How page views declare who may see them and which language they speak."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.cache import cache_control
from django_htmx.http import HttpResponseClientRedirect

from core.api.throttling import anonymous_wait_seconds
from core.middleware import prefers_saved_language
from web.http import HtmxHttpRequest

PageView = Callable[..., HttpResponseBase]


def page(view: PageView) -> PageView:
    """A page anyone may see, in the visitor's saved language."""
    return prefers_saved_language(view)


def member_page(view: PageView) -> PageView:
    """A page for logged-in people: others go to the login page and come back afterwards.

    An htmx request is sent there as a whole-page redirect, not a login form swapped into a card. The
    `login_required` attribute (the one Django's LoginRequiredMiddleware reads) lets the URLconf be
    walked for such pages (tests/core/test_isolation.py).
    """

    @wraps(view)
    def wrapper(request: HtmxHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        back = request.get_full_path() if request.method == "GET" else safe_next(request, _page_url(request))
        if request.htmx:
            return HttpResponseClientRedirect(redirect_to_login(back or "/").url)
        return redirect_to_login(back or "/")

    wrapper.login_required = True  # type: ignore[attr-defined]
    return prefers_saved_language(private(wrapper))


def private(view: PageView) -> PageView:
    """A page no cache may keep (`Cache-Control: private, no-store`): someone's data, or a form with their
    CSRF token. Every member page is one; so are the account pages."""
    return cache_control(private=True, no_store=True)(view)


def anonymous_throttled(view: PageView) -> PageView:
    """A form whose POSTs take from the API's anonymous budget (`THROTTLE_ANON_RATE` per client address,
    the same counter): each sign-up or log-in hashes a password. Past it, a 429 page with `Retry-After`."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method != "POST" or not (wait := anonymous_wait_seconds(request)):
            return view(request, *args, **kwargs)
        message = ngettext(
            "Too many requests. Try again in %(wait)d second.",
            "Too many requests. Try again in %(wait)d seconds.",
            wait,
        ) % {"wait": wait}
        response = render(request, "web/throttled.html", {"message": message}, status=429)
        response["Retry-After"] = str(wait)
        return response

    return wrapper


def _page_url(request: HttpRequest) -> str:
    """The page a form was sent from: its `next` field, or the page htmx says it is on."""
    return request.POST.get("next") or request.headers.get("HX-Current-URL", "")


def safe_next(request: HttpRequest, url: str | None, default: str = "") -> str:
    """`url` when it points back into this site, else `default` (never an open redirect)."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return default
