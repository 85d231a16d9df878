"""Accounts: creating and changing users, issuing and revoking tokens, slowing down password guessing."""

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from rest_framework_simplejwt.exceptions import TokenBackendError, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.state import token_backend
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import Language, User
from accounts.selectors import user_for_identifier
from accounts.validators import validate_watch_country, validate_watch_kinds, validate_watch_services
from core.counters import (
    window_count_clear,
    window_count_decrement,
    window_count_increment,
    window_count_read,
)


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str
    expires_in: int  # seconds the access token is valid for


class InvalidRefreshToken(Exception):
    """A refresh token that is malformed, expired, revoked (already rotated or logged out), of the wrong
    type, or whose account is gone or disabled."""


def user_create(
    *, email: str, password: str, username: str | None = None, language: str = Language.ENGLISH
) -> User:
    """Create an account; every rule broken is reported against its field."""
    email = email.strip().lower()
    # NFKC as Django's create_user does: look-alikes in fullwidth letters are the same name.
    username = User.normalize_username((username or "").strip()) or _username_from_email(email)
    errors: dict[str, list[str]] = {}
    if User.objects.filter(email__iexact=email).exists():
        errors["email"] = [_("An account with this email address already exists.")]
    if User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("This username is already taken.")]
    user = User(email=email, username=username, language=language)
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # a concurrent signup took the email or username between check and insert
        raise ValidationError({"email": [_("An account with this email address already exists.")]}) from exc
    return user


def user_update(*, user: User, username: str | None = None, language: str | None = None) -> User:
    """Change the fields a user may change about themselves."""
    if username is not None:
        username = User.normalize_username(username.strip())
        if User.objects.filter(username__iexact=username).exclude(pk=user.pk).exists():
            raise ValidationError({"username": [_("This username is already taken.")]})
        user.username = username
    if language is not None:
        user.language = language
    try:
        with transaction.atomic():
            user.save(update_fields=["username", "language"])
    except IntegrityError as exc:
        raise ValidationError({"username": [_("This username is already taken.")]}) from exc
    return user


def user_watch_update(
    *,
    user: User,
    country: str | None = None,
    services: list[str] | None = None,
    kinds: list[str] | None = None,
) -> User:
    """Save where a user watches; what is left out stays. Checks each value (ValidationError naming it)."""
    errors: dict[str, list[str]] = {}
    try:
        if country is not None:
            user.watch_country = validate_watch_country(country)
    except ValidationError as exc:
        errors["watch_country"] = exc.messages
    try:
        if services is not None:
            user.watch_services = validate_watch_services(services)
    except ValidationError as exc:
        errors["watch_services"] = exc.messages
    try:
        if kinds is not None:
            user.watch_kinds = validate_watch_kinds(kinds)
    except ValidationError as exc:
        errors["watch_kinds"] = exc.messages
    if errors:
        raise ValidationError(errors)
    user.save(update_fields=["watch_country", "watch_services", "watch_kinds"])
    return user


def _username_from_email(email: str) -> str:
    """A free username derived from the email's local part: "ann.lee@x.org" → "ann.lee", then "ann.lee2"…"""
    base = re.sub(r"[^\w.@+-]", "", email.split("@", 1)[0])[:140] or "user"
    candidate, suffix = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        suffix += 1
        candidate = f"{base}{suffix}"
    return candidate


def tokens_issue(*, user: User) -> TokenPair:
    refresh = RefreshToken.for_user(user)
    return _pair(refresh)


