from datetime import timedelta
from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.admin_curation import CurationAdmin
from catalog.ingest.clients import tmdb_is_configured
from catalog.ingest.enrichment import titles_refresh_enqueue
from catalog.models import DataSource, Genre, MediaType, Movie, Title, TvShow
from catalog.text import normalize_text
from core.parsing import whole_number

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise, WithAnnotations


class _Counted(TypedDict):
    title_count: int  # annotated by the changelist's queryset


REFRESH_ACTION_LIMIT = 500  # titles per click: larger sets are the sweep's or `refresh_titles`' job


class DecadeFilter(admin.SimpleListFilter):
    title = _("decade")
    parameter_name = "decade"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        years = model_admin.get_queryset(request).exclude(year__isnull=True).values_list("year", flat=True)
        decades = sorted({year // 10 * 10 for year in years.distinct()}, reverse=True)
        return [(str(d), f"{d}s") for d in decades]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Title]) -> QuerySet[Title]:
        start = whole_number(self.value(), min_value=0, max_value=9990)
        return queryset if start is None else queryset.filter(year__gte=start, year__lt=start + 10)


class OriginalLanguageFilter(admin.SimpleListFilter):
    title = _("original language")
    parameter_name = "language"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        rows = (
            model_admin.get_queryset(request)
            .exclude(original_language="")
            .values("original_language")
            .annotate(n=Count("pk"))
            .order_by("-n")[:30]
        )
        return [(r["original_language"], f"{r['original_language']} ({r['n']})") for r in rows]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Title]) -> QuerySet[Title]:
        return queryset.filter(original_language=self.value()) if self.value() else queryset


class StaleCacheFilter(admin.SimpleListFilter):
    title = _("provider cache")
    parameter_name = "cache"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin
    ) -> list[tuple[str, "StrOrPromise"]]:
        return [
            ("never", _("never refreshed")),
            ("stale", _("stale (older than the refresh period)")),
            ("fresh", _("fresh")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Title]) -> QuerySet[Title]:
        cutoff = timezone.now() - timedelta(days=settings.CATALOG_CACHE_MAX_AGE_DAYS)
        match self.value():
            case "never":
                return queryset.filter(cache_update_date__isnull=True)
            case "stale":
                return queryset.filter(Q(cache_update_date__isnull=True) | Q(cache_update_date__lt=cutoff))
            case "fresh":
                return queryset.filter(cache_update_date__gte=cutoff)
        return queryset


class GenreFilter(admin.RelatedFieldListFilter):
    def field_choices(self, field, request, model_admin):
        return [(g.pk, str(g)) for g in Genre.objects.order_by("name_en")]


