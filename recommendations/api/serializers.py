"""GET /me/recommendations: the standard card, plus the user's own titles that led to it."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.api.serializers import TitleCardOutputSerializer
from catalog.models import MediaType
from core.api.pagination import CursorInputSerializer
from discovery.api.serializers import card_data
from discovery.cards import TitleCard
from recommendations.cards import explanation_of, reason_links
from recommendations.selectors import Reason


class RecommendationsInputSerializer(CursorInputSerializer):
    media_type = serializers.ChoiceField(choices=MediaType.choices, default=MediaType.MOVIE)


class ReasonOutputSerializer(serializers.Serializer):
    title_id = serializers.IntegerField()
    title = serializers.CharField()


class RecommendationCardOutputSerializer(TitleCardOutputSerializer):
    """A card with `reasons` (up to three of the user's own titles) and `explanation`, a sentence naming them.

    The context holds `reasons`: {title id: [Reason]}; cold-start picks have none.
    """

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

    def get_explanation(self, obj: TitleCard) -> str | None:
        return explanation_of(self._reasons(obj), language=self._language())

    # The card serializer's subclass for the schema; it renders discovery's TitleCard and the reasons.
    def to_representation(self, instance: TitleCard) -> dict[str, Any]:  # type: ignore[override]
        return {
            **card_data(instance),
            "reasons": self.get_reasons(instance),
            "explanation": self.get_explanation(instance),
        }
