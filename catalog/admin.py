from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypedDict

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.db import models
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.admin_curation import CurationAdmin
from catalog.curation import GENRES, curated_bulk_edit
from catalog.ingest.clients import tmdb_is_configured
from catalog.ingest.enrichment import titles_refresh_enqueue
from catalog.models import DataSource, Genre, Keyword, MediaType, Movie, Title, TvShow, is_imdb_id
from catalog.search import search
from catalog.selectors import data_source_contributions
from catalog.services import MergeError, staff_source, titles_hide, titles_merge
from catalog.signals import titles_changed
from catalog.validators import join_names, split_names
from core.parsing import whole_number

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise, WithAnnotations


class _Counted(TypedDict):
    title_count: int  # annotated by the changelist's queryset


REFRESH_ACTION_LIMIT = 500  # titles per click: larger sets are the sweep's or `refresh_titles`' job
DELETE_LIMIT = 50  # titles really deleted per click; more are hidden from the catalog instead


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
            case "stale":  # refreshed once, long ago: a title never refreshed is "never", not stale
                return queryset.filter(cache_update_date__lt=cutoff)
            case "fresh":
                return queryset.filter(cache_update_date__gte=cutoff)
        return queryset


class GenreFilter(admin.RelatedFieldListFilter):
    def field_choices(self, field, request, model_admin):
        return [(g.pk, str(g)) for g in Genre.objects.order_by("name_en")]


# ---------------------------------------------------------------- curation: worklists, forms, search


class WorklistFilter(admin.SimpleListFilter):
    """What is left to curate."""

    title = _("worklist")
    parameter_name = "todo"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin
    ) -> list[tuple[str, "StrOrPromise"]]:
        return [
            ("no_fr", _("no French title")),
            ("no_genre", _("no genre")),
            ("refresh_failed", _("refresh failed")),
            ("hidden", _("hidden from the catalog")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Title]) -> QuerySet[Title]:
        match self.value():
            case "no_fr":
                return queryset.filter(title_fr="")
            case "no_genre":
                return queryset.filter(genres__isnull=True)
            case "refresh_failed":
                return queryset.exclude(refresh_error="")
            case "hidden":
                return queryset.filter(hidden=True)
        return queryset


class NameListField(forms.Field):
    """A list of names typed one per line (people, alternate titles), stored as a JSON list."""

    widget = forms.Textarea(attrs={"rows": 3, "cols": 60})

    def prepare_value(self, value: object) -> str:
        return join_names(value)

    def to_python(self, value: object) -> list[str]:
        return split_names(value) if isinstance(value, str) else []


class CodeListField(NameListField):
    """Country codes, one per line or separated by commas; two letters are capitalized ("fr" is "FR")."""

    widget = forms.Textarea(attrs={"rows": 2, "cols": 30})

    def to_python(self, value: object) -> list[str]:
        if not isinstance(value, str):
            return []
        codes = [c.strip() for line in value.splitlines() for c in line.split(",") if c.strip()]
        return list(dict.fromkeys(c.upper() if len(c) == 2 else c for c in codes))


NAME_FIELDS = ("directors", "writers", "cast", "alternate_titles")


class TitleForm(forms.ModelForm):
    media_type_fixed = ""  # set by the admin: the media type of the titles it adds

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.media_type:
            self.instance.media_type = self.media_type_fixed


class GenreActionForm(ActionForm):
    genre = forms.ModelChoiceField(Genre.objects.all(), required=False, label=_("genre"))


class MovieGenreActionForm(GenreActionForm):
    genre = forms.ModelChoiceField(Genre.objects.filter(for_movies=True), required=False, label=_("genre"))


class TvGenreActionForm(GenreActionForm):
    genre = forms.ModelChoiceField(Genre.objects.filter(for_tv=True), required=False, label=_("genre"))


class RankedChangeList(ChangeList):
    """A search lists titles by relevance, as the public search does, unless a column is clicked."""

    def get_queryset(
        self, request: HttpRequest, exclude_parameters: list[str | None] | None = None
    ) -> QuerySet:
        queryset = super().get_queryset(request, exclude_parameters)
        if ORDER_VAR not in self.params and "search_rank" in queryset.query.annotations:
            return queryset.order_by("search_rank", "-pk")
        return queryset