def tokens_refresh(*, refresh_token: str) -> TokenPair:
    """A new token pair for a valid refresh token, which is revoked: each refresh token works once.

    Revoking is the claim: of two requests racing with the same token only the one that blacklists it first
    gets a pair (the blacklist holds one row per token), so a stolen token replayed alongside its owner's
    refresh cannot mint a second line of tokens.
    """
    try:
        # Signature, expiry, type ("refresh") and the blacklist; simplejwt annotates the JWT as its Token.
        refresh = RefreshToken(refresh_token)  # type: ignore[arg-type]
    except TokenError as exc:
        raise InvalidRefreshToken from exc
    user = User.objects.filter(
        **{api_settings.USER_ID_FIELD: refresh.payload.get(api_settings.USER_ID_CLAIM)}
    ).first()
    if user is None or not api_settings.USER_AUTHENTICATION_RULE(user):
        raise InvalidRefreshToken
    with transaction.atomic():
        # get_or_create's (row, created): simplejwt annotates the row alone.
        revoking: tuple[object, bool] = refresh.blacklist()  # type: ignore[assignment]
    if not revoking[1]:  # another request revoked it first
        raise InvalidRefreshToken
    return tokens_issue(user=user)


def _pair(refresh: RefreshToken) -> TokenPair:
    lifetime: timedelta = api_settings.ACCESS_TOKEN_LIFETIME
    return TokenPair(
        access=str(refresh.access_token), refresh=str(refresh), expires_in=int(lifetime.total_seconds())
    )


class LoginThrottled(Exception):
    def __init__(self, wait_seconds: int) -> None:
        super().__init__(wait_seconds)
        self.wait_seconds = wait_seconds


class InvalidCredentials(Exception):
    pass


def user_login(*, request: HttpRequest, identifier: str, password: str, client_address: str) -> User:
    """Check credentials, counting failures per account and per client address.

    An account (or a name no account has) with `LOGIN_FAILURE_LIMIT` failures in the window is refused,
    even with its right password. An address with four times as many failures is refused only for the
    accounts that already have failures: its guessing slows down to one try per account, while somebody
    else behind the same address (an office, a mobile network) still logs in with the right password.
    The counters are in the shared cache (Redis when configured), so every web process sees them.
    """
    seconds, limit = settings.LOGIN_FAILURE_WINDOW_SECONDS, settings.LOGIN_FAILURE_LIMIT
    account_key = _login_account_key(identifier)
    address_key = f"login-failures:address:{_digest(client_address)}"
    # This attempt counts as a failure from the start: parallel guesses cannot all slip under the limit.
    attempt = window_count_increment(key=account_key, seconds=seconds)
    earlier = attempt.count - 1
    if earlier >= limit or (earlier and window_count_read(key=address_key, seconds=seconds) >= limit * 4):
        window_count_decrement(key=account_key, seconds=seconds)  # refused, not a failure
        raise LoginThrottled(attempt.wait_seconds())
    user = authenticate(request, username=identifier, password=password)
    if user is None:
        window_count_increment(key=address_key, seconds=seconds)
        raise InvalidCredentials
    window_count_clear(key=account_key, seconds=seconds)
    return user


def _login_account_key(identifier: str) -> str:
    """One failure counter per account, whichever of its names is typed (email, username, a case variant
    the database folds); a name no account has is counted under its NFKC case-folded form."""
    user = user_for_identifier(identifier=identifier)
    if user is not None:
        return f"login-failures:account:{user.pk}"
    return f"login-failures:name:{_digest(unicodedata.normalize('NFKC', identifier.strip()).casefold())}"


def _digest(text: str) -> str:
    """Any text (a name, a forwarded address) as a short, safe cache key."""
    return hashlib.sha256(text.encode()).hexdigest()


def refresh_token_revoke(*, user: User, token: str) -> None:
    """Blacklist a refresh token of this user; revoking an already revoked token is not an error."""
    try:
        # simplejwt annotates the encoded token as its Token class; both take the JWT string.
        payload = token_backend.decode(token, verify=True)  # type: ignore[arg-type]  # signature and expiry
        refresh = RefreshToken(token, verify=False)  # type: ignore[arg-type]  # verified above, blacklist aside
        refresh.verify_token_type()
    except (TokenBackendError, TokenError) as exc:
        raise ValidationError({"refresh_token": [_("Token is invalid or expired.")]}) from exc
    if str(payload.get(api_settings.USER_ID_CLAIM)) != str(user.pk):
        raise ValidationError({"refresh_token": [_("This token does not belong to you.")]})
    refresh.blacklist()  # get_or_create: idempotent
