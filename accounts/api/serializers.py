from typing import Any, ClassVar

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from accounts.models import Language, User, WatchKind
from accounts.validators import validate_username_not_confusable
from core.api.serializers import StrictInputSerializer

USER_EXAMPLE = {
    "id": 1,
    "email": "ann@example.org",
    "username": "ann",
    "language": "en",
    "date_joined": "2026-11-02T20:15:00Z",
    "watch_country": "FR",
    "watch_services": ["netflix", "amazonprimevideo"],
    "watch_kinds": ["flatrate"],
}


TOKEN_EXAMPLE = {
    "access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…",
    "token_type": "bearer",
    "expires_in": 1800,
    "refresh_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…",
}


@extend_schema_serializer(
    component_name="User", examples=[OpenApiExample("An account", value=USER_EXAMPLE, response_only=True)]
)
class UserOutputSerializer(serializers.ModelSerializer):
    """The caller's account. `language` is the one the assistant answers in when a message does not say.
    `watch_country`, `watch_services` and `watch_kinds` are what `on_my_services` filters by."""

    watch_services = serializers.ListField(child=serializers.CharField())
    watch_kinds = serializers.ListField(child=serializers.ChoiceField(choices=WatchKind.choices))

    class Meta:
        model = User
        fields = (
            "id",
            "email",
            "username",
            "language",
            "date_joined",
            "watch_country",
            "watch_services",
            "watch_kinds",
        )
        read_only_fields = fields


class UsernameField(serializers.CharField):
    """A username as Django's `create_user` stores it: NFKC-normalized first ("ann" in fullwidth letters
    is "ann", so it cannot become a second account), then checked."""

    def to_internal_value(self, data: Any) -> str:  # whatever the client sent; CharField checks it
        return User.normalize_username(super().to_internal_value(data))


def _username_field(*, required: bool = True, allow_blank: bool = False) -> serializers.CharField:
    return UsernameField(
        max_length=150,
        validators=[UnicodeUsernameValidator(), validate_username_not_confusable],
        required=required,
        allow_blank=allow_blank,
    )


@extend_schema_serializer(
    component_name="Signup",
    examples=[
        OpenApiExample(
            "An account",
            value={"email": "ann@example.org", "password": "plum-tiger-42-velvet", "language": "fr"},
            request_only=True,
        )
    ],
)
class SignupInputSerializer(StrictInputSerializer):
    """A new account: the email address logs in (as does the username); `language` is `en` or `fr`."""

    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=4096)
    username = _username_field(required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=Language.choices, required=False, default=Language.ENGLISH)


class OAuth2GrantSerializer(serializers.Serializer):
    """What every OAuth2 token request may carry (RFC 6749): `grant_type`, which when sent must be the
    route's own, and fields OAuth2 clients send that we do not use."""

    grant: ClassVar[str]
    wrong_grant: ClassVar[Promise]

    grant_type = serializers.CharField(required=False)
    scope = serializers.CharField(required=False, allow_blank=True)
    client_id = serializers.CharField(required=False, allow_blank=True)
    client_secret = serializers.CharField(required=False, allow_blank=True)

    def validate_grant_type(self, value: str) -> str:
        if value != self.grant:
            raise serializers.ValidationError(str(self.wrong_grant))
        return value


@extend_schema_serializer(
    component_name="PasswordGrant",
    examples=[
        OpenApiExample(
            "JSON",
            value={"username": "ann@example.org", "password": "plum-tiger-42-velvet"},
            request_only=True,
        ),
    ],
)
class LoginInputSerializer(OAuth2GrantSerializer):
    """OAuth2 password flow (RFC 6749 §4.3): `username` may also be the email address."""

    grant = "password"
    wrong_grant = _('Only the "password" grant type is supported.')

    username = serializers.CharField(max_length=254)
    password = serializers.CharField(trim_whitespace=False, max_length=4096)


FORM = "application/x-www-form-urlencoded"


