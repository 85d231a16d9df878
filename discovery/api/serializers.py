"""The input of the discovery routes: DRF parses JSON, `discovery.filters` checks what it means."""

from typing import Any

from django.core.exceptions import ValidationError
from rest_framework import serializers

from core.api.pagination import PageInputSerializer
from core.api.serializers import StrictInputSerializer
from discovery.filters import (
    BOUNDS,
    MAX_GENRE_CHARS,
    MAX_LANGUAGE_CHARS,
    MAX_QUERY_CHARS,
    MAX_VALUES,
    DiscoveryFilters,
    SortBy,
    discovery_filters_from,
    keyword_query_from,
)


def _names(max_chars: int) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=max_chars), required=False, max_length=MAX_VALUES
    )


def _bounded(field: type[serializers.Field], name: str) -> serializers.Field:
    low, high = BOUNDS[name]
    return field(min_value=low, max_value=high, required=False, allow_null=True)


class DiscoverInputSerializer(StrictInputSerializer, PageInputSerializer):
    """POST /{movies,tvshows}/search-by-filters: every filter optional (API.md)."""

    genres = _names(MAX_GENRE_CHARS)
    exclude_genres = _names(MAX_GENRE_CHARS)
    year_from = _bounded(serializers.IntegerField, "year_from")
    year_to = _bounded(serializers.IntegerField, "year_to")
    min_rating = _bounded(serializers.FloatField, "min_rating")
    min_votes = _bounded(serializers.IntegerField, "min_votes")
    languages = _names(MAX_LANGUAGE_CHARS)
    runtime_min = _bounded(serializers.IntegerField, "runtime_min")
    runtime_max = _bounded(serializers.IntegerField, "runtime_max")
    sort_by = serializers.ChoiceField(choices=SortBy.choices, default=SortBy.SCORE)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        # A Django ValidationError keeps its per-field messages: DRF reports them field by field.
        self._filters = discovery_filters_from(attrs, media_type=self.context["media_type"])
        return attrs

    def filters(self) -> DiscoveryFilters:
        return self._filters


class KeywordSearchInputSerializer(StrictInputSerializer, PageInputSerializer):
    query = serializers.CharField(max_length=MAX_QUERY_CHARS, trim_whitespace=True)

    def validate_query(self, value: str) -> str:
        try:
            return keyword_query_from(value)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
