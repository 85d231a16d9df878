"""Per-request language: `?lang=` overrides `Accept-Language`; English when neither names one we speak.

Web pages (views marked with `prefers_saved_language`) also know who is logged in: there a user's saved
language, then the language cookie set by the pages' switcher, wins over the browser's `Accept-Language`.
The API keeps the header rule: `?lang=`, then `Accept-Language`, never a saved preference or cookie.

Request bodies: a body whose declared size is over its route's limit is refused with a 413 before it is read.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header

from core.limits import MULTIPART_ENVELOPE_BYTES, upload_max_bytes, upload_max_mb
from core.views import error_response

SUPPORTED = {code for code, _name in settings.LANGUAGES}

View = TypeVar("View", bound=Callable[..., HttpResponseBase])  # a function view or a class view's as_view()


def _supported(code: str) -> str | None:
    primary = code.strip().lower().replace("_", "-").split("-")[0]
    return primary if primary in SUPPORTED else None


def language_from_request(request: HttpRequest, *, saved_first: bool = False) -> str:
    """The language this request asks for, among the ones we support.

    With `saved_first` (pages), a logged-in user's saved language and then the language cookie come
    right after an explicit `?lang=`.
    """
    explicit = _supported(request.GET.get("lang", ""))
    if explicit:
        return explicit
    if saved_first:
        user = getattr(request, "user", None)
        saved = user.language if user is not None and user.is_authenticated else ""
        for code in (saved, request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")):
            if found := _supported(code or ""):
                return found
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        if code != "*" and (found := _supported(code)):
            return found
    return settings.LANGUAGE_CODE


def prefers_saved_language(view: View) -> View:
    """Mark a page view: its language follows the user's saved choice before the browser's header."""
    view.prefers_saved_language = True  # type: ignore[attr-defined]
    return view


class RequestLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = language_from_request(request)
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        patch_vary_headers(response, ("Accept-Language",))
        return response

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: tuple, kwargs: dict[str, Any]
    ) -> None:
        """By now the session has said who is logged in (authentication runs after this middleware's call)."""
        if getattr(view, "prefers_saved_language", False):
            language = language_from_request(request, saved_first=True)
            translation.activate(language)  # undone by the override around the whole request
            request.LANGUAGE_CODE = language


def accepts_upload(view: View) -> View:
    """Mark a view that takes a history file: its body may be as large as `IMPORT_MAX_UPLOAD_MB`."""
    view.accepts_upload = True  # type: ignore[attr-defined]
    return view


def declared_body_size(request: HttpRequest) -> int:
    """The body's size as `Content-Length` declares it; 0 when absent or unreadable (as Django reads it)."""
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


class RequestSizeLimitMiddleware:
    """413 to a body declared larger than its route takes, before anything reads it.

    Upload routes (marked with `accepts_upload`) take one file of `IMPORT_MAX_UPLOAD_MB`; every other route
    takes `DATA_UPLOAD_MAX_MEMORY_SIZE` (Django's limit on form fields, which neither DRF's JSON parser nor
    its form parser applies: they read whatever is sent). Placed before CsrfViewMiddleware, whose
    `process_view` reads a page's form.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: tuple, kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        size = declared_body_size(request)
        if getattr(view, "accepts_upload", False):
            if size <= upload_max_bytes() + MULTIPART_ENVELOPE_BYTES:
                return None
            message = _("The file is too large (%(size)d MB at most).") % {"size": upload_max_mb()}
        else:
            limit: int | None = settings.DATA_UPLOAD_MAX_MEMORY_SIZE  # None turns Django's check off
            if limit is None or size <= limit:
                return None
            message = _("The request is too large.")
        return error_response(request, status=413, title=_("Too large"), message=message)
