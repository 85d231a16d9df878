"""The title card of API.md, localized field by field: the request's language, then English, then original."""

from typing import Any

from django.utils.translation import get_language
from rest_framework import serializers

from catalog.models import MediaType, Title

POSTER_BASE_URL = "https://image.tmdb.org/t/p/w500"


def _language(serializer: serializers.Serializer) -> str:
    return serializer.context.get("language") or (get_language() or "en")[:2]


def localized_title(title: Title, language: str) -> str:
    if language == "fr" and title.title_fr:
        return title.title_fr
    return title.title_en or title.original_title


class TitleCardOutputSerializer(serializers.ModelSerializer):
    """MovieCard / TvShowCard. Genres must be prefetched; `user_status` comes from the context's statuses."""

    title = serializers.SerializerMethodField()
    overview = serializers.SerializerMethodField()
    genres = serializers.SerializerMethodField()
    imdb_rating = serializers.FloatField(allow_null=True)
    poster_url = serializers.SerializerMethodField()
    trailer_url = serializers.SerializerMethodField()
    user_status = serializers.SerializerMethodField()

    class Meta:
        model = Title
        fields = (
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
        text = obj.overview_fr if _language(self) == "fr" and obj.overview_fr else obj.overview_en
        return text or None

    def get_genres(self, obj: Title) -> list[str]:
        language = _language(self)
        return [g.name(language) for g in sorted(obj.genres.all(), key=lambda g: g.name_en)]

    def get_poster_url(self, obj: Title) -> str | None:
        return f"{POSTER_BASE_URL}{obj.poster_path}" if obj.poster_path else None

    def get_trailer_url(self, obj: Title) -> str | None:
        url = obj.trailer_url_fr if _language(self) == "fr" and obj.trailer_url_fr else obj.trailer_url_en
        return url or None

    def get_user_status(self, obj: Title) -> str | None:
        return self.context.get("statuses", {}).get(obj.pk)

    def to_representation(self, instance: Title) -> dict[str, Any]:
        data = super().to_representation(instance)
        if data["original_title"] == "":
            data["original_title"] = None
        if data["original_language"] == "":
            data["original_language"] = None
        if instance.media_type == MediaType.TV:
            data["first_air_year"] = instance.first_air_year
            data["last_air_year"] = instance.last_air_year
            data["number_of_seasons"] = instance.number_of_seasons
        return data
