"""Writing households: create one, join it with its code, leave it, remove a member, draw a new code."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import ApplicationError, NotFound
from households.models import Household, Membership, invite_code_new

MAX_MEMBERS = 12  # a household, not a crowd: the picks must please every one of them
MAX_HOUSEHOLDS = 20  # per user


class NotOwner(ApplicationError):
    """Only the owner may do this: answered with 403."""


def _name_clean(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ApplicationError(_("Give the group a name."), field="name")
    return cleaned


@transaction.atomic
def household_create(*, owner: User, name: str) -> Household:
    """A new household with its owner as its first member."""
    if Membership.objects.filter(user=owner).count() >= MAX_HOUSEHOLDS:
        raise ApplicationError(
            _("You belong to %(count)s groups already: leave one first.") % {"count": MAX_HOUSEHOLDS}
        )
    household = Household.objects.create(owner=owner, name=_name_clean(name))
    Membership.objects.create(household=household, user=owner)
    return household


@transaction.atomic
def household_join(*, user: User, code: str) -> Household:
    """The user accepts an invitation: joining twice changes nothing."""
    household = Household.objects.select_for_update().filter(invite_code=code.strip()).first()
    if household is None:
        raise NotFound(_("No group has this invitation code: ask for a new link."))
    if household.memberships.filter(user=user).exists():
        return household
    if household.memberships.count() >= MAX_MEMBERS:
        raise ApplicationError(
            _("This group is full (%(count)s members).") % {"count": MAX_MEMBERS}, field="code"
        )
    if Membership.objects.filter(user=user).count() >= MAX_HOUSEHOLDS:
        raise ApplicationError(
            _("You belong to %(count)s groups already: leave one first.") % {"count": MAX_HOUSEHOLDS},
            field="code",
        )
    try:
        with transaction.atomic():
            Membership.objects.create(household=household, user=user)
    except IntegrityError:  # joined at the same moment from another request
        pass
    return household


@transaction.atomic
def household_leave(*, user: User, household: Household) -> None:
    """The user leaves. An owner who leaves hands the group to the member who joined next; the last one to
    leave ends it."""
    household.memberships.filter(user=user).delete()
    if household.owner_id != user.pk:
        return
    successor = household.memberships.order_by("created_at", "pk").first()
    if successor is None:
        household.delete()
        return
    household.owner_id = successor.user_id
    household.save(update_fields=["owner", "updated_at"])


def member_remove(*, by: User, household: Household, member_id: int) -> None:
    """The owner removes a member (themselves: they leave)."""
    if household.owner_id != by.pk:
        raise NotOwner(_("Only the group's owner can remove members."))
    membership = household.memberships.filter(user_id=member_id).first()
    if membership is None:
        raise NotFound(_("No member with this id in the group."))
    if member_id == by.pk:
        household_leave(user=by, household=household)
        return
    membership.delete()


def invite_code_renew(*, by: User, household: Household) -> Household:
    """A new invitation code: links with the old one stop working."""
    if household.owner_id != by.pk:
        raise NotOwner(_("Only the group's owner can change the invitation."))
    household.invite_code = invite_code_new()
    household.save(update_fields=["invite_code", "updated_at"])
    return household
