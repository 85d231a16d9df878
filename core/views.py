"""JSON answers for URLs that match no route, so API clients never parse an HTML error page."""

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _


def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse({"detail": _("Not found.")}, status=404)


def server_error(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"detail": _("Server error.")}, status=500)
