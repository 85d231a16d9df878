"""The Services page: a member's country, the streaming services they have there and which offers count,
what "On my services" filters by (Discover, the title pages' offers)."""

from typing import Any

import pycountry
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.models import WatchKind
from accounts.selectors import authenticated_user
from accounts.services import user_watch_update
from catalog.offers import Service, services_in
from core.exceptions import ProviderError
from core.names import country_name
from discovery.filters import watch_filters_available
from web.decorators import member_page
from web.forms import PageForm

OPTIONAL_KINDS = (WatchKind.FREE, WatchKind.ADS)  # a subscription always counts


class WatchForm(PageForm):
    country = forms.ChoiceField(label=gettext_lazy("Country"), required=False)
    services = forms.MultipleChoiceField(
        label=gettext_lazy("Your services"), required=False, widget=forms.CheckboxSelectMultiple
    )
    kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Also count"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(kind.value, kind.label) for kind in OPTIONAL_KINDS],
        help_text=gettext_lazy("A subscription always counts."),
    )

    def __init__(self, *args: Any, language: str, services: list[Service], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        countries = sorted(
            ((c.alpha_2, country_name(c.alpha_2, language)) for c in pycountry.countries),
            key=lambda pair: pair[1],
        )
        self.fields["country"].choices = [("", _("None")), *countries]  # type: ignore[attr-defined]
        self.fields["services"].choices = [(s.brand, s.name) for s in services]  # type: ignore[attr-defined]


def _services(country: str, language: str) -> tuple[list[Service], str]:
    """The country's services, and a message when TMDB cannot say now."""
    if not country:
        return [], ""
    try:
        return services_in(country, language="fr-FR" if language == "fr" else "en-US"), ""
    except ProviderError:
        return [], _("TMDB cannot list the services right now. Try again later.")


@member_page
@require_http_methods(["GET", "POST"])
def services(request: HttpRequest) -> HttpResponse:
    """The page; a POST saves (a changed country lists its services, to be picked next)."""
    user = authenticated_user(request)
    language = request.LANGUAGE_CODE
    if not watch_filters_available():
        return render(request, "web/services.html", {"available": False})
    country = user.watch_country
    if request.method == "POST":
        country = request.POST.get("country", "")[:2]
    listed, problem = _services(country, language)
    initial = {"country": user.watch_country, "services": user.watch_services, "kinds": user.watch_kinds}
    data: QueryDict | None = None
    if request.method == "POST":
        data = request.POST.copy()
        if country != user.watch_country:
            data.setlist("services", [])  # another country's services: chosen once its list is shown
    form = WatchForm(data, initial=initial, language=language, services=listed)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data
        changed = chosen["country"] != user.watch_country
        try:
            user_watch_update(
                user=user,
                country=chosen["country"],
                services=[] if changed else chosen["services"],
                kinds=[WatchKind.FLATRATE.value, *chosen["kinds"]],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Country saved: now choose your services.") if changed else _("Your services are saved."),
            )
            return redirect("web:services")
    context = {"available": True, "form": form, "country": country, "problem": problem, "listed": listed}
    return render(request, "web/services.html", context)
