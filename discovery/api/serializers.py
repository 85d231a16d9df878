"""The discovery routes' input (DRF parses JSON, `discovery.filters` checks what it means) and their cards
(discovery's TitleCard, in the shape catalog's TitleCardOutputSerializer describes)."""

from dataclasses import fields
from typing import Any

from django.core.exceptions import ValidationError
from rest_framework import serializers

from catalog.api.serializers import TitleCardOutputSerializer, genre_data
from catalog.models import MediaType
from core.api.serializers import StrictInputSerializer
from discovery.cards import Credit, RatingLine, TitleCard, TitleDetail
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


def _bounded(
    field: type[serializers.IntegerField] | type[serializers.FloatField], name: str
) -> serializers.IntegerField | serializers.FloatField:
    low, high = BOUNDS[name]
    return field(min_value=low, max_value=high, required=False, allow_null=True)


class DiscoverInputSerializer(StrictInputSerializer):
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


class KeywordSearchInputSerializer(StrictInputSerializer):
    query = serializers.CharField(max_length=MAX_QUERY_CHARS, trim_whitespace=True)

    def validate_query(self, value: str) -> str:
        try:
            return keyword_query_from(value)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


# ---------------------------------------------------------------- output

_TV_ONLY = ("first_air_year", "last_air_year", "number_of_seasons")
_CARD_FIELDS = tuple(f.name for f in fields(TitleCard) if f.name not in _TV_ONLY)


def card_data(card: TitleCard) -> dict[str, Any]:
    """A card as JSON: TitleCardOutput, with a TV show's years and seasons on TV shows only."""
    data = {name: getattr(card, name) for name in _CARD_FIELDS}
    data["genres"] = genre_data(card.genres)
    data["release_date"] = card.release_date.isoformat() if card.release_date else None
    if card.media_type == MediaType.TV:
        data.update({name: getattr(card, name) for name in _TV_ONLY})
    return data


_RATING_FACTS = {"imdb": ("votes",), "critics": ("reviews", "meter"), "metacritic": ("scale",)}


def _rating_data(rating: RatingLine) -> dict[str, Any]:
    facts = {name: getattr(rating, name) for name in _RATING_FACTS[rating.source]}
    return {
        "source": rating.source,
        "provider": rating.provider,
        "value": rating.value,
        **facts,
        "as_of": rating.as_of.isoformat() if rating.as_of else None,
        "as_of_year": rating.as_of_year,
        "used_for_score": rating.used_for_score,
    }


def _credit_data(credit: Credit | None) -> dict[str, Any] | None:
    if credit is None:
        return None
    data = {"name": credit.name, "licence": credit.licence, "attribution": credit.attribution}
    return data | ({"article": credit.article} if credit.article else {})


class TitleDetailOutputSerializer(TitleCardOutputSerializer):
    """A card with what a title page shows: people, countries, every rating with its source and date."""

    # The card serializer's subclass for the schema (TitleDetailOutput); it renders discovery's TitleDetail.
    def to_representation(self, instance: TitleDetail) -> dict[str, Any]:  # type: ignore[override]
        return {
            **card_data(instance),
            "directors": list(instance.directors),
            "writers": list(instance.writers),
            "cast": list(instance.cast),
            "countries": list(instance.countries),
            "alternate_titles": list(instance.alternate_titles),
            "ratings": [_rating_data(r) for r in instance.ratings],
            "overview_source": _credit_data(instance.overview_source),
            "source": _credit_data(instance.source),
        }
