"""The Alerts page (saved searches, the weekly digest's items, the e-mail switch), Discover's "Save this
search", and the e-mail's one-click unsubscribe, which needs no login."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.selectors import authenticated_user
from alerts.chat import saved_search_from_chat
from alerts.models import MAX_NAME_CHARS
from alerts.selectors import alert_items_of, digest_subscribed, saved_searches_of, service_arrivals_of
from alerts.services import (
    SavedSearchError,
    digest_subscribe,
    saved_search_create,
    saved_search_delete,
    user_of_unsubscribe_token,
)
from catalog.ingest.clients import tmdb_is_configured
from core.parsing import MAX_ID, whole_number
from web.decorators import member_page, private
from web.forms import DiscoverForm

ITEMS_SHOWN = 100


class SaveSearchForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=MAX_NAME_CHARS)


def _filter_data(form: DiscoverForm) -> dict[str, Any]:
    """The Discover form's filters in the API's shape (what a saved search keeps)."""
    cleaned = form.cleaned_data
    data = {
        name: value
        for name, value in cleaned.items()
        if name not in ("media", "languages", "page") and value not in (None, "", [], False)
    }
    if cleaned.get("languages"):
        data["languages"] = [cleaned["languages"]]
    return data


def _search_link(search: Any) -> str:
    """The Discover page with a saved search's filters filled in."""
    params: list[tuple[str, Any]] = [("media", search.media_type)]
    for name, value in search.filters.items():
        if name == "languages":
            params += [("languages", v) for v in value[:1]]
        elif isinstance(value, list):
            params += [(name, v) for v in value]
        else:
            params.append((name, "on" if value is True else value))
    return reverse("web:discover") + "?" + urlencode(params)


@member_page
@require_http_methods(["GET", "POST"])
def alerts(request: HttpRequest) -> HttpResponse:
    """The page. A POST removes a saved search (`remove`: its id) or switches the e-mail (`email`: on/off)."""
    user = authenticated_user(request)
    if request.method == "POST":
        if request.POST.get("remove", "").isdigit():
            if saved_search_delete(user=user, search_id=int(request.POST["remove"])):
                messages.success(request, _("Saved search removed."))
        elif request.POST.get("email") in ("on", "off"):
            digest_subscribe(user=user, subscribed=request.POST["email"] == "on")
            messages.success(
                request,
                _("You will get the weekly e-mail.")
                if request.POST["email"] == "on"
                else _("No more weekly e-mails. Your alerts stay listed here."),
            )
        return redirect("web:alerts")
    searches = [{"search": s, "url": _search_link(s)} for s in saved_searches_of(user=user)]
    context = {
        "searches": searches,
        "items": alert_items_of(user=user)[:ITEMS_SHOWN],
        "arrivals": service_arrivals_of(user=user)[:ITEMS_SHOWN],
        # why no arrival can come: no TMDB key on this site, or no country and services saved
        "arrivals_off": (
            "no_key"
            if not tmdb_is_configured()
            else ("no_services" if not (user.watch_country and user.watch_services) else "")
        ),
        "subscribed": digest_subscribed(user=user),
    }
    return render(request, "web/alerts.html", context)


@member_page
@require_http_methods(["POST"])
def alerts_save(request: HttpRequest) -> HttpResponse:
    """Discover's "Save this search": the page's filters (as its query string sends them) and a name."""
    user = authenticated_user(request)
    discover = DiscoverForm(request.POST, language=request.LANGUAGE_CODE, viewer=user)
    name_form = SaveSearchForm(request.POST)
    back = reverse("web:discover") + "?" + request.POST.get("query", "")
    if not discover.is_valid() or discover.filters is None or not name_form.is_valid():
        messages.error(request, _("This search could not be saved: give it a name, and fix the filters."))
        return redirect(back)
    return _saved(
        request,
        lambda: saved_search_create(
            user=user,
            name=name_form.cleaned_data["name"].strip(),
            media_type=discover.media_type,
            filters=_filter_data(discover),
        ),
        back=back,
    )


def _saved(request: HttpRequest, save: Callable[[], object], *, back: str) -> HttpResponse:
    """Saves a search (Discover's or the chat's) and goes back to its page, saying how it went."""
    try:
        save()
    except SavedSearchError as exc:
        messages.error(request, exc.message)
    except ValidationError:
        messages.error(request, _("This search could not be saved: give it a name, and fix the filters."))
    else:
        messages.success(request, _("Search saved: its new titles will be in your weekly alerts."))
    return redirect(back)


@csrf_exempt  # the signed token is the credential; RFC 8058 mail clients POST without a CSRF token
@private
@require_http_methods(["GET", "POST"])
def alerts_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (a link scanner following it changes nothing); POST stops the weekly e-mail, also the
    one-click POST (`List-Unsubscribe=One-Click`) a mail client sends."""
    user = user_of_unsubscribe_token(token)
    if user is None:
        return render(request, "web/alerts_unsubscribe.html", {"invalid": True}, status=404)
    if request.method == "POST":
        digest_subscribe(user=user, subscribed=False)
        return render(request, "web/alerts_unsubscribe.html", {"done": True, "email": user.email})
    return render(request, "web/alerts_unsubscribe.html", {"email": user.email})


@member_page
@require_http_methods(["POST"])
def alerts_save_chat(request: HttpRequest) -> HttpResponse:
    """The assistant's "Save this search": the conversation's current request (`session`) and a name."""
    session_id = whole_number(request.POST.get("session", ""), max_value=MAX_ID)
    name_form = SaveSearchForm(request.POST)
    back = reverse("web:assistant") + (f"?session={session_id}" if session_id else "")
    if session_id is None or not name_form.is_valid():
        messages.error(request, _("This search could not be saved: give it a name."))
        return redirect(back)
    return _saved(
        request,
        lambda: saved_search_from_chat(
            user=authenticated_user(request),
            session_id=session_id,
            name=name_form.cleaned_data["name"].strip(),
        ),
        back=back,
    )
