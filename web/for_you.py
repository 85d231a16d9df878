"""The For you page: the user's picks, their "familiar ↔ adventurous" setting, and "Not for me" on a pick
(with the hide rule it may call for, offered once on the page it comes back to)."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import authenticated_user
from catalog.localized import localized_title
from catalog.selectors import title_find
from core.exceptions import ApplicationError
from core.pagination import Page
from discovery.filters import watch_filters_available
from library.models import HideRule
from library.selectors import hide_rule_label
from library.services import hide_rule_create
from recommendations.cards import recommendation_cards
from recommendations.models import Adventurousness, NotForMeReason
from recommendations.selectors import adventurousness_of, recommendations_page
from recommendations.services import not_for_me, recommender_settings_update
from web.cards import list_page
from web.decorators import member_page, safe_next
from web.forms import PAGE_SIZE, media_type_of, on_my_services_of
from web.views import not_found

OFFERS_KEY = "for_you_offers"  # the session's rules offered after a "Not for me", shown once


class DialForm(forms.Form):
    adventurousness = forms.TypedChoiceField(choices=Adventurousness.choices, coerce=int)


class NotForMeForm(forms.Form):
    reason = forms.ChoiceField(choices=NotForMeReason.choices)


class HideRuleOfferForm(forms.Form):
    kind = forms.ChoiceField(choices=[(HideRule.Kind.GENRE, ""), (HideRule.Kind.PERSON, "")])
    value = forms.CharField(max_length=200)


@member_page
def for_you(request: HttpRequest) -> HttpResponse:
    user = authenticated_user(request)
    media_type = media_type_of(request.GET)
    adventurousness = adventurousness_of(user)
    on_services, services_problem = on_my_services_of(request.GET, user)
    found = recommendations_page(
        user=user,
        media_type=media_type,
        page=list_page(request.GET),
        page_size=PAGE_SIZE,
        adventurousness=adventurousness,
        on_services=on_services,
    )
    context = {
        "media_type": media_type,
        "cold_start": found.cold_start,
        "page": Page(items=found.titles, page=found.page, page_size=found.page_size, has_more=found.has_more),
        "cards": recommendation_cards(found, language=request.LANGUAGE_CODE, user=request.user),
        "dial": Adventurousness.choices,
        "adventurousness": adventurousness,
        "not_for_me_reasons": NotForMeReason.choices,
        "offers": request.session.pop(OFFERS_KEY, []),
        "services_filter": watch_filters_available(),  # "On my services": only with TMDB's data
        "on_services": on_services is not None,
        "services_problem": services_problem,
    }
    return render(request, "web/for_you.html", context)


def _back(request: HttpRequest) -> str:
    return safe_next(request, request.POST.get("next"), reverse("web:for_you"))


@member_page
@require_POST
def for_you_dial(request: HttpRequest) -> HttpResponse:
    """The user's familiar-or-adventurous setting, changed; back to their picks."""
    form = DialForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the five settings, from familiar to adventurous."))
    else:
        recommender_settings_update(
            user=authenticated_user(request), adventurousness=form.cleaned_data["adventurousness"]
        )
        label = Adventurousness(form.cleaned_data["adventurousness"]).label
        messages.success(request, _("Your picks are now: %(setting)s.") % {"setting": label})
    return redirect(_back(request))


@member_page
@require_POST
def for_you_not_for_me(request: HttpRequest, title_id: int) -> HttpResponse:
    """A pick turned down with its reason; back to the picks, with the hide rules it may call for."""
    title = title_find(title_id=title_id)
    if title is None:
        return not_found(request)
    form = NotForMeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why this pick is not for you."))
        return redirect(_back(request))
    done = not_for_me(
        user=authenticated_user(request),
        title=title,
        reason=form.cleaned_data["reason"],
        language=request.LANGUAGE_CODE,
    )
    name = localized_title(title, request.LANGUAGE_CODE)
    said = {
        NotForMeReason.SEEN_ELSEWHERE: _("“%(title)s” is marked seen."),
        NotForMeReason.NOT_NOW: _("“%(title)s” is in your watch-later list."),
    }.get(
        NotForMeReason(done.reason),
        _("“%(title)s” will not be suggested again, nor count for similar titles."),
    )
    messages.success(request, said % {"title": name})
    request.session[OFFERS_KEY] = [{"kind": o.kind, "value": o.value, "label": o.label} for o in done.offers]
    return redirect(_back(request))


@member_page
@require_POST
def for_you_hide(request: HttpRequest) -> HttpResponse:
    """A hide rule offered after a "Not for me", created."""
    form = HideRuleOfferForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a genre or a person to hide."))
        return redirect(_back(request))
    try:
        rule, _created = hide_rule_create(
            user=authenticated_user(request), kind=form.cleaned_data["kind"], value=form.cleaned_data["value"]
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        label = hide_rule_label(rule, request.LANGUAGE_CODE)
        messages.success(request, _("Hidden from now on: %(what)s.") % {"what": label})
    return redirect(_back(request))
