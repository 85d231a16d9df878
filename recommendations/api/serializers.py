"""GET /me/recommendations: the standard card, plus the user's own titles that led to it.

Class docstrings and help texts here are published in the OpenAPI schema: they speak to client authors.
"""

from typing import Any

from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema_field,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import serializers

from catalog.api.serializers import (
    CARD_EXAMPLE,
    USER_STATUSES,
    TitleCardOutputSerializer,
)
from catalog.models import MediaType
from core.api.pagination import CursorInputSerializer
from discovery.api.serializers import (
    CARD_OFFERS_EXAMPLE,
    OnMyServicesInputSerializer,
    card_data,
    card_offers_data,
    card_offers_field,
)
from discovery.cards import TitleCard
from recommendations.cards import explanation_of, reason_links
from recommendations.models import NotForMeReason
from recommendations.selectors import Reason

ADVENTUROUSNESS_HELP = (
    "How far from the most-watched titles the picks reach: 0 familiar (the most-rated titles that fit you), "
    "1 rather familiar, 2 balanced (the default), 3 rather adventurous, 4 adventurous (less-known titles, "
    "even at some cost in how surely they fit)."
)


class RecommendationsInputSerializer(CursorInputSerializer, OnMyServicesInputSerializer):
    media_type = serializers.ChoiceField(choices=MediaType.choices, default=MediaType.MOVIE)
    adventurousness = serializers.IntegerField(
        min_value=0,
        max_value=4,
        required=False,
        help_text="This page's setting instead of the caller's own (GET /me/recommendations/settings). "
        + ADVENTUROUSNESS_HELP,
    )
    on_my_services = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Only picks offered on the caller's services in their country (`/users/me`: "
        "`watch_country`, `watch_services`, `watch_kinds`), among their best 200. Needs the deployment's "
        "TMDB key and the caller's services; else 400 naming `on_my_services`.",
    )


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
                "offers": CARD_OFFERS_EXAMPLE,
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

    offers = card_offers_field()
    reasons = serializers.SerializerMethodField()
    explanation = serializers.SerializerMethodField()

    class Meta(TitleCardOutputSerializer.Meta):
        fields = (*TitleCardOutputSerializer.Meta.fields, "offers", "reasons", "explanation")

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
        return explanation_of(
            self._reasons(obj), language=self._language(), against=self.context.get("against", {}).get(obj.id)
        )

    # The card serializer's subclass for the schema; it renders discovery's TitleCard and the reasons.
    def to_representation(self, instance: TitleCard) -> dict[str, Any]:  # type: ignore[override]
        return {
            **card_data(instance),
            "offers": card_offers_data(instance),
            "reasons": self.get_reasons(instance),
            "explanation": self.get_explanation(instance),
        }


@extend_schema_serializer(
    component_name="RecommenderSettings",
    examples=[OpenApiExample("Balanced", value={"adventurousness": 2})],
)
class RecommenderSettingsSerializer(serializers.Serializer):
    """The caller's settings of their picks."""

    adventurousness = serializers.IntegerField(min_value=0, max_value=4, help_text=ADVENTUROUSNESS_HELP)


OFFER_KINDS = ("genre", "person")  # the hide rules "Not for me" offers (library.models.HideRule.Kind)


@extend_schema_serializer(
    examples=[
        OpenApiExample("Not my genre", value={"title_id": 17, "reason": "not_my_genre"}, request_only=True)
    ]
)
class NotForMeInputSerializer(serializers.Serializer):
    title_id = serializers.IntegerField(min_value=1, help_text="The pick turned down.")
    reason = serializers.ChoiceField(
        choices=NotForMeReason.choices,
        help_text="`seen_elsewhere`: marked seen; `not_my_genre`, `not_this_person`: marked not interested "
        "(it counts against similar titles), and the answer offers what to hide; `not_now`: marked watch "
        "later.",
    )


@extend_schema_serializer(
    component_name="NotForMe",
    examples=[
        OpenApiExample(
            "Not my genre",
            value={
                "title_id": 17,
                "reason": "not_my_genre",
                "status": "hidden",
                "offers": [{"kind": "genre", "value": "27", "label": "Horror"}],
            },
            response_only=True,
        )
    ],
)
class NotForMeOutputSerializer(serializers.Serializer):
    """A pick turned down: the status it now has, and the hide rules offered (`offers`: one per genre of the
    title for `not_my_genre`, per person credited for `not_this_person`, else none), each a body for
    POST /me/hide-rules (`kind` and `value`) with its `label` to show."""

    title_id = serializers.IntegerField()
    reason = serializers.ChoiceField(choices=NotForMeReason.choices)
    status = serializers.ChoiceField(choices=USER_STATUSES)
    offers = inline_serializer(
        "HideRuleOffer",
        {
            "kind": serializers.ChoiceField(choices=OFFER_KINDS),
            "value": serializers.CharField(),
            "label": serializers.CharField(),
        },
        many=True,
    )
