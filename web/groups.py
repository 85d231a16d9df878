"""The households' pages: your groups, one group with its picks for everyone, and the invitation link."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.selectors import authenticated_user
from core.exceptions import ApplicationError, NotFound
from core.pagination import Page
from core.parsing import MAX_ID, whole_number
from discovery.filters import watch_filters_available
from households.cards import group_pick_cards
from households.models import Household
from households.picks import group_picks
from households.selectors import household_for, households_of, members_of
from households.services import (
    household_create,
    household_join,
    household_leave,
    invite_code_renew,
    member_remove,
)
from web.cards import list_page
from web.decorators import member_page
from web.forms import PAGE_SIZE, media_type_of, on_my_services_of


@member_page
def groups(request: HttpRequest) -> HttpResponse:
    """Your groups; a form to make one and one to join with a code."""
    user = authenticated_user(request)
    error, status = "", 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "join":
                household = household_join(user=user, code=request.POST.get("code", ""))
            else:
                household = household_create(owner=user, name=request.POST.get("name", ""))
        except ApplicationError as exc:  # NotFound included: an unknown code
            error, status = exc.message, 404 if isinstance(exc, NotFound) else 400
        else:
            return redirect("web:group", household.pk)
    found = list(households_of(user=user))
    context = {"households": [(h, members_of(h)) for h in found], "error": error}
    return render(request, "web/groups.html", context, status=status)


@member_page
def group_invitation(request: HttpRequest, code: str) -> HttpResponse:
    """The invitation link: the group's name and a button to accept (a GET never joins anyone)."""
    household = Household.objects.filter(invite_code=code).first()
    if household is None:
        raise Http404(_("No group has this invitation code: ask for a new link."))
    user = authenticated_user(request)
    if request.method == "POST":
        household_join(user=user, code=code)
        return redirect("web:group", household.pk)
    if household.memberships.filter(user=user).exists():
        return redirect("web:group", household.pk)
    context = {"household": household, "members": members_of(household)}
    return render(request, "web/group_invitation.html", context)


def _household(request: HttpRequest, household_id: int) -> Household:
    try:
        return household_for(user=authenticated_user(request), household_id=household_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@member_page
def group(request: HttpRequest, household_id: int) -> HttpResponse:
    """One group: its members, its invitation, and the picks none of them has seen."""
    user = authenticated_user(request)
    household = _household(request, household_id)
    if request.method == "POST":
        return _group_action(request, household)
    members = members_of(household)
    media_type = media_type_of(request.GET)
    on_services, services_problem = on_my_services_of(request.GET, user)  # the viewer's own services
    found = group_picks(
        members=members,
        media_type=media_type,
        page=list_page(request.GET),
        page_size=PAGE_SIZE,
        filters=on_services,
    )
    invitation = request.build_absolute_uri(reverse("web:group_invitation", args=[household.invite_code]))
    context = {
        "household": household,
        "members": members,
        "is_owner": household.owner_id == user.pk,
        "invitation": invitation,
        "media_type": media_type,
        "cold_start": found.cold_start,
        "services_filter": watch_filters_available(),  # "On my services": only with TMDB's data
        "on_services": on_services is not None,
        "services_problem": services_problem,
        "page": Page(items=found.titles, page=found.page, page_size=found.page_size, has_more=found.has_more),
        "cards": group_pick_cards(found, members=members, language=request.LANGUAGE_CODE, user=request.user),
    }
    return render(request, "web/group.html", context)


def _group_action(request: HttpRequest, household: Household) -> HttpResponse:
    user = authenticated_user(request)
    action = request.POST.get("action")
    try:
        if action == "leave":
            household_leave(user=user, household=household)
            messages.success(request, _("You left %(name)s.") % {"name": household.name})
            return redirect("web:groups")
        if action == "remove":
            member_id = whole_number(request.POST.get("member", ""), max_value=MAX_ID)
            if member_id is None:
                raise ApplicationError(_("Choose a member to remove."))
            member_remove(by=user, household=household, member_id=member_id)
        elif action == "renew":
            invite_code_renew(by=user, household=household)
            messages.success(request, _("A new invitation link: the old one no longer works."))
        else:
            raise ApplicationError(_("Unknown action."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("web:group", household.pk)
