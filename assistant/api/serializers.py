from django.core.exceptions import ValidationError
from rest_framework import serializers

from assistant.models import ChatMessage, ChatSession
from assistant.state import MAX_MESSAGE_CHARS, chat_message_from
from core.api.serializers import StrictInputSerializer


class ChatInputSerializer(StrictInputSerializer):
    message = serializers.CharField(max_length=MAX_MESSAGE_CHARS, trim_whitespace=True)
    session_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False, allow_null=True)

    def validate_message(self, value: str) -> str:
        try:
            return chat_message_from(value)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class ChatMessageOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChatMessage
        fields = ("id", "role", "text", "intent", "filters", "title_ids", "backend", "created_at")
        read_only_fields = fields


class ChatSessionOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChatSession
        fields: tuple[str, ...] = ("id", "title", "created_at", "updated_at")  # the detail adds messages
        read_only_fields = fields


class ChatSessionDetailOutputSerializer(ChatSessionOutputSerializer):
    messages = ChatMessageOutputSerializer(many=True, read_only=True)

    class Meta(ChatSessionOutputSerializer.Meta):
        fields = (*ChatSessionOutputSerializer.Meta.fields, "messages")
        read_only_fields = fields
