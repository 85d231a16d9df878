from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core.api.views import HealthApi

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", HealthApi.as_view(), name="healthz"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("accounts.api.urls")),
    path("", include("library.api.urls")),
    path("", include("catalog.api.urls")),
    path("", include("assistant.api.urls")),
    path("", include("recommendations.api.urls")),
    path("", include("web.urls")),  # the web pages last: an API route always wins over a page
]

# JSON on the API, HTML on the pages and the admin (core/views.py).
handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.not_found"
handler500 = "core.views.server_error"
