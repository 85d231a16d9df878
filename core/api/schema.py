"""OpenAPI descriptions shared by the views: the page envelope and the API's error bodies."""

from typing import Any, Literal

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers


class JwtScheme(OpenApiAuthenticationExtension):
    target_class = "rest_framework_simplejwt.authentication.JWTAuthentication"
    name = "jwtAuth"

    def get_security_definition(self, auto_schema: object) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}


DETAIL = inline_serializer("ErrorDetail", {"detail": serializers.CharField()})
VALIDATION = OpenApiResponse(
    inline_serializer(
        "ValidationErrors",
        {"field_name": serializers.ListField(child=serializers.CharField(), required=False)},
    ),
    description='{"<field>": ["<message>", …]}: one entry per wrong field ("non_field_errors" otherwise).',
)
UNAUTHORIZED = OpenApiResponse(DETAIL, description="Missing, invalid or expired access token.")
NOT_FOUND = OpenApiResponse(DETAIL, description="No such object (or not yours).")
THROTTLED = OpenApiResponse(DETAIL, description="Too many requests; see the Retry-After header.")


class ApiAutoSchema(AutoSchema):
    """Every throttled operation lists its 429, so a new route cannot forget it."""

    def _get_response_bodies(self, direction: Literal["request", "response"] = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if "429" not in responses and self.view.get_throttles():
            responses["429"] = self._get_response_for_code(THROTTLED, "429", direction=direction)
        return responses


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    table = {400: VALIDATION, 401: UNAUTHORIZED, 404: NOT_FOUND, 429: THROTTLED}
    return {code: table[code] for code in codes}


def page_of(
    name: str,
    item: type[serializers.BaseSerializer] | serializers.BaseSerializer,
    *,
    count: bool = False,
    **extra: serializers.Field,
) -> serializers.Serializer:
    """The API's page envelope around `item`: results, page, page_size, has_more (and count)."""
    fields: dict[str, serializers.Field] = {
        "results": item(many=True) if isinstance(item, type) else item,
        "page": serializers.IntegerField(),
        "page_size": serializers.IntegerField(),
        "has_more": serializers.BooleanField(),
    }
    if count:
        fields["count"] = serializers.IntegerField()
    return inline_serializer(name, {**fields, **extra})