def ranked_search(queryset: QuerySet[Title], term: str, media_types: list[str]) -> QuerySet[Title]:
    """The public keyword search (ranked, typo-tolerant, people and every name) over these media types,
    or an exact IMDb id, TMDB id or our id; annotated with `search_rank` (0 first)."""
    term = term.strip()
    if is_imdb_id(term):
        return queryset.filter(imdb_id=term).annotate(search_rank=Value(0))
    if term.isdecimal() and len(term) <= 10:
        number = int(term)
        return queryset.filter(Q(tmdb_id=number) | Q(pk=number)).annotate(search_rank=Value(0))
    hits = sorted(
        (hit for kind in media_types for hit in search(query=term, media_type=kind).hits),
        key=lambda hit: -hit.relevance,
    )
    pks = list(dict.fromkeys(hit.pk for hit in hits))
    if not pks:
        return queryset.none().annotate(search_rank=Value(0))
    rank = Case(*(When(pk=pk, then=Value(i)) for i, pk in enumerate(pks)), output_field=IntegerField())
    return queryset.filter(pk__in=pks).annotate(search_rank=rank)


class TitleAdmin(CurationAdmin):  # history and locked fields (catalog/admin_curation.py)
    """Shared by the Movies and TV shows entries; each restricts the rows to its media type."""

    media_type: str = ""
    form = TitleForm
    action_form = GenreActionForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_editable = ("title_fr", "original_language")
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
    list_filter = (
        WorklistFilter,
        ("genres", GenreFilter),
        DecadeFilter,
        OriginalLanguageFilter,
        "source",
        StaleCacheFilter,
    )
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
        "Ranked as the public search: titles in every language, alternate titles, directors and cast, typos "
        "forgiven; or an exact IMDb/TMDB id."
    )
    ordering = ("-score",)
    list_per_page = 50
    show_full_result_count = False
    filter_horizontal = ("genres",)
    actions = ("refresh_now", "genre_add", "genre_remove", "hide", "show", "merge_two")
    readonly_fields = (
        "media_type",
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
                    "hidden",
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
        if not search_term.strip():
            return queryset, False
        return ranked_search(queryset, search_term, [self.media_type]), False

    def get_changelist(self, request: HttpRequest, **kwargs: object) -> type[ChangeList]:
        return RankedChangeList

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in NAME_FIELDS:
            return NameListField(
                required=False, label=db_field.verbose_name.capitalize(), help_text=_("One name per line.")
            )
        if db_field.name == "countries":
            return CodeListField(
                required=False,
                label=db_field.verbose_name.capitalize(),
                help_text=_("ISO 3166 codes, one per line or separated by commas: FR, BE."),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "genres":  # a movie's genres are movie genres (no Soap, Talk or News)
            mine = {"for_movies": True} if self.media_type == MediaType.MOVIE else {"for_tv": True}
            kwargs["queryset"] = Genre.objects.filter(**mine)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request: HttpRequest, obj: Title | None = None, change: bool = False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.media_type_fixed = self.media_type
        return form

    def save_model(self, request: HttpRequest, obj: Title, form: forms.ModelForm, change: bool) -> None:
        if not change:  # added by hand: the Staff source, curated (no load overwrites a source it lacks)
            obj.media_type = self.media_type
            obj.source = staff_source()
            obj.provenance = {**obj.provenance, "curated": True}
        super().save_model(request, obj, form, change)

    def view_on_site(self, obj: Title) -> str:
        return reverse("web:title", args=[obj.pk])

    def get_actions(self, request: HttpRequest):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            description = _("Delete selected titles (at most %(limit)d; hide more instead)") % {
                "limit": DELETE_LIMIT
            }
            actions["delete_selected"] = (TitleAdmin.delete_few, "delete_selected", description)
        return actions

    def delete_few(self, request: HttpRequest, queryset: QuerySet[Title]):
        """Django's delete, with its confirmation page, for a few titles; a larger selection is refused
        before anything is built (17,470 titles made a 27 MB page): hiding them is the way."""
        count = queryset.count()
        if count > DELETE_LIMIT:
            self.message_user(
                request,
                _(
                    "%(count)d titles selected: at most %(limit)d are deleted at once. Use “Hide from the "
                    "catalog” for more: nothing is lost, and users keep their entries."
                )
                % {"count": count, "limit": DELETE_LIMIT},
                messages.ERROR,
            )
            return None
        from django.contrib.admin.actions import delete_selected

        return delete_selected(self, request, queryset)

    def _chosen_genre(self, request: HttpRequest) -> Genre | None:
        pk = whole_number(request.POST.get("genre"), min_value=1, max_value=2**31 - 1) or 0
        genre = Genre.objects.filter(pk=pk).first()
        if genre is None:
            self.message_user(request, _("Choose a genre in the list beside the action."), messages.ERROR)
            return None
        if not (genre.for_movies if self.media_type == MediaType.MOVIE else genre.for_tv):
            self.message_user(
                request,
                _("%(genre)s is not a genre of this media type.") % {"genre": genre},
                messages.ERROR,
            )
            return None
        return genre

    @admin.action(description=_("Add the chosen genre"))
    def genre_add(self, request: HttpRequest, queryset: QuerySet[Title]) -> None:
        genre = self._chosen_genre(request)
        if genre is not None:
            through = Title.genres.through
            pks = set(queryset.values_list("pk", flat=True)) - set(
                through.objects.filter(genre=genre).values_list("title_id", flat=True)
            )
            with curated_bulk_edit(Title, pks, [GENRES], request.user):  # locked, in the history
                through.objects.bulk_create(
                    [through(title_id=pk, genre=genre) for pk in pks], batch_size=5000
                )
                Title.objects.filter(pk__in=pks).update(updated_at=timezone.now())
            titles_changed.send(sender=Title, pks=list(pks))
            self.message_user(
                request, _("%(genre)s added to %(count)d titles.") % {"genre": genre, "count": len(pks)}
            )

    @admin.action(description=_("Remove the chosen genre"))
    def genre_remove(self, request: HttpRequest, queryset: QuerySet[Title]) -> None:
        genre = self._chosen_genre(request)
        if genre is not None:
            pks = list(queryset.values_list("pk", flat=True))
            having = Title.genres.through.objects.filter(genre=genre, title_id__in=pks)
            with curated_bulk_edit(Title, having.values_list("title_id", flat=True), [GENRES], request.user):
                removed, _rows = having.delete()
                Title.objects.filter(pk__in=pks).update(updated_at=timezone.now())
            titles_changed.send(sender=Title, pks=pks)
            self.message_user(
                request, _("%(genre)s removed from %(count)d titles.") % {"genre": genre, "count": removed}
            )

    @admin.action(description=_("Hide from the catalog"))
    def hide(self, request: HttpRequest, queryset: QuerySet[Title]) -> None:
        count = titles_hide(queryset.values_list("pk", flat=True), hidden=True, user=request.user)
        self.message_user(
            request,
            _("%(count)d titles hidden from discovery, search and similar lists; users keep their entries.")
            % {"count": count},
        )

    @admin.action(description=_("Show in the catalog again"))
    def show(self, request: HttpRequest, queryset: QuerySet[Title]) -> None:
        count = titles_hide(queryset.values_list("pk", flat=True), hidden=False, user=request.user)
        self.message_user(request, _("%(count)d titles shown in the catalog again.") % {"count": count})

    @admin.action(description=_("Merge two duplicates (the better-known is kept)"))
    def merge_two(self, request: HttpRequest, queryset: QuerySet[Title]) -> None:
        pair = list(queryset[:3])
        if len(pair) != 2:
            self.message_user(request, _("Select exactly two titles to merge."), messages.ERROR)
            return
        keep, duplicate = sorted(
            pair, key=lambda t: (-(t.imdb_votes or 0), -(t.movielens_ratings or 0), t.imdb_id is None, t.pk)
        )
        try:
            kept = titles_merge(keep=keep, duplicate=duplicate, user=request.user)
        except MergeError as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        self.message_user(
            request,
            _("%(duplicate)s merged into %(kept)s: its entries, ratings and similar titles moved there.")
            % {"duplicate": duplicate, "kept": kept},
        )

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
    action_form = MovieGenreActionForm


@admin.register(TvShow)
class TvShowAdmin(TitleAdmin):
    media_type = MediaType.TV
    action_form = TvGenreActionForm
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


@admin.register(Keyword)
class KeywordAdmin(admin.ModelAdmin):
    """TMDB's keywords, read only: every refresh replaces a title's keywords, so an edit here would not last.
    Staff look them up to see what users' keyword hide rules name and how many titles carry each."""

    list_display = ("name", "id", "title_count")
    search_fields = ("name", "=id")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Keyword]:
        return super().get_queryset(request).annotate(title_count=Count("titles"))

    @admin.display(description=_("titles"), ordering="title_count")
    def title_count(self, obj: "WithAnnotations[Keyword, _Counted]") -> int:
        return obj.title_count

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Keyword | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Keyword | None = None) -> bool:
        return False


