from django.contrib import admin
from django.http import HttpRequest

from recommendations.models import ModelRun


@admin.register(ModelRun)
class ModelRunAdmin(admin.ModelAdmin):
    """Trainings, newest first: what each saw and cost. Trainings come from beat or `train_recommender`."""

    list_display = (
        "created_at",
        "users",
        "interactions",
        "community_ratings",
        "collaborative_items",
        "neighbours",
        "sequels",
        "seconds",
        "peak_memory_mb",
    )
    readonly_fields = (*list_display, "parameters")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ModelRun | None = None) -> bool:
        return False
