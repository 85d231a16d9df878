"""The title card of API.md, localized field by field: the request's language, then English, then original."""

from typing import Any

import pycountry
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from rest_framework import serializers

from catalog.models import DataSource, MediaType, Title
from catalog.search import search_query
from catalog.selectors import DiscoveryFilters, SortBy, genres_resolve
from core.api.pagination import PageInputSerializer
from core.api.serializers import StrictInputSerializer

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


def _names(values: list[Any]) -> list[str]:
    return [str(v).strip() for v in values if str(v).strip()]


class DiscoverInputSerializer(StrictInputSerializer, PageInputSerializer):
    """POST /{movies,tvshows}/search-by-filters: every filter optional (API.md)."""

    genres = serializers.ListField(child=serializers.CharField(max_length=60), required=False, max_length=40)
    exclude_genres = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, max_length=40
    )
    year_from = serializers.IntegerField(min_value=1870, max_value=2100, required=False, allow_null=True)
    year_to = serializers.IntegerField(min_value=1870, max_value=2100, required=False, allow_null=True)
    min_rating = serializers.FloatField(min_value=0, max_value=10, required=False, allow_null=True)
    min_votes = serializers.IntegerField(min_value=0, max_value=10**9, required=False, allow_null=True)
    languages = serializers.ListField(
        child=serializers.CharField(max_length=8), required=False, max_length=40
    )
    runtime_min = serializers.IntegerField(min_value=0, max_value=2000, required=False, allow_null=True)
    runtime_max = serializers.IntegerField(min_value=0, max_value=2000, required=False, allow_null=True)
    sort_by = serializers.ChoiceField(choices=SortBy.choices, default=SortBy.SCORE)

    def validate_languages(self, values: list[str]) -> list[str]:
        codes = [v.strip().lower() for v in values]
        unknown = [c for c in codes if len(c) != 2 or pycountry.languages.get(alpha_2=c) is None]
        if unknown:
            raise serializers.ValidationError(
                _("Unknown ISO 639-1 language code(s): %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        return codes

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        media_type = self.context["media_type"]
        errors: dict[str, list[str]] = {}
        for field in ("genres", "exclude_genres"):
            found, unknown = genres_resolve(_names(attrs.get(field, [])), media_type=media_type)
            if unknown:
                errors[field] = [_("Unknown genre(s): %(names)s.") % {"names": ", ".join(unknown)}]
            attrs[field] = tuple(g.pk for g in found)
        for low, high in (("year_from", "year_to"), ("runtime_min", "runtime_max")):
            if attrs.get(low) is not None and attrs.get(high) is not None and attrs[low] > attrs[high]:
                errors[high] = [_("Must be greater than or equal to %(field)s.") % {"field": low}]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def filters(self) -> DiscoveryFilters:
        data = {k: v for k, v in self.validated_data.items() if k not in ("page", "page_size")}
        data["languages"] = tuple(data.get("languages", ()))
        return DiscoveryFilters(**data)


class KeywordSearchInputSerializer(StrictInputSerializer, PageInputSerializer):
    query = serializers.CharField(max_length=200, trim_whitespace=True)

    def validate_query(self, value: str) -> str:
        if not search_query(value):
            raise serializers.ValidationError(_("Type at least one letter or digit."))
        return value
