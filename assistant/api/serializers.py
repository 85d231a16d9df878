from typing import Any

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from assistant.interpreter.types import REPLY_INTENTS
from assistant.models import ChatMessage, ChatSession
from assistant.state import MAX_MESSAGE_CHARS, chat_message_from
from catalog.api.serializers import CARD_EXAMPLE, TitleCardOutputSerializer
from catalog.models import MediaType
from core.api.serializers import StrictInputSerializer

BACKENDS = ("offline", "llm")  # assistant.clients: InterpreterResult.backend


@extend_schema_serializer(
    component_name="ChatTurn",
    examples=[
        OpenApiExample(
            "A new conversation", value={"message": "a french comedy from the 90s"}, request_only=True
        ),
        OpenApiExample(
            "A follow-up", value={"message": "only recent ones", "session_id": 3}, request_only=True
        ),
    ],
)
class ChatInputSerializer(StrictInputSerializer):
    """A message to the assistant, in English or French; `session_id` continues a conversation."""

    message = serializers.CharField(max_length=MAX_MESSAGE_CHARS, trim_whitespace=True)
    session_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False, allow_null=True)

    def validate_message(self, value: str) -> str:
        try:
            return chat_message_from(value)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class ChatGroupOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="As in /groups/{id}.")
    name = serializers.CharField()
    members = serializers.ListField(
        child=serializers.CharField(), help_text="The members' usernames, the owner first."
    )


class ChatFiltersOutputSerializer(serializers.Serializer):
    """What the assistant understood, as it searches: only the filters the conversation has set are present,
    `media_type` always. Genres are named in the reply's language."""

    media_type = serializers.ChoiceField(choices=MediaType.choices)
    genres = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Titles have at least one of these."
    )
    required_genres = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Titles have every one of these (a romantic comedy is both a comedy and a romance).",
    )
    exclude_genres = serializers.ListField(child=serializers.CharField(), required=False)
    year_from = serializers.IntegerField(required=False)
    year_to = serializers.IntegerField(required=False)
    min_rating = serializers.FloatField(required=False, help_text="Out of 10.")
    runtime_min = serializers.IntegerField(required=False, help_text="Minutes.")
    runtime_max = serializers.IntegerField(required=False, help_text="Minutes.")
    languages = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Original languages (ISO 639-1 codes)."
    )
    people = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text='The people understood, as the catalog names them ("Miyazaki": Hayao Miyazaki); a name '
        "nobody in the catalog bears, as typed.",
    )
    similar_to = serializers.IntegerField(
        required=False, help_text="The title that those shown are similar to, by id."
    )
    query = serializers.CharField(required=False, help_text="The words of a title search.")
    on_my_services = serializers.BooleanField(
        required=False,
        help_text="True when asked “on my services”: titles offered in the caller's country by one of their "
        "services (`watch_country`, `watch_services`, `watch_kinds` of /users/me), as Discover's filter.",
    )
    services = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Services named (“on Netflix”), by brand key (`netflix`, `disneyplus`): titles one of them "
        "offers in the caller's country, by subscription unless the caller counts other kinds of offer.",
    )
    group = ChatGroupOutputSerializer(
        required=False,
        help_text="The caller's group the picks are for (“for the two of us”): none that any member has "
        "seen or marked not interested, ranked by every member's taste.",
    )

    # Declared for the schema: the services hand these over as a dict, rendered as it is.
    def to_representation(self, instance: dict[str, Any]) -> dict[str, Any]:
        return dict(instance)


FILTERS_EXAMPLE = {
    "media_type": "movie",
    "genres": ["Comedy"],
    "year_from": 1990,
    "year_to": 1999,
    "languages": ["fr"],
}


