from accounts.models import User


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
