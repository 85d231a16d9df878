from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from catalog.models import MediaType
from integrations.models import ServerKind, WebhookEndpoint, WebhookEvent


@extend_schema_serializer(
    component_name="WebhookEndpointInput",
    examples=[
        OpenApiExample(
            "Plex", value={"kind": "plex", "name": "Living room", "server_user": ""}, request_only=True
        )
    ],
)
class EndpointInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=ServerKind.choices, help_text="The media server that will call it."
    )
    name = serializers.CharField(max_length=80, help_text="Your name for it, to tell it from the others.")
    server_user = serializers.CharField(
        max_length=150,
        required=False,
        default="",
        allow_blank=True,
        help_text="Only this user name of the server counts (a household sharing one server); empty: all.",
    )

    def validate_name(self, value: str) -> str:
        return value.strip()


RECEIVED_STATUSES = [("queued", "queued"), ("duplicate", "duplicate"), ("ignored", "ignored")]

ENDPOINT_EXAMPLE: dict[str, Any] = {
    "id": 3,
    "kind": "plex",
    "name": "Living room",
    "server_user": "",
    "active": True,
    "created_at": "2026-12-04T21:00:00Z",
    "last_used_at": None,
    "revoked_at": None,
}


@extend_schema_serializer(
    component_name="WebhookEndpoint",
    examples=[OpenApiExample("Active", value=ENDPOINT_EXAMPLE, response_only=True, status_codes=[200])],
)
class EndpointOutputSerializer(serializers.ModelSerializer):
    """A webhook URL of the caller's; its secret token is shown only once, when it is created."""

    kind = serializers.ChoiceField(choices=ServerKind.choices)
    active = serializers.BooleanField(source="is_active", help_text="False once revoked.")
    created_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True, help_text="The server's latest call.")
    revoked_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        model = WebhookEndpoint
        fields: tuple[str, ...] = (
            "id",
            "kind",
            "name",
            "server_user",
            "active",
            "created_at",
            "last_used_at",
            "revoked_at",
        )


@extend_schema_serializer(
    component_name="WebhookEndpointCreated",
    examples=[
        OpenApiExample(
            "Created",
            value={
                **ENDPOINT_EXAMPLE,
                "url": "https://example.org/webhooks/4q0Yx2mB0cW1Jr9sZ8aD3fG6hK5lP7oN1uT2vE4iQ0s",
            },
            response_only=True,
            status_codes=[201],
        )
    ],
)
class EndpointCreatedOutputSerializer(EndpointOutputSerializer):
    url = serializers.URLField(help_text="The URL to give the server. Shown this once: it is not stored.")

    class Meta(EndpointOutputSerializer.Meta):
        fields = (*EndpointOutputSerializer.Meta.fields, "url")


class EventItemOutputSerializer(serializers.Serializer):
    title = serializers.CharField(help_text="An episode's series title.")
    year = serializers.IntegerField(allow_null=True)
    media_type = serializers.ChoiceField(choices=MediaType.choices)
    episode = serializers.BooleanField()


@extend_schema_serializer(
    component_name="WebhookEvent",
    examples=[
        OpenApiExample(
            "Unmatched",
            value={
                "id": 12,
                "endpoint_id": 3,
                "event": "media.scrobble",
                "status": "unmatched",
                "reason": "No title of the catalog has these ids or this title and year.",
                "title_id": None,
                "item": {"title": "Home movie", "year": 2019, "media_type": "movie", "episode": False},
                "received_at": "2026-12-04T21:05:00Z",
            },
            response_only=True,
            status_codes=[200],
        )
    ],
)
class EventOutputSerializer(serializers.ModelSerializer):
    """One call a server made and what it did."""

    status = serializers.ChoiceField(choices=WebhookEvent.State.choices)
    item = serializers.SerializerMethodField()
    received_at = serializers.DateTimeField()

    class Meta:
        model = WebhookEvent
        fields = ("id", "endpoint_id", "event", "status", "reason", "title_id", "item", "received_at")

    @extend_schema_field(EventItemOutputSerializer)
    def get_item(self, event: WebhookEvent) -> dict[str, Any]:
        """The item as the server named it: title, year, media type, whether an episode."""
        payload = event.payload
        return {key: payload.get(key) for key in ("title", "year", "media_type", "episode")}


@extend_schema_serializer(
    component_name="WebhookReceived",
    examples=[OpenApiExample("Queued", value={"status": "queued"}, response_only=True, status_codes=[202])],
)
class ReceivedOutputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=RECEIVED_STATUSES,
        help_text="queued: it will be applied; duplicate: this delivery was received before; ignored: "
        "the event marks nothing (a play, a stop part-way, another user of the server).",
    )
