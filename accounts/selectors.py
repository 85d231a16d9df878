from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from rest_framework.request import Request

from accounts.models import User


def authenticated_user(request: HttpRequest | Request) -> User:
    """The signed-in caller of a route that requires one (its permission or `login_required` ran first):
    `request.user` narrowed from "a user or anonymous" for the services, which take a `User`."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied  # unreachable behind those guards; 403 rather than a crash further on
    return user


def user_for_identifier(*, identifier: str) -> User | None:
    """The account that an email address or a username names, compared without case as the database does it.

    The one lookup of the login backend and of the login failure counter: whatever spelling logs into an
    account (on PostgreSQL, also a long s or a dotless i in place of "s" or "i") is counted against it.
    """
    identifier = identifier.strip()
    if not identifier:
        return None
    user = User.objects.filter(email__iexact=identifier).first() if "@" in identifier else None
    return user or User.objects.filter(username__iexact=identifier).first()
