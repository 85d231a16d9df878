from django.urls import path

from catalog.models import MediaType
from core.middleware import accepts_upload
from library.api.views import (
    EntryListApi,
    EntryUpdateStatusApi,
    ExportApi,
    HideRuleDetailApi,
    HideRuleListApi,
    ImportCreateApi,
    ImportDetailApi,
    LetterboxdExportApi,
    UserStatsApi,
)
from library.models import Status

MEDIA_ROUTES = {"movies": MediaType.MOVIE, "tvshows": MediaType.TV}
LIST_ROUTES = {"seen": Status.SEEN, "towatchlater": Status.LATER, "hidden": Status.HIDDEN}

urlpatterns = [
    path("users/me/stats", UserStatsApi.as_view(), name="users-me-stats"),
    path("me/import", accepts_upload(ImportCreateApi.as_view()), name="me-import"),
    path("me/import/<int:job_id>", ImportDetailApi.as_view(), name="me-import-detail"),
    path("me/export", ExportApi.as_view(), name="me-export"),
    path("me/hide-rules", HideRuleListApi.as_view(), name="me-hide-rules"),
    path("me/hide-rules/<int:rule_id>", HideRuleDetailApi.as_view(), name="me-hide-rule"),
    path("me/export/letterboxd", LetterboxdExportApi.as_view(), name="me-export-letterboxd"),
]
for prefix, media_type in MEDIA_ROUTES.items():
    urlpatterns.append(
        path(
            f"me/{prefix}/update_status",
            EntryUpdateStatusApi.as_view(media_type=media_type),
            name=f"me-{prefix}-update-status",
        )
    )
    urlpatterns += [
        path(
            f"me/{prefix}/{name}",
            EntryListApi.as_view(media_type=media_type, status_value=status),
            name=f"me-{prefix}-{name}",
        )
        for name, status in LIST_ROUTES.items()
    ]
