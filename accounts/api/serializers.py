from typing import Any

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import Language, User
from accounts.validators import validate_username_not_confusable
from core.api.serializers import StrictInputSerializer


class UserOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ("id", "email", "username", "language", "date_joined")
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


class SignupInputSerializer(StrictInputSerializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=4096)
    username = _username_field(required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=Language.choices, required=False, default=Language.ENGLISH)


class LoginInputSerializer(serializers.Serializer):
    """OAuth2 password flow (RFC 6749 §4.3): `username` may also be the email address."""

    username = serializers.CharField(max_length=254)
    password = serializers.CharField(trim_whitespace=False, max_length=4096)
    grant_type = serializers.CharField(required=False)
    # OAuth2 clients may send these; we do not use them.
    scope = serializers.CharField(required=False, allow_blank=True)
    client_id = serializers.CharField(required=False, allow_blank=True)
    client_secret = serializers.CharField(required=False, allow_blank=True)

    def validate_grant_type(self, value: str) -> str:
        if value != "password":
            raise serializers.ValidationError(_('Only the "password" grant type is supported.'))
        return value


class RefreshInputSerializer(serializers.Serializer):
    """OAuth2 refresh (RFC 6749 §6), as JSON or a form: `grant_type`, when sent, must be "refresh_token"."""

    refresh_token = serializers.CharField(max_length=4096)
    grant_type = serializers.CharField(required=False)
    # OAuth2 clients may send these; we do not use them.
    scope = serializers.CharField(required=False, allow_blank=True)
    client_id = serializers.CharField(required=False, allow_blank=True)
    client_secret = serializers.CharField(required=False, allow_blank=True)

    def validate_grant_type(self, value: str) -> str:
        if value != "refresh_token":
            raise serializers.ValidationError(_('Only the "refresh_token" grant type is supported here.'))
        return value


class TokenOutputSerializer(serializers.Serializer):
    """The OAuth2 token object (RFC 6749 §5.1)."""

    access_token = serializers.CharField(help_text="Send it as `Authorization: Bearer <access_token>`.")
    token_type = serializers.ChoiceField(choices=[("bearer", "bearer")], help_text='Always "bearer".')
    expires_in = serializers.IntegerField(help_text="Seconds the access token is valid for.")
    refresh_token = serializers.CharField(
        help_text="Exchanged at /auth/refresh for a new token object; it works once (a refresh rotates it)."
    )


class SignupOutputSerializer(TokenOutputSerializer):
    """The new account and its first tokens."""

    user = UserOutputSerializer()


class LogoutInputSerializer(StrictInputSerializer):
    refresh_token = serializers.CharField(max_length=4096)


class UserUpdateInputSerializer(StrictInputSerializer):
    username = _username_field(required=False)
    language = serializers.ChoiceField(choices=Language.choices, required=False)
