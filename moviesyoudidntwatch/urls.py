from django.contrib import admin
from django.urls import include, path

from core.api.views import HealthApi

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", HealthApi.as_view(), name="healthz"),
    path("", include("accounts.api.urls")),
    path("", include("library.api.urls")),
    path("", include("catalog.api.urls")),
    path("", include("assistant.api.urls")),
]

handler404 = "core.views.not_found"
handler500 = "core.views.server_error"
