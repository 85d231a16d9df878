"""Reading households: a member reaches their own households only (anyone else's is not there for them)."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import NotFound
from households.models import Household


def households_of(*, user: User) -> QuerySet[Household]:
    """The households the user belongs to, oldest first, owner loaded."""
    return (
        Household.objects.filter(memberships__user=user).select_related("owner").order_by("created_at", "pk")
    )


def household_for(*, user: User, household_id: int) -> Household:
    """One of the user's households; NotFound when there is none with this id that they belong to."""
    household = households_of(user=user).filter(pk=household_id).first()
    if household is None:
        raise NotFound(_("No group with this id among yours."))
    return household


def members_of(household: Household) -> list[User]:
    """The members, in the order they joined (the owner first)."""
    return [m.user for m in household.memberships.select_related("user").order_by("created_at", "pk")]