@extend_schema_serializer(
    component_name="ChatTurn",
    examples=[
        OpenApiExample(
            "An answer",
            value={
                "session_id": 3,
                "reply": "Here are French comedies from the 1990s you haven't seen.",
                "intent": "discover",
                "filters": FILTERS_EXAMPLE,
                "results": [CARD_EXAMPLE],
            },
            response_only=True,
        ),
        OpenApiExample(
            "Both genres required",
            value={
                "session_id": 4,
                "reply": "Here are 5 picks you haven't seen: films (Comedy, Romance), from 2000 to 2009.",
                "intent": "discover",
                "filters": {
                    "media_type": "movie",
                    "genres": ["Comedy", "Romance"],
                    "required_genres": ["Comedy", "Romance"],
                    "year_from": 2000,
                    "year_to": 2009,
                },
                "results": [CARD_EXAMPLE],
            },
            response_only=True,
        ),
        OpenApiExample(
            "Small talk",
            value={
                "session_id": 5,
                "reply": "I suggest films and TV shows you haven't seen yet. Tell me what you feel like, for "
                "example: “a funny French film from the 90s”, “something like Alien but less scary” or “a "
                "western under two hours”.",
                "intent": "clarify",
                "filters": {"media_type": "movie"},
                "results": [],
            },
            response_only=True,
        ),
    ],
)
class ChatTurnOutputSerializer(serializers.Serializer):
    """The assistant's answer: its reply, what it understood, and titles the caller has not seen."""

    session_id = serializers.IntegerField(help_text="Send it back with the next message to follow up.")
    reply = serializers.CharField()
    intent = serializers.ChoiceField(choices=REPLY_INTENTS)
    filters = ChatFiltersOutputSerializer()
    results = TitleCardOutputSerializer(many=True)


class ChatMessageOutputSerializer(serializers.ModelSerializer):
    """One message of a conversation. The assistant's say what it understood (`intent`, `filters`), which
    titles it showed and which interpreter read the message; the caller's have null there."""

    role = serializers.ChoiceField(choices=ChatMessage.Role.choices)
    intent = serializers.ChoiceField(choices=REPLY_INTENTS, allow_null=True)
    filters = ChatFiltersOutputSerializer(allow_null=True)
    title_ids = serializers.ListField(child=serializers.IntegerField(), help_text="In the order shown.")
    backend = serializers.ChoiceField(
        choices=BACKENDS,
        allow_null=True,
        help_text="`offline`: the built-in interpreter; `llm`: a language model.",
    )

    class Meta:
        model = ChatMessage
        fields = ("id", "role", "text", "intent", "filters", "title_ids", "backend", "created_at")
        read_only_fields = fields

    def to_representation(self, instance: ChatMessage) -> dict[str, Any]:
        data = super().to_representation(instance)
        if (
            instance.role == ChatMessage.Role.USER
        ):  # stored blank: a message of the caller's understands nothing
            data.update(intent=None, filters=None, backend=None)
        return data


@extend_schema_serializer(
    component_name="ChatSession",
    examples=[
        OpenApiExample(
            "A conversation",
            value={
                "id": 3,
                "title": "a french comedy from the 90s",
                "created_at": "2026-11-02T20:15:00Z",
                "updated_at": "2026-11-02T20:15:01Z",
            },
            response_only=True,
        )
    ],
)
class ChatSessionOutputSerializer(serializers.ModelSerializer):
    """A conversation; its `title` is its first message."""

    class Meta:
        model = ChatSession
        fields: tuple[str, ...] = ("id", "title", "created_at", "updated_at")  # the detail adds messages
        read_only_fields = fields


@extend_schema_serializer(
    component_name="ChatSessionDetail",
    examples=[
        OpenApiExample(
            "One turn",
            value={
                "id": 3,
                "title": "a french comedy from the 90s",
                "created_at": "2026-11-02T20:15:00Z",
                "updated_at": "2026-11-02T20:15:01Z",
                "messages": [
                    {
                        "id": 5,
                        "role": "user",
                        "text": "a french comedy from the 90s",
                        "intent": None,
                        "filters": None,
                        "title_ids": [],
                        "backend": None,
                        "created_at": "2026-11-02T20:15:00Z",
                    },
                    {
                        "id": 6,
                        "role": "assistant",
                        "text": "Here are French comedies from the 1990s you haven't seen.",
                        "intent": "discover",
                        "filters": FILTERS_EXAMPLE,
                        "title_ids": [42, 17],
                        "backend": "offline",
                        "created_at": "2026-11-02T20:15:01Z",
                    },
                ],
            },
            response_only=True,
        )
    ],
)
class ChatSessionDetailOutputSerializer(ChatSessionOutputSerializer):
    """A conversation with its messages, oldest first."""

    messages = ChatMessageOutputSerializer(many=True, read_only=True)

    class Meta(ChatSessionOutputSerializer.Meta):
        fields = (*ChatSessionOutputSerializer.Meta.fields, "messages")
        read_only_fields = fields
