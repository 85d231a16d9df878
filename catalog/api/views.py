"""The catalog's vocabularies, for clients building filters: its genres, its titles' original languages and
the streaming services of a country.

Public (a token is not read) and the same for every caller in a language: `Cache-Control: public`.
"""

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from catalog.api.serializers import GenreOutputSerializer, genre_data
from catalog.localized import genre_label
from catalog.models import MediaType
from catalog.offers import services_in
from catalog.selectors import genres_of, original_languages
from catalog.text import strip_accents
from core.api.caching import CachePolicy
from core.api.pagination import page_body, page_of
from core.api.views import PublicApi
from core.names import language_name


class GenreListInputSerializer(serializers.Serializer):
    media_type = serializers.ChoiceField(choices=MediaType.choices, default=MediaType.MOVIE)


class LanguageListInputSerializer(serializers.Serializer):
    media_type = serializers.ChoiceField(
        choices=MediaType.choices, required=False, help_text="Only the languages of movies, or of TV shows."
    )


@extend_schema_serializer(component_name="Language")
class LanguageOutputSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="ISO 639-1 code, or ISO 639-3 for a language without one (`ary`), as the discovery "
        "filters' `languages` take it."
    )
    name = serializers.CharField(help_text="The language's name in the request's language.")
    count = serializers.IntegerField(help_text="How many titles of the catalog are originally in it.")


def _whole_list(results: list[dict[str, object]]) -> dict[str, object]:
    """A whole list in the API's page envelope: one page, no next one."""
    return page_body(results, next_url=None, count=len(results))


class CatalogListApi(PublicApi):
    cache_policy = CachePolicy.PUBLIC


class GenreListApi(CatalogListApi):
    @extend_schema(
        parameters=[GenreListInputSerializer],
        responses={200: page_of("GenreList", GenreOutputSerializer, count=True)},
        examples=[
            OpenApiExample(
                "French",
                value=_whole_list([{"id": 28, "name": "Action"}, {"id": 12, "name": "Aventure"}]),
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        """List the genres.

        Anyone may call it (a token is not read). TMDB's genres for movies, or for TV shows with
        `media_type=tv`: their ids, which the discovery filters take (as they take the names), and their names
        in the request's language, in alphabetical order. The whole list in one page.
        """
        params = GenreListInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        language = request.LANGUAGE_CODE
        labels = sorted(
            (genre_label(g, language) for g in genres_of(params.validated_data["media_type"])),
            key=lambda label: strip_accents(label.name).casefold(),
        )
        return Response(_whole_list(genre_data(labels)))


class LanguageListApi(CatalogListApi):
    @extend_schema(
        parameters=[LanguageListInputSerializer],
        responses={200: page_of("LanguageList", LanguageOutputSerializer, count=True)},
        examples=[
            OpenApiExample(
                "English",
                value=_whole_list(
                    [
                        {"code": "en", "name": "English", "count": 12150},
                        {"code": "fr", "name": "French", "count": 940},
                    ]
                ),
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        """List the original languages of the catalog's titles.

        Anyone may call it (a token is not read). ISO 639-1 codes (ISO 639-3 for a language without one),
        which the discovery filters' `languages` take, with their names in the request's language and how
        many titles each has, most used first; of movies or TV shows only with `media_type`. The whole list
        in one page.
        """
        params = LanguageListInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        language = request.LANGUAGE_CODE
        languages = original_languages(media_type=params.validated_data.get("media_type"))
        results = [
            {"code": code, "name": language_name(code, language), "count": count} for code, count in languages
        ]
        return Response(_whole_list(results))


class WatchServiceListInputSerializer(serializers.Serializer):
    country = serializers.RegexField(
        r"^[A-Za-z]{2}$", help_text="ISO 3166-1 alpha-2 code of the country (`FR`, `US`)."
    )


@extend_schema_serializer(component_name="WatchService")
class WatchServiceOutputSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The service's key, as `watch_services` of `/users/me` takes it.")
    name = serializers.CharField(help_text="The service's name as TMDB writes it.")
    provider_ids = serializers.ListField(
        child=serializers.IntegerField(), help_text="TMDB's provider ids of this service (one or more)."
    )
    logo_url = serializers.URLField(allow_null=True)


class WatchServiceListApi(CatalogListApi):
    @extend_schema(
        parameters=[WatchServiceListInputSerializer],
        responses={200: page_of("WatchServiceList", WatchServiceOutputSerializer, count=True)},
        examples=[
            OpenApiExample(
                "France",
                value=_whole_list(
                    [
                        {
                            "key": "netflix",
                            "name": "Netflix",
                            "provider_ids": [8],
                            "logo_url": "https://image.tmdb.org/t/p/w92/pbpMk2JmcoNnQwx5JGpXngfoWtp.jpg",
                        },
                        {
                            "key": "amazonprimevideo",
                            "name": "Amazon Prime Video",
                            "provider_ids": [9, 119],
                            "logo_url": "https://image.tmdb.org/t/p/w92/dQeAar5H991VYporEjUspolDarG.jpg",
                        },
                    ]
                ),
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        """List the streaming services of a country.

        Anyone may call it (a token is not read). TMDB's watch providers (JustWatch's data) for movies and
        TV shows in `country`, in TMDB's display order there; one entry per service whatever the number of
        TMDB ids it has. Empty when the deployment has no TMDB key (there is then no where-to-watch data).
        """
        params = WatchServiceListInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        services = services_in(params.validated_data["country"].upper())
        return Response(
            _whole_list(
                [
                    {
                        "key": s.brand,
                        "name": s.name,
                        "provider_ids": list(s.provider_ids),
                        "logo_url": s.logo_url,
                    }
                    for s in services
                ]
            )
        )
