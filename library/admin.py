from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from library.models import Entry, ImportJob


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ("user", "title", "media_type", "status", "rating", "watched_at", "updated_at")
    list_filter = ("status", "title__media_type", "updated_at")
    search_fields = ("user__email", "user__username", "title__title_en", "title__title_fr", "=title__imdb_id")
    list_select_related = ("user", "title")
    autocomplete_fields = ("user", "title")  # titles found by the ranked search (catalog's TitleLookupAdmin)
    readonly_fields = ("created_at", "updated_at")
    ordering = ("-updated_at",)
    show_full_result_count = False

    @admin.display(description=_("media type"), ordering="title__media_type")
    def media_type(self, obj: Entry) -> str:
        return obj.title.get_media_type_display()


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "source", "filename", "status", "counts", "created_at", "finished_at")
    list_filter = ("source", "status")
    search_fields = ("user__email", "filename")
    list_select_related = ("user",)
    readonly_fields = (
        "user",
        "source",
        "filename",
        "status",
        "counts",
        "unmatched",
        "error",
        "sha256",
        "created_at",
        "finished_at",
    )
    exclude = ("payload",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # imports come from users' uploads or `manage.py import_history`

    def get_queryset(self, request: HttpRequest) -> QuerySet[ImportJob]:
        return super().get_queryset(request).defer("payload")