@admin.register(DataSource)
class DataSourceAdmin(CurationAdmin):  # history and locked fields (catalog/admin_curation.py)
    list_display = ("name", "version", "licence", "data_as_of", "loaded_at", "title_count", "contributions")
    readonly_fields = ("key", "loaded_at", "created_at", "updated_at", "contributions")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    search_fields = ("name", "licence")

    def get_queryset(self, request: HttpRequest) -> QuerySet[DataSource]:
        return super().get_queryset(request).annotate(title_count=Count("titles"))

    def get_list_display(self, request: HttpRequest) -> Any:
        """The list's contributions column reads one set of counts made for this request: the admin
        instance is shared by every thread of the process, so nothing of a request is kept on it."""
        held = data_source_contributions()

        @admin.display(description=_("contributed"))
        def contributions(obj: DataSource) -> str:
            return self._contributions_text(held.get(obj.pk, {}))

        return [contributions if name == "contributions" else name for name in self.list_display]

    @admin.display(description=_("main source of"), ordering="title_count")
    def title_count(self, obj: "WithAnnotations[DataSource, _Counted]") -> int:
        return obj.title_count

    @admin.display(description=_("contributed"))
    def contributions(self, obj: DataSource) -> str:
        """Every source's part, not only the titles it is the main source of: ggplot2movies gave ratings,
        MovieLens community ratings and alternate titles, Wikipedia summaries, TMDB and OMDb refreshes."""
        return self._contributions_text(data_source_contributions().get(obj.pk, {}))

    @staticmethod
    def _contributions_text(counts: dict[str, int]) -> str:
        parts = [
            (counts.get("titles", 0), _("titles")),
            (counts.get("ratings", 0), _("ratings")),
            (counts.get("overviews", 0), _("summaries")),
            (counts.get("other", 0), _("titles enriched")),
        ]
        shown = [f"{n:,} {label}" for n, label in parts if n]
        return ", ".join(shown) or str(_("nothing yet"))


@admin.register(Title)
class TitleLookupAdmin(admin.ModelAdmin):
    """Not listed on the index: the search behind the title boxes of other admins (autocomplete_fields),
    movies and TV shows together, ranked as the public search."""

    search_fields = ("title_en",)  # the ranked search replaces it: see get_search_results

    def get_model_perms(self, request: HttpRequest) -> dict[str, bool]:
        return {}

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Title], search_term: str):
        if not search_term.strip():
            return queryset.order_by("-score", "pk"), False
        found = ranked_search(queryset, search_term, [MediaType.MOVIE, MediaType.TV])
        return found.order_by(F("search_rank").asc(), "pk"), False

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        pk = whole_number(object_id, min_value=1, max_value=2**63 - 1) or 0
        title = Title.objects.filter(pk=pk).only("media_type").first()
        if title is None:
            return super().change_view(request, object_id, form_url, extra_context)
        kind = "movie" if title.media_type == MediaType.MOVIE else "tvshow"
        return HttpResponseRedirect(reverse(f"admin:catalog_{kind}_change", args=[title.pk]))


# The index page adds the catalog's health and whether background work runs (catalog/templatetags).
admin.site.index_template = "admin/index_with_health.html"
