from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from alerts.models import MAX_NAME_CHARS, AlertItem, SavedSearch, ServiceArrival
from catalog.models import MediaType, OfferKind
from core.api.serializers import StrictInputSerializer
from discovery.api.serializers import DiscoverInputSerializer

SAVED_EXAMPLE: dict[str, Any] = {
    "id": 4,
    "name": "Nineties thrillers",
    "media_type": "movie",
    "filters": {"genres": ["Thriller"], "year_from": 1990, "year_to": 1999},
    "created_at": "2026-12-04T21:00:00Z",
}


@extend_schema_field(DiscoverInputSerializer)
class FiltersField(serializers.DictField):
    """A Discover request's filters, as `POST /movies/search-by-filters` takes them."""


@extend_schema_serializer(
    component_name="SavedSearchInput",
    examples=[
        OpenApiExample(
            "Nineties thrillers",
            value={k: SAVED_EXAMPLE[k] for k in ("name", "media_type", "filters")},
            request_only=True,
        )
    ],
)
class SavedSearchInputSerializer(StrictInputSerializer):
    """A Discover request to keep: `filters` takes exactly the body of `POST /movies/search-by-filters`."""

    name = serializers.CharField(max_length=MAX_NAME_CHARS, trim_whitespace=True)
    media_type = serializers.ChoiceField(choices=MediaType.choices)
    filters = FiltersField(required=False, default=dict, help_text="The Discover request's filters.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        discover = DiscoverInputSerializer(
            data=attrs["filters"],
            context={"media_type": attrs["media_type"], "viewer": self.context["viewer"]},
        )
        if not discover.is_valid():
            raise serializers.ValidationError({"filters": discover.errors})
        return attrs


@extend_schema_serializer(
    component_name="SavedSearchRename",
    examples=[OpenApiExample("A new name", value={"name": "Thrillers of the 90s"}, request_only=True)],
)
class SavedSearchRenameInputSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=MAX_NAME_CHARS, trim_whitespace=True)


@extend_schema_serializer(
    component_name="SavedSearch",
    examples=[OpenApiExample("Saved", value=SAVED_EXAMPLE, response_only=True, status_codes=[200, 201])],
)
class SavedSearchOutputSerializer(serializers.ModelSerializer):
    media_type = serializers.ChoiceField(choices=MediaType.choices)
    filters = FiltersField(help_text="The filters given when it was saved (those with a value).")
    created_at = serializers.DateTimeField()

    class Meta:
        model = SavedSearch
        fields = ("id", "name", "media_type", "filters", "created_at")


ALERT_EXAMPLE: dict[str, Any] = {
    "id": 12,
    "kind": "new_match",
    "week": "2026-11-30",
    "title_id": 631,
    "title": "Heat",
    "year": 1995,
    "media_type": "movie",
    "saved_search_id": 4,
    "saved_search": "Nineties thrillers",
}


@extend_schema_serializer(
    component_name="AlertItem",
    examples=[OpenApiExample("A new match", value=ALERT_EXAMPLE, response_only=True, status_codes=[200])],
)
class AlertItemOutputSerializer(serializers.ModelSerializer):
    """A line of a weekly digest: a title added to the catalog that matches one of the saved searches."""

    kind = serializers.ChoiceField(choices=AlertItem.Kind.choices)
    week = serializers.DateField(help_text="The Monday of the digest's week.")
    title = serializers.CharField(source="title.title_en")
    year = serializers.IntegerField(source="title.year", allow_null=True)
    media_type = serializers.ChoiceField(source="title.media_type", choices=MediaType.choices)
    saved_search_id = serializers.IntegerField(allow_null=True)
    saved_search = serializers.CharField(source="saved_search.name", allow_null=True, default=None)

    class Meta:
        model = AlertItem
        fields = (
            "id",
            "kind",
            "week",
            "title_id",
            "title",
            "year",
            "media_type",
            "saved_search_id",
            "saved_search",
        )


ARRIVAL_EXAMPLE: dict[str, Any] = {
    "id": 31,
    "day": "2026-12-03",
    "title_id": 631,
    "title": "Heat",
    "year": 1995,
    "media_type": "movie",
    "region": "FR",
    "service": "netflix",
    "service_name": "Netflix",
    "kind": "flatrate",
}


@extend_schema_serializer(
    component_name="ServiceArrival",
    examples=[OpenApiExample("An arrival", value=ARRIVAL_EXAMPLE, response_only=True, status_codes=[200])],
)
class ServiceArrivalOutputSerializer(serializers.ModelSerializer):
    """A title on the caller's watch-later list that one of their services started offering in their
    country (JustWatch's data, through TMDB)."""

    day = serializers.DateField(help_text="The day (UTC) the service was first seen offering it.")
    title = serializers.CharField(source="title.title_en")
    year = serializers.IntegerField(source="title.year", allow_null=True)
    media_type = serializers.ChoiceField(source="title.media_type", choices=MediaType.choices)
    region = serializers.CharField(help_text="The caller's country then (ISO 3166-1 alpha-2).")
    service = serializers.CharField(
        source="brand", help_text="The service's key, as in `watch_services` and `GET /watch/services`."
    )
    service_name = serializers.CharField()
    kind = serializers.ChoiceField(
        choices=OfferKind.choices, help_text="How it is offered: subscription, free or free with ads."
    )

    class Meta:
        model = ServiceArrival
        fields = (
            "id",
            "day",
            "title_id",
            "title",
            "year",
            "media_type",
            "region",
            "service",
            "service_name",
            "kind",
        )
