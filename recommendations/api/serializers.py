"""GET /me/recommendations: the standard card, plus the user's own titles that led to it.

Class docstrings and help texts here are published in the OpenAPI schema: they speak to client authors.
"""

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from catalog.api.serializers import CARD_EXAMPLE, TitleCardOutputSerializer
from catalog.models import MediaType
from core.api.pagination import CursorInputSerializer
from discovery.api.serializers import card_data
from discovery.cards import TitleCard
from recommendations.cards import explanation_of, reason_links
from recommendations.selectors import Reason


class RecommendationsInputSerializer(CursorInputSerializer):
    media_type = serializers.ChoiceField(choices=MediaType.choices, default=MediaType.MOVIE)


@extend_schema_serializer(component_name="Reason")
class ReasonOutputSerializer(serializers.Serializer):
    """One of the caller's own titles that led to a pick."""

    title_id = serializers.IntegerField()
    title = serializers.CharField()


@extend_schema_serializer(
    component_name="RecommendationCard",
    examples=[
        OpenApiExample(
            "A pick and why",
            value={
                **CARD_EXAMPLE,
                "reasons": [{"title_id": 17, "title": "Se7en"}],
                "explanation": "Because you liked Se7en.",
            },
            response_only=True,
        )
    ],
)
class RecommendationCardOutputSerializer(TitleCardOutputSerializer):
    """A pick: its card, with up to three of the caller's own titles that led to it (`reasons`) and a sentence
    naming them (`explanation`); picks made before the caller has a history have neither."""

    # The context holds `reasons`: {title id: [Reason]}.

    reasons = serializers.SerializerMethodField()
    explanation = serializers.SerializerMethodField()

    class Meta(TitleCardOutputSerializer.Meta):
        fields = (*TitleCardOutputSerializer.Meta.fields, "reasons", "explanation")

    def _reasons(self, card: TitleCard) -> list[Reason]:
        return self.context.get("reasons", {}).get(card.id, [])

    def _language(self) -> str:
        return self.context.get("language", "en")

    @extend_schema_field(ReasonOutputSerializer(many=True))
    def get_reasons(self, obj: TitleCard) -> list[dict[str, Any]]:
        links = reason_links(self._reasons(obj), language=self._language())
        return [{"title_id": link.title_id, "title": link.title} for link in links]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_explanation(self, obj: TitleCard) -> str | None:
        return explanation_of(self._reasons(obj), language=self._language())

    # The card serializer's subclass for the schema; it renders discovery's TitleCard and the reasons.
    def to_representation(self, instance: TitleCard) -> dict[str, Any]:  # type: ignore[override]
        return {
            **card_data(instance),
            "reasons": self.get_reasons(instance),
            "explanation": self.get_explanation(instance),
        }
