"""The Integrations page: a member's webhook URLs for Plex, Jellyfin and Emby, and what their servers sent."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.selectors import authenticated_user
from core.exceptions import ApplicationError
from integrations.jellyfin import JELLYFIN_ITEM_TYPES, JELLYFIN_NOTIFICATION_TYPES, JELLYFIN_TEMPLATE
from integrations.models import ServerKind
from integrations.selectors import endpoint_of, endpoints_of, events_of
from integrations.services import endpoint_create, endpoint_revoke
from web.decorators import member_page
from web.forms import PageForm

RECENT_EVENTS = 20


class WebhookForm(PageForm):
    kind = forms.ChoiceField(label=gettext_lazy("Server"), choices=ServerKind.choices)
    name = forms.CharField(
        label=gettext_lazy("Name"), max_length=80, help_text=gettext_lazy("e.g. Living room")
    )
    server_user = forms.CharField(
        label=gettext_lazy("Only this server user"),
        max_length=150,
        required=False,
        help_text=gettext_lazy(
            "For a server shared by a household: your user name on the server. Empty: everyone's plays."
        ),
    )


@member_page
@require_http_methods(["GET", "POST"])
def integrations(request: HttpRequest) -> HttpResponse:
    """The page; a POST creates a URL and shows it this once (only its token's hash is kept)."""
    user = authenticated_user(request)
    form = WebhookForm(request.POST or None)
    new_url = ""
    if request.method == "POST" and form.is_valid():
        try:
            new = endpoint_create(user=user, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            new_url = request.build_absolute_uri(reverse("webhook-receive", args=[new.token]))
            form = WebhookForm()
    context = {
        "form": form,
        "new_url": new_url,
        "endpoints": list(endpoints_of(user=user)[:50]),
        "events": list(events_of(user=user).select_related("title", "endpoint")[:RECENT_EVENTS]),
        "jellyfin_template": JELLYFIN_TEMPLATE,
        "jellyfin_notifications": JELLYFIN_NOTIFICATION_TYPES,
        "jellyfin_items": JELLYFIN_ITEM_TYPES,
    }
    status = 400 if form.is_bound and form.errors else 200
    response = render(request, "web/integrations.html", context, status=status)
    response["Cache-Control"] = "no-store"  # the new URL's secret is on it
    return response


@member_page
@require_POST
def integration_revoke(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = endpoint_of(user=authenticated_user(request), endpoint_id=endpoint_id)
    if endpoint is None:
        return render(request, "web/not_found.html", status=404)
    endpoint_revoke(endpoint=endpoint)
    message = _("The webhook “%(name)s” is revoked: its URL no longer works.") % {"name": endpoint.name}
    messages.success(request, message)
    return redirect("web:integrations")
