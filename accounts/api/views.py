from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.views import TokenRefreshView

from accounts.api.serializers import (
    LoginInputSerializer,
    LoginOutputSerializer,
    LogoutInputSerializer,
    SignupInputSerializer,
    UserOutputSerializer,
    UserUpdateInputSerializer,
)
from accounts.selectors import authenticated_user
from accounts.services import (
    InvalidCredentials,
    LoginThrottled,
    refresh_token_revoke,
    tokens_issue,
    user_create,
    user_login,
    user_update,
)
from core.api.schema import errors
from core.api.throttling import client_address

BEARER_CHALLENGE = 'Bearer realm="api"'


class PublicApi(APIView):
    """Routes for callers without a token: a stale token in the header must not get in the way."""

    authentication_classes = ()
    permission_classes = (AllowAny,)

    def get_authenticate_header(self, request: Request) -> str:
        return BEARER_CHALLENGE  # so that 401 stays 401 (DRF turns it into 403 without a challenge)


class SignupApi(PublicApi):
    @extend_schema(
        request=SignupInputSerializer,
        responses={
            201: inline_serializer(
                "SignupResult",
                {
                    "user": UserOutputSerializer(),
                    "access": serializers.CharField(),
                    "refresh": serializers.CharField(),
                },
            ),
            **errors(400),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = SignupInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = user_create(**serializer.validated_data)
        tokens = tokens_issue(user=user)
        return Response(
            {"user": UserOutputSerializer(user).data, "access": tokens.access, "refresh": tokens.refresh},
            status=status.HTTP_201_CREATED,
        )


class LoginApi(PublicApi):
    @extend_schema(
        request=LoginInputSerializer, responses={200: LoginOutputSerializer, **errors(400, 401, 429)}
    )
    def post(self, request: Request) -> Response:
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
        tokens = tokens_issue(user=user)
        return Response(
            {
                "access": tokens.access,
                "refresh": tokens.refresh,
                "access_token": tokens.access,
                "token_type": "bearer",
            }
        )


class RefreshApi(TokenRefreshView):
    """simplejwt's refresh with rotation: the old refresh token is blacklisted, a new one returned."""


class LogoutApi(APIView):
    @extend_schema(request=LogoutInputSerializer, responses={204: None, **errors(400, 401)})
    def post(self, request: Request) -> Response:
        serializer = LogoutInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        refresh_token_revoke(user=authenticated_user(request), token=serializer.validated_data["refresh"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class UserMeApi(APIView):
    @extend_schema(responses={200: UserOutputSerializer, **errors(401)})
    def get(self, request: Request) -> Response:
        return Response(UserOutputSerializer(request.user).data)

    @extend_schema(
        request=UserUpdateInputSerializer, responses={200: UserOutputSerializer, **errors(400, 401)}
    )
    def patch(self, request: Request) -> Response:
        serializer = UserUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = user_update(user=authenticated_user(request), **serializer.validated_data)
        return Response(UserOutputSerializer(user).data)
