from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers
from rest_framework.utils.serializer_helpers import ReturnList


def serialize_many(
    serializer: type[serializers.BaseSerializer[Any]],
    items: Iterable[Any],
    *,
    context: Mapping[str, Any] | None = None,
) -> ReturnList:
    """`serializer(items, many=True, context=context).data`, spelled as the ListSerializer that DRF builds
    for it, so its type is the list it is (DRF's stubs give `many=True` one object's dict)."""
    return serializers.ListSerializer(items, child=serializer(), context=context or {}).data


class StrictInputSerializer(serializers.Serializer):
    """An input serializer that names unknown fields instead of silently ignoring them."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if hasattr(self.initial_data, "keys"):
            unknown = sorted(set(self.initial_data.keys()) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
        return attrs


@extend_schema_serializer(
    component_name="Health",
    examples=[OpenApiExample("Serving", value={"database": "ok", "broker": "eager"}, response_only=True)],
)
class HealthOutputSerializer(serializers.Serializer):
    """What the service depends on, and whether it answers."""

    database = serializers.ChoiceField(choices=("ok", "down"))
    broker = serializers.ChoiceField(
        choices=("ok", "down", "eager"),
        help_text="`eager`: no task broker is configured, and tasks run in the serving process.",
    )
