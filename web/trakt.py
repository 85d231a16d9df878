"""The Trakt section of the Integrations page: connect (Trakt's device flow), check, disconnect."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import authenticated_user
from core.exceptions import ApplicationError, ProviderUnavailable
from integrations.trakt import trakt_connect, trakt_disconnect
from web.decorators import member_page


@member_page
@require_POST
def trakt_connect_page(request: HttpRequest) -> HttpResponse:
    """Start the device flow; the page then shows the code to enter at Trakt."""
    try:
        trakt_connect(user=authenticated_user(request), push=request.POST.get("push") == "on")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    except ProviderUnavailable:
        messages.error(request, _("Trakt did not answer. Please try again shortly."))
    return redirect("web:integrations")


@member_page
@require_POST
def trakt_disconnect_page(request: HttpRequest) -> HttpResponse:
    if trakt_disconnect(user=authenticated_user(request)):
        messages.success(request, _("Trakt is disconnected: we no longer read or write your Trakt account."))
    return redirect("web:integrations")
