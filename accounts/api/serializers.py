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


class LoginOutputSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()
    access_token = serializers.CharField()
    token_type = serializers.CharField()


class LogoutInputSerializer(StrictInputSerializer):
    refresh = serializers.CharField()


class UserUpdateInputSerializer(StrictInputSerializer):
    username = _username_field(required=False)
    language = serializers.ChoiceField(choices=Language.choices, required=False)
