"""The title card of API.md: its schema for every route that shows one, and the card of a title for library's
routes (the apps above library present titles through discovery's TitleCard, in the same shape)."""

from collections.abc import Iterable
from typing import Any

from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from catalog.localized import (
    GenreLabel,
    genre_labels,
    localized_overview,
    localized_title,
    localized_trailer_url,
    poster_url,
)
from catalog.models import MediaType, Title


def _language(serializer: serializers.Serializer) -> str:
    return serializer.context.get("language") or (get_language() or "en")[:2]


@extend_schema_serializer(component_name="Genre")
class GenreOutputSerializer(serializers.Serializer):
    """A genre: TMDB's id (what the discovery filters take) and its name in the request's language."""

    id = serializers.IntegerField(help_text="TMDB's genre id.")
    name = serializers.CharField(help_text="The genre's name in the request's language.")


def genre_data(labels: Iterable[GenreLabel]) -> list[dict[str, Any]]:
    """Genres as JSON, `[{"id": 18, "name": "Drama"}, …]`: the one spelling of every card's genres."""
    return [{"id": label.id, "name": label.name} for label in labels]


class TitleCardOutputSerializer(serializers.ModelSerializer):
    """MovieCard / TvShowCard. Genres must be prefetched; `user_status` comes from the context's statuses."""

    title = serializers.SerializerMethodField()
    original_title = serializers.CharField(allow_null=True)
    original_language = serializers.CharField(allow_null=True)
    overview = serializers.SerializerMethodField()
    genres = GenreOutputSerializer(
        many=True, read_only=True, help_text="The title's genres, in the order of their English names."
    )
    imdb_rating = serializers.FloatField(allow_null=True)
    poster_url = serializers.SerializerMethodField()
    trailer_url = serializers.SerializerMethodField()
    user_status = serializers.SerializerMethodField()

    class Meta:
        model = Title
        fields: tuple[str, ...] = (  # subclasses add theirs
            "id",
            "media_type",
            "tmdb_id",
            "imdb_id",
            "title",
            "original_title",
            "original_language",
            "overview",
            "year",
            "release_date",
            "genres",
            "runtime",
            "imdb_rating",
            "imdb_votes",
            "score",
            "poster_url",
            "trailer_url",
            "user_status",
        )
        read_only_fields = fields

    def get_title(self, obj: Title) -> str:
        return localized_title(obj, _language(self))

    def get_overview(self, obj: Title) -> str | None:
        return localized_overview(obj, _language(self))

    def get_genres(self, obj: Title) -> list[dict[str, Any]]:
        return genre_data(genre_labels(obj, _language(self)))

    def get_poster_url(self, obj: Title) -> str | None:
        return poster_url(obj)

    def get_trailer_url(self, obj: Title) -> str | None:
        return localized_trailer_url(obj, _language(self))

    def get_user_status(self, obj: Title) -> str | None:
        return self.context.get("statuses", {}).get(obj.pk)

    def to_representation(self, instance: Title) -> dict[str, Any]:
        """The card read straight off the title: DRF's field-by-field rendering, and building the fields of
        a ModelSerializer for every page, took a third of a feed request."""
        data: dict[str, Any] = {
            "id": instance.pk,
            "media_type": instance.media_type,
            "tmdb_id": instance.tmdb_id,
            "imdb_id": instance.imdb_id,
            "title": self.get_title(instance),
            "original_title": instance.original_title or None,
            "original_language": instance.original_language or None,
            "overview": self.get_overview(instance),
            "year": instance.year,
            "release_date": instance.release_date.isoformat() if instance.release_date else None,
            "genres": self.get_genres(instance),
            "runtime": instance.runtime,
            "imdb_rating": None if instance.imdb_rating is None else float(instance.imdb_rating),
            "imdb_votes": instance.imdb_votes,
            "score": instance.score,
            "poster_url": self.get_poster_url(instance),
            "trailer_url": self.get_trailer_url(instance),
            "user_status": self.get_user_status(instance),
        }
        if instance.media_type == MediaType.TV:
            data["first_air_year"] = instance.first_air_year
            data["last_air_year"] = instance.last_air_year
            data["number_of_seasons"] = instance.number_of_seasons
        return data
