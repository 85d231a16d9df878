"""The title card: its schema for every route that shows one, and the card of a title for library's routes
(the apps above library present titles through discovery's TitleCard, in the same shape).

Class docstrings and help texts here are published in the OpenAPI schema: they speak to client authors.
"""

from collections.abc import Iterable
from typing import Any

from django.utils.translation import get_language
from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_serializer
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
from catalog.ranking import shown_rating


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


# library.models.Status's values (catalog sits below library; tests/core/test_schema.py checks they agree):
# one enum, EntryStatusEnum, for a card's `user_status` and an entry's `status`.
USER_STATUSES = ("seen", "later", "hidden")
SCORE_SOURCES = ("imdb", "critics", "movielens")  # catalog.models.ScoreSource's values: ScoreSourceEnum

# A movie card, as every route shows one (the schema's example of TitleCard).
CARD_EXAMPLE: dict[str, Any] = {
    "id": 42,
    "media_type": "movie",
    "tmdb_id": 550,
    "imdb_id": "tt0137523",
    "title": "Fight Club",
    "original_title": "Fight Club",
    "original_language": "en",
    "overview": "A ticking-time-bomb insomniac and a slippery soap salesman channel primal male aggression "
    "into a shocking new form of therapy.",
    "year": 1999,
    "release_date": "1999-10-15",
    "genres": [{"id": 18, "name": "Drama"}],
    "runtime": 139,
    "imdb_rating": 8.8,
    "imdb_votes": 2300000,
    "score": 8.71,
    "poster_url": "https://image.tmdb.org/t/p/w500/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg",
    "trailer_url": None,
    "user_status": None,
    "first_air_year": None,
    "last_air_year": None,
    "number_of_seasons": None,
    "catalog_rating": 8.8,
    "catalog_rating_source": "imdb",
}


@extend_schema_serializer(
    component_name="TitleCard", examples=[OpenApiExample("A movie", value=CARD_EXAMPLE, response_only=True)]
)
class TitleCardOutputSerializer(serializers.ModelSerializer):
    """A movie or a TV show, in the request's language, with the caller's status.

    Every card has every field: those a title does not have are null (`first_air_year`, `last_air_year` and
    `number_of_seasons` are for TV shows, null on movies).
    """

    id = serializers.IntegerField(help_text="The title's id here (the paths' `title_id`).")
    media_type = serializers.ChoiceField(choices=MediaType.choices)
    tmdb_id = serializers.IntegerField(allow_null=True, help_text="The Movie Database's id.")
    imdb_id = serializers.CharField(allow_null=True, help_text="IMDb's id, such as `tt0137523`.")
    title = serializers.SerializerMethodField(help_text="In the request's language when we have it.")
    original_title = serializers.CharField(allow_null=True)
    original_language = serializers.CharField(
        allow_null=True, help_text="ISO 639-1 code, such as `fr` (ISO 639-3 without one)."
    )
    overview = serializers.SerializerMethodField()
    year = serializers.IntegerField(allow_null=True)
    release_date = serializers.DateField(allow_null=True)
    genres = GenreOutputSerializer(
        many=True, read_only=True, help_text="The title's genres, in the order of their English names."
    )
    runtime = serializers.IntegerField(allow_null=True, help_text="Minutes.")
    imdb_rating = serializers.FloatField(allow_null=True, help_text="Out of 10.")
    imdb_votes = serializers.IntegerField(allow_null=True)
    score = serializers.FloatField(
        allow_null=True, help_text="The ranking score, out of 10: the rating weighed by how many voted."
    )
    poster_url = serializers.SerializerMethodField()
    trailer_url = serializers.SerializerMethodField()
    user_status = serializers.SerializerMethodField(
        help_text="The caller's status for this title; null for anonymous callers and titles they have not "
        "marked."
    )
    first_air_year = serializers.IntegerField(allow_null=True, help_text="TV shows only: null on movies.")
    last_air_year = serializers.IntegerField(allow_null=True, help_text="TV shows only: null on movies.")
    number_of_seasons = serializers.IntegerField(allow_null=True, help_text="TV shows only: null on movies.")
    catalog_rating = serializers.SerializerMethodField(
        help_text="The rating the filters' `min_rating` compares, to one decimal, on IMDb's scale: IMDb's "
        "rating, else the MovieLens community's or the critics' average calibrated onto that scale "
        "(`catalog_rating_source`). `score` weighs it by its votes; an entry's `rating` is the member's own."
    )
    catalog_rating_source = serializers.SerializerMethodField(
        help_text="Where `catalog_rating` comes from: `imdb`, `movielens` or `critics` (calibrated)."
    )

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
            "first_air_year",
            "last_air_year",
            "number_of_seasons",
            "catalog_rating",
            "catalog_rating_source",
        )
        read_only_fields = fields

    def get_title(self, obj: Title) -> str:
        return localized_title(obj, _language(self))

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_overview(self, obj: Title) -> str | None:
        return localized_overview(obj, _language(self))

    def get_genres(self, obj: Title) -> list[dict[str, Any]]:
        return genre_data(genre_labels(obj, _language(self)))

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_poster_url(self, obj: Title) -> str | None:
        return poster_url(obj)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_trailer_url(self, obj: Title) -> str | None:
        return localized_trailer_url(obj, _language(self))

    @extend_schema_field(serializers.ChoiceField(choices=USER_STATUSES, allow_null=True))
    def get_user_status(self, obj: Title) -> str | None:
        return self.context.get("statuses", {}).get(obj.pk)

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_catalog_rating(self, obj: Title) -> float | None:
        return shown_rating(obj.rating)

    @extend_schema_field(serializers.ChoiceField(choices=SCORE_SOURCES, allow_null=True))
    def get_catalog_rating_source(self, obj: Title) -> str | None:
        return (obj.score_source or None) if obj.rating is not None else None

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
        tv = instance.media_type == MediaType.TV
        data["first_air_year"] = instance.first_air_year if tv else None
        data["last_air_year"] = instance.last_air_year if tv else None
        data["number_of_seasons"] = instance.number_of_seasons if tv else None
        data["catalog_rating"] = self.get_catalog_rating(instance)
        data["catalog_rating_source"] = self.get_catalog_rating_source(instance)
        return data