class TitleAdmin(CurationAdmin):  # history and locked fields (catalog/admin_curation.py)
    """Shared by the Movies and TV shows entries; each restricts the rows to its media type."""

    media_type: str = ""
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = (
        "title_en",
        "title_fr",
        "year",
        "original_language",
        "imdb_rating",
        "imdb_votes",
        "score",
        "genre_list",
        "source",
        "cache_update_date",
    )
    list_filter = (("genres", GenreFilter), DecadeFilter, OriginalLanguageFilter, "source", StaleCacheFilter)
    search_fields = (
        "title_en",
        "title_fr",
        "original_title",
        "=imdb_id",
        "=tmdb_id",
        "search_title",
        "search_people",
    )
    search_help_text = _(
        "Titles in every language, alternate titles, directors and cast; or an exact IMDb/TMDB id."
    )
    ordering = ("-score",)
    list_per_page = 50
    show_full_result_count = False
    filter_horizontal = ("genres",)
    actions = ("refresh_now",)
    readonly_fields = (
        "imdb_rating",
        "imdb_votes",
        "rating_source",
        "rating_as_of",
        "critics_rating",
        "critics_reviews",
        "critics_meter",
        "metacritic",
        "movielens_rating",
        "movielens_ratings",
        "score",
        "score_source",
        "source",
        "source_key",
        "overview_source",
        "provenance",
        "cache_update_date",
        "refresh_attempted_at",
        "refresh_error",
        "movielens_id",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "media_type",
                    "title_en",
                    "title_fr",
                    "original_title",
                    "original_language",
                    "alternate_titles",
                    "genres",
                )
            },
        ),
        (
            _("Details"),
            {
                "fields": (
                    "year",
                    "release_date",
                    "runtime",
                    "first_air_year",
                    "last_air_year",
                    "number_of_seasons",
                    "directors",
                    "writers",
                    "cast",
                    "countries",
                )
            },
        ),
        (
            _("Texts and media"),
            {"fields": ("overview_en", "overview_fr", "trailer_url_en", "trailer_url_fr", "poster_path")},
        ),
        (_("Identifiers"), {"fields": ("imdb_id", "tmdb_id", "movielens_id")}),
        (
            _("Ratings (from providers)"),
            {
                "fields": (
                    "imdb_rating",
                    "imdb_votes",
                    "rating_source",
                    "rating_as_of",
                    "critics_rating",
                    "critics_reviews",
                    "critics_meter",
                    "metacritic",
                    "movielens_rating",
                    "movielens_ratings",
                    "score",
                    "score_source",
                )
            },
        ),
        (
            _("Provenance"),
            {
                "fields": (
                    "source",
                    "source_key",
                    "overview_source",
                    "provenance",
                    "cache_update_date",
                    "refresh_attempted_at",
                    "refresh_error",
                    "created_at",
                    "updated_at",
                )
            },
        ),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Title]:
        return super().get_queryset(request).select_related("source").prefetch_related("genres")

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Title], search_term: str):
        # The search columns are accent-free and lowercase: "amelie" finds "Amélie", "tautou" her films.
        return super().get_search_results(request, queryset, normalize_text(search_term))

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, str | list[str]]:
        return {"media_type": self.media_type}

    @admin.display(description=_("genres"))
    def genre_list(self, obj: Title) -> str:
        return ", ".join(g.name_en for g in obj.genres.all())

    @admin.action(description=_("Refresh from TMDB/OMDb now"))
    def refresh_now(self, request: HttpRequest, queryset: QuerySet[Title]) -> None:
        if not tmdb_is_configured():
            self.message_user(
                request,
                _("No TMDB key is set (TMDB_API_KEY or TMDB_READ_TOKEN): nothing to refresh from."),
                messages.ERROR,
            )
            return
        queued = titles_refresh_enqueue(
            queryset.values_list("pk", flat=True)[:REFRESH_ACTION_LIMIT], force=True
        )
        self.message_user(
            request,
            _("Refresh requested for %(count)d titles: see their last refresh time and last error.")
            % {"count": len(queued)},
            messages.SUCCESS,
        )


@admin.register(Movie)
class MovieAdmin(TitleAdmin):
    media_type = MediaType.MOVIE


@admin.register(TvShow)
class TvShowAdmin(TitleAdmin):
    media_type = MediaType.TV
    list_display = (
        "title_en",
        "title_fr",
        "first_air_year",
        "last_air_year",
        "original_language",
        "imdb_rating",
        "score",
        "genre_list",
        "source",
        "cache_update_date",
    )


@admin.register(Genre)
class GenreAdmin(CurationAdmin):  # history and locked fields (catalog/admin_curation.py)
    list_display = ("tmdb_id", "name_en", "name_fr", "for_movies", "for_tv", "title_count")
    list_filter = ("for_movies", "for_tv")
    search_fields = ("name_en", "name_fr", "=tmdb_id")
    ordering = ("name_en",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Genre]:
        return super().get_queryset(request).annotate(title_count=Count("titles"))

    @admin.display(description=_("titles"), ordering="title_count")
    def title_count(self, obj: "WithAnnotations[Genre, _Counted]") -> int:
        return obj.title_count


@admin.register(DataSource)
class DataSourceAdmin(CurationAdmin):  # history and locked fields (catalog/admin_curation.py)
    list_display = ("name", "version", "licence", "data_as_of", "loaded_at", "title_count")
    readonly_fields = ("key", "loaded_at", "created_at", "updated_at")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    search_fields = ("name", "licence")

    def get_queryset(self, request: HttpRequest) -> QuerySet[DataSource]:
        return super().get_queryset(request).annotate(title_count=Count("titles"))

    @admin.display(description=_("titles"), ordering="title_count")
    def title_count(self, obj: "WithAnnotations[DataSource, _Counted]") -> int:
        return obj.title_count
