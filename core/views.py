"""Error answers for what escapes the views: problems on the API (core.api.problems), so API clients never
parse an HTML error page, and HTML on the pages, so people never read JSON.

Django calls these for errors raised outside a view or not handled by it (handler400/403/404/500 in the
URLconf): an unknown URL, a body too large or with too many fields, an unexpected exception. Inside an API
view, DRF's exception handler (core.api.exceptions) answers first.
"""

import json

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

from core.api.problems import PROBLEM_MEDIA_TYPE, ProblemCode, problem

HTML_NAMESPACES = {"web", "admin"}  # the pages and the admin
HTML_ROUTES = {"api-docs"}  # the Swagger UI


def wants_html(request: HttpRequest) -> bool:
    """Whether the request is for a page: a page's or the admin's route, or, on a path that matches no route,
    a client asking for HTML (a browser does; API clients ask for JSON or anything)."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return "text/html" in request.headers.get("Accept", "")
    except Exception:  # a URLconf that fails to load: this may be the 500 it causes
        return False
    return match.namespace in HTML_NAMESPACES or match.url_name in HTML_ROUTES


def problem_response(*, status: int, message: str, code: ProblemCode | None = None) -> HttpResponse:
    """A problem answer built without DRF (no view, no content negotiation: this may be the 500)."""
    body = json.dumps(problem(status=status, detail=message, code=code), ensure_ascii=False)
    return HttpResponse(body, status=status, content_type=PROBLEM_MEDIA_TYPE)


def error_response(
    request: HttpRequest, *, status: int, title: str, message: str, code: ProblemCode | None = None
) -> HttpResponse:
    """A problem on the API (`code` by default the status's), an error page on the site."""
    if not wants_html(request):
        return problem_response(status=status, message=message, code=code)
    return render(request, "error.html", {"title": title, "message": message}, status=status)


@requires_csrf_token  # the page's language switcher needs a token even when CsrfViewMiddleware did not run
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        return error_response(
            request, status=413, title=_("Too large"), message=_("The request is too large.")
        )
    if isinstance(exception, TooManyFieldsSent):
        message = _("The request has too many fields.")
    elif isinstance(exception, TooManyFilesSent):
        message = _("The request has too many files.")
    else:
        message = _("Malformed request.")  # DRF's words (and translations) for the same thing
    return error_response(
        request, status=400, title=_("Bad request"), message=message, code=ProblemCode.PARSE_ERROR
    )


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = _("You do not have permission to perform this action.")  # DRF's, as on the API
    return error_response(request, status=403, title=_("Forbidden"), message=message)


@requires_csrf_token
def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if not wants_html(request):
        return problem_response(status=404, message=_("Not found."))
    message = _("There is nothing here, or it is not yours to see.")
    return render(request, "error.html", {"title": _("Not found"), "message": message}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """A standalone page (no request context: whatever failed may fail again while rendering one)."""
    if not wants_html(request):
        return problem_response(status=500, message=_("Server error."))
    return HttpResponse(loader.get_template("500.html").render(), status=500)
