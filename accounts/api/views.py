from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.serializers import (
    FORM,
    LoginFormInputSerializer,
    LoginInputSerializer,
    LogoutInputSerializer,
    RefreshFormInputSerializer,
    RefreshInputSerializer,
    SignupInputSerializer,
    SignupOutputSerializer,
    TokenOutputSerializer,
    UserOutputSerializer,
    UserUpdateInputSerializer,
)
from accounts.selectors import authenticated_user
from accounts.services import (
    InvalidCredentials,
    InvalidRefreshToken,
    LoginThrottled,
    TokenPair,
    refresh_token_revoke,
    tokens_issue,
    tokens_refresh,
    user_create,
    user_login,
    user_update,
    user_watch_update,
)
from core.api.caching import CachePolicy
from core.api.exceptions import TokenNotValid
from core.api.parsers import OAUTH2_PARSERS
from core.api.schema import errors
from core.api.throttling import client_address
from core.api.views import PublicApi

# RFC 6749 §5.1: an answer holding tokens is never kept by a cache.
TOKEN_HEADERS = {"Cache-Control": "no-store"}


def token_object(tokens: TokenPair) -> dict[str, Any]:
    """The OAuth2 token object (RFC 6749 §5.1)."""
    return {
        "access_token": tokens.access,
        "token_type": "bearer",
        "expires_in": tokens.expires_in,
        "refresh_token": tokens.refresh,
    }


class SignupApi(PublicApi):
    @extend_schema(request=SignupInputSerializer, responses={201: SignupOutputSerializer, **errors(400)})
    def post(self, request: Request) -> Response:
        """Create an account, and log in.

        Anyone may call it; an Authorization header is ignored. Answers 201 with the OAuth2 token object and
        the new account under `user`; `Location` is /users/me. `username` is optional (made from the email
        address when left out) and `language` (`en` or `fr`) is the one the assistant answers in. 400
        (`invalid`) names each wrong field: an email address or username already taken, a password too weak.
        """
        serializer = SignupInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = user_create(**serializer.validated_data)
        return Response(
            {"user": UserOutputSerializer(user).data, **token_object(tokens_issue(user=user))},
            status=status.HTTP_201_CREATED,
            headers={
                "Location": request.build_absolute_uri(reverse("users-me")),  # the new account
                **TOKEN_HEADERS,
            },
        )


class LoginApi(PublicApi):
    """OAuth2's password grant (RFC 6749 §4.3), as a form as OAuth2 clients send it, or as JSON."""

    parser_classes = OAUTH2_PARSERS

    @extend_schema(
        request={"application/json": LoginInputSerializer, FORM: LoginFormInputSerializer},
        responses={200: TokenOutputSerializer, **errors(400, 401, 429)},
    )
    def post(self, request: Request) -> Response:
        """Log in: get an access token and a refresh token.

        OAuth2's password grant: a form (`grant_type=password&username=…&password=…`), as OAuth2 clients send
        it, or the same fields as JSON. `username` may also be the account's email address. Anyone may call
        it; an Authorization header is ignored. The access token is valid for `expires_in` seconds: send it as
        `Authorization: Bearer <access_token>`. 401 (`authentication_failed`) for a wrong username or
        password; after repeated failures 429 (`throttled`), with `Retry-After`.
        """
        serializer = LoginInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            user = user_login(
                request=request._request,
                identifier=serializer.validated_data["username"],
                password=serializer.validated_data["password"],
                client_address=client_address(request),
            )
        except LoginThrottled as exc:
            raise exceptions.Throttled(
                wait=exc.wait_seconds, detail=_("Too many failed login attempts. Try again later.")
            ) from exc
        except InvalidCredentials as exc:
            raise exceptions.AuthenticationFailed(_("Incorrect username/email or password.")) from exc
        return Response(token_object(tokens_issue(user=user)), headers=TOKEN_HEADERS)


class RefreshApi(PublicApi):
    """OAuth2's refresh grant (RFC 6749 §6): a new token object; the refresh token sent is revoked."""

    parser_classes = OAUTH2_PARSERS

    @extend_schema(
        request={"application/json": RefreshInputSerializer, FORM: RefreshFormInputSerializer},
        responses={200: TokenOutputSerializer, **errors(400, 401, 429)},
    )
    def post(self, request: Request) -> Response:
        """Exchange a refresh token for a new token object.

        OAuth2's refresh grant: `{"refresh_token": …}` as JSON, or the form
        `grant_type=refresh_token&refresh_token=…`. Anyone may call it. Refresh tokens rotate: the one sent is
        revoked, so keep the new `refresh_token` for next time. A revoked, expired or invalid refresh token is
        401 (`token_not_valid`): log in again.
        """
        serializer = RefreshInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            tokens = tokens_refresh(refresh_token=serializer.validated_data["refresh_token"])
        except InvalidRefreshToken as exc:
            raise TokenNotValid(_("The refresh token is invalid, expired or revoked.")) from exc
        return Response(token_object(tokens), headers=TOKEN_HEADERS)


class LogoutApi(APIView):
    @extend_schema(request=LogoutInputSerializer, responses={204: None, **errors(400, 401)})
    def post(self, request: Request) -> Response:
        """Log out: revoke a refresh token.

        Needs the access token; the refresh token must be the caller's (400 `invalid` otherwise, or when it is
        not a valid token). Revoking it twice is not an error. The access token itself stays valid until it
        expires: forget it. 204, without a body.
        """
        serializer = LogoutInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        refresh_token_revoke(
            user=authenticated_user(request), token=serializer.validated_data["refresh_token"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class UserMeApi(APIView):
    cache_policy = CachePolicy.NO_STORE  # the account: never kept by a cache, nor by the client

    @extend_schema(responses={200: UserOutputSerializer, **errors(401)})
    def get(self, request: Request) -> Response:
        """Read the caller's account.

        Needs the access token. Never cached (`Cache-Control: no-store`).
        """
        return Response(UserOutputSerializer(request.user).data)

    @extend_schema(
        request=UserUpdateInputSerializer, responses={200: UserOutputSerializer, **errors(400, 401)}
    )
    def patch(self, request: Request) -> Response:
        """Change the caller's username, language or where they watch.

        Needs the access token. Any field may be left out. 400 (`invalid`) for a username taken or not
        allowed (look-alike letters of different alphabets are refused), a country that is not an ISO
        3166-1 code or a service key that is not letters and digits.
        """
        serializer = UserUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        watch = {
            "country": data.pop("watch_country", None),
            "services": data.pop("watch_services", None),
            "kinds": data.pop("watch_kinds", None),
        }
        user = authenticated_user(request)
        with transaction.atomic():
            user_watch_update(user=user, **watch)
            user = user_update(user=user, **data)
        return Response(UserOutputSerializer(user).data)
