"""The title card of API.md, localized field by field: the request's language, then English, then original."""

from typing import Any

from django.utils.translation import get_language
from rest_framework import serializers

from catalog.models import DataSource, MediaType, Title

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
    original_title = serializers.CharField(allow_null=True)
    original_language = serializers.CharField(allow_null=True)
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
        """The card read straight off the title. DRF's field-by-field rendering, and building the fields of
        a ModelSerializer for every page, took a third of a feed request; a subclass's own fields are still
        rendered by DRF."""
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
        extra = [name for name in self.Meta.fields if name not in data]
        if extra:
            fields = self.fields
            for name in extra:
                attribute = fields[name].get_attribute(instance)
                data[name] = None if attribute is None else fields[name].to_representation(attribute)
        return data


class TitleDetailOutputSerializer(TitleCardOutputSerializer):
    """A card with what a title page shows: people, countries, every rating with its source and date."""

    def to_representation(self, instance: Title) -> dict[str, Any]:
        data = super().to_representation(instance)
        data.update(
            directors=instance.directors,
            writers=instance.writers,
            cast=instance.cast,
            countries=instance.countries,
            alternate_titles=instance.alternate_titles,
            ratings=title_ratings(instance),
            overview_source=_source(
                instance.overview_source, article=instance.provenance.get("overview_article")
            ),
            source=_source(instance.source),
        )
        return data


def _source(source: DataSource | None, **extra: str | None) -> dict[str, Any] | None:
    if source is None:
        return None
    body = {"name": source.name, "licence": source.licence, "attribution": source.attribution}
    return body | {k: v for k, v in extra.items() if v}


def title_ratings(title: Title) -> list[dict[str, Any]]:
    """Every rating we hold, with who gave it and as of when; `used_for_score` marks the ranking one."""
    ratings: list[dict[str, Any]] = []
    score_from_imdb = title.imdb_rating is not None and bool(title.imdb_votes)
    if title.imdb_rating is not None:
        source = title.rating_source
        ratings.append(
            {
                "source": "imdb",
                "provider": source.name if source else None,
                "value": float(title.imdb_rating),
                "votes": title.imdb_votes,
                "as_of": title.rating_as_of.isoformat()
                if title.rating_as_of
                else (source.data_as_of if source else None),
                "used_for_score": score_from_imdb,
            }
        )
    if title.critics_rating is not None:
        ratings.append(
            {
                "source": "critics",
                "provider": title.source.name,
                "value": float(title.critics_rating),
                "reviews": title.critics_reviews,
                "meter": title.critics_meter,
                "as_of": title.source.data_as_of or None,
                "used_for_score": not score_from_imdb and title.score is not None,
            }
        )
    if title.metacritic is not None:
        ratings.append(
            {
                "source": "metacritic",
                "provider": title.source.name,
                "value": title.metacritic,
                "scale": 100,
                "as_of": title.source.data_as_of or None,
                "used_for_score": False,
            }
        )
    return ratings
