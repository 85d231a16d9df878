"""The households' routes: a group, its members and its picks.

Class docstrings and help texts here are published in the OpenAPI schema: they speak to client authors.
"""

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from catalog.api.serializers import CARD_EXAMPLE, TitleCardOutputSerializer
from catalog.models import MediaType
from core.api.pagination import PageInputSerializer
from core.timestamps import utc_iso
from discovery.api.serializers import (
    CARD_OFFERS_EXAMPLE,
    OnMyServicesInputSerializer,
    card_data,
    card_offers_data,
    card_offers_field,
)
from discovery.cards import TitleCard
from households.cards import member_reasons_of
from households.models import Household
from recommendations.api.serializers import ReasonOutputSerializer


@extend_schema_serializer(
    examples=[OpenApiExample("A household", value={"name": "Flat 4B"}, request_only=True)],
)
class HouseholdInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=80, help_text="What the members call the group.")


@extend_schema_serializer(
    examples=[OpenApiExample("An invitation", value={"code": "q3L9xv0aTz1k"}, request_only=True)],
)
class JoinInputSerializer(serializers.Serializer):
    code = serializers.CharField(
        max_length=32, help_text="The invitation code (the end of the invitation link)."
    )


class GroupPicksInputSerializer(PageInputSerializer, OnMyServicesInputSerializer):
    media_type = serializers.ChoiceField(choices=MediaType.choices, default=MediaType.MOVIE)
    on_my_services = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Only picks offered on the caller's own services in their country (`/users/me`: "
        "`watch_country`, `watch_services`, `watch_kinds`; subscription unless they chose free or ads too), "
        "the one holding the remote: not the other members'. Needs the deployment's TMDB key and the "
        "caller's services; else 400 naming `on_my_services`.",
    )


@extend_schema_serializer(component_name="GroupMember")
class MemberOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    is_owner = serializers.BooleanField()


@extend_schema_serializer(
    component_name="Group",
    examples=[
        OpenApiExample(
            "A household of two",
            value={
                "id": 3,
                "name": "Flat 4B",
                "owner_id": 7,
                "invite_code": "q3L9xv0aTz1k",
                "members": [
                    {"id": 7, "username": "alice", "is_owner": True},
                    {"id": 9, "username": "bob", "is_owner": False},
                ],
                "created_at": "2026-12-04T20:00:00Z",
            },
            response_only=True,
        )
    ],
)
class HouseholdOutputSerializer(serializers.Serializer):
    """A group the caller belongs to: its members by name (never their lists) and the code that invites."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    owner_id = serializers.IntegerField()
    invite_code = serializers.CharField(help_text="Whoever has it can join: POST /groups/join.")
    members = MemberOutputSerializer(many=True)
    created_at = serializers.CharField()

    def to_representation(self, instance: Household) -> dict[str, Any]:
        members = self.context["members"][instance.pk]
        return {
            "id": instance.pk,
            "name": instance.name,
            "owner_id": instance.owner_id,
            "invite_code": instance.invite_code,
            "members": [
                {"id": m.pk, "username": m.username, "is_owner": m.pk == instance.owner_id} for m in members
            ],
            "created_at": utc_iso(instance.created_at),
        }


@extend_schema_serializer(component_name="GroupMemberReason")
class MemberReasonOutputSerializer(serializers.Serializer):
    """One member's own titles that led to a group pick, and a sentence naming them."""

    member_id = serializers.IntegerField()
    username = serializers.CharField()
    reasons = ReasonOutputSerializer(
        many=True, help_text="Up to three of the member's titles, strongest first."
    )
    explanation = serializers.CharField()


@extend_schema_serializer(
    component_name="GroupPickCard",
    examples=[
        OpenApiExample(
            "A pick for two",
            value={
                **CARD_EXAMPLE,
                "offers": CARD_OFFERS_EXAMPLE,
                "members": [
                    {
                        "member_id": 7,
                        "username": "alice",
                        "reasons": [{"title_id": 17, "title": "Se7en"}],
                        "explanation": "alice liked Se7en",
                    }
                ],
            },
            response_only=True,
        )
    ],
)
class GroupPickCardOutputSerializer(TitleCardOutputSerializer):
    """A group pick: its card, and for each member whose taste led to it up to three of their titles."""

    offers = card_offers_field()
    members = serializers.SerializerMethodField()

    class Meta(TitleCardOutputSerializer.Meta):
        fields = (*TitleCardOutputSerializer.Meta.fields, "offers", "members")

    @extend_schema_field(MemberReasonOutputSerializer(many=True))
    def get_members(self, obj: TitleCard) -> list[dict[str, Any]]:
        per_member = self.context.get("reasons", {}).get(obj.id, {})
        return [
            {
                "member_id": why.member_id,
                "username": why.username,
                "reasons": [{"title_id": link.title_id, "title": link.title} for link in why.reasons],
                "explanation": why.explanation,
            }
            for why in member_reasons_of(
                per_member, self.context["members"], language=self.context["language"]
            )
        ]

    def to_representation(self, instance: TitleCard) -> dict[str, Any]:  # type: ignore[override]
        return {
            **card_data(instance),
            "offers": card_offers_data(instance),
            "members": self.get_members(instance),
        }