# The same fields as a form, under a name of their own: a client generated from the schema picks the
# request's content type by the body's class, so JSON and the form need a class each.
@extend_schema_serializer(
    component_name="PasswordGrantForm",
    examples=[
        OpenApiExample(
            "OAuth2 form",
            value={
                "grant_type": "password",
                "username": "ann@example.org",
                "password": "plum-tiger-42-velvet",
            },
            request_only=True,
            media_type=FORM,
        ),
    ],
)
class LoginFormInputSerializer(LoginInputSerializer):
    """OAuth2 password flow (RFC 6749 §4.3), as OAuth2 clients send it: `username` may also be the email
    address."""


@extend_schema_serializer(
    component_name="RefreshGrant",
    examples=[
        OpenApiExample(
            "JSON", value={"refresh_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…"}, request_only=True
        ),
    ],
)
class RefreshInputSerializer(OAuth2GrantSerializer):
    """OAuth2 refresh (RFC 6749 §6), as JSON or a form: `grant_type`, when sent, must be "refresh_token"."""

    grant = "refresh_token"
    wrong_grant = _('Only the "refresh_token" grant type is supported here.')

    refresh_token = serializers.CharField(max_length=4096)


@extend_schema_serializer(
    component_name="RefreshGrantForm",
    examples=[
        OpenApiExample(
            "OAuth2 form",
            value={"grant_type": "refresh_token", "refresh_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…"},
            request_only=True,
            media_type=FORM,
        ),
    ],
)
class RefreshFormInputSerializer(RefreshInputSerializer):
    """OAuth2 refresh (RFC 6749 §6), as OAuth2 clients send it: `grant_type` is "refresh_token"."""


@extend_schema_serializer(
    component_name="Token", examples=[OpenApiExample("Tokens", value=TOKEN_EXAMPLE, response_only=True)]
)
class TokenOutputSerializer(serializers.Serializer):
    """The OAuth2 token object (RFC 6749 §5.1)."""

    access_token = serializers.CharField(help_text="Send it as `Authorization: Bearer <access_token>`.")
    token_type = serializers.ChoiceField(choices=[("bearer", "bearer")], help_text='Always "bearer".')
    expires_in = serializers.IntegerField(help_text="Seconds the access token is valid for.")
    refresh_token = serializers.CharField(
        help_text="Exchanged at /auth/refresh for a new token object; it works once (a refresh rotates it)."
    )


@extend_schema_serializer(
    component_name="SignupResult",
    examples=[
        OpenApiExample("A new account", value={**TOKEN_EXAMPLE, "user": USER_EXAMPLE}, response_only=True)
    ],
)
class SignupOutputSerializer(TokenOutputSerializer):
    """The new account and its first tokens."""

    user = UserOutputSerializer()


@extend_schema_serializer(
    component_name="Logout",
    examples=[
        OpenApiExample(
            "A refresh token",
            value={"refresh_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…"},
            request_only=True,
        )
    ],
)
class LogoutInputSerializer(StrictInputSerializer):
    """The refresh token to revoke."""

    refresh_token = serializers.CharField(max_length=4096)


@extend_schema_serializer(
    component_name="UserUpdate",
    examples=[OpenApiExample("Answers in French", value={"language": "fr"}, request_only=True)],
)
class UserUpdateInputSerializer(StrictInputSerializer):
    """What to change; any field may be left out. `watch_country` is an ISO 3166-1 alpha-2 code ("" for
    none); `watch_services` the services' keys from `GET /watch/services`; `watch_kinds` which offers count
    (`flatrate`, a subscription, always; `free` and `ads` when added)."""

    username = _username_field(required=False)
    language = serializers.ChoiceField(choices=Language.choices, required=False)
    watch_country = serializers.CharField(required=False, allow_blank=True, max_length=2)
    watch_services = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, max_length=50
    )
    watch_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=WatchKind.choices), required=False, max_length=3
    )
