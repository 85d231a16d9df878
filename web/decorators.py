"""How page views declare who may see them and which language they speak."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect

from core.middleware import prefers_saved_language

PageView = Callable[..., HttpResponse]


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
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        back = request.get_full_path() if request.method == "GET" else safe_next(request, _page_url(request))
        if request.htmx:
            return HttpResponseClientRedirect(redirect_to_login(back or "/").url)
        return redirect_to_login(back or "/")

    wrapper.login_required = True  # type: ignore[attr-defined]
    return prefers_saved_language(wrapper)


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
