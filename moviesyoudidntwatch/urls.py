from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView

from core.api.schema_view import SchemaApi
from core.api.views import HealthApi

# The Swagger UI's script is served apart (the "split" view), so the Content-Security-Policy needs no inline
# script; drf-spectacular's page template keeps one inline style.
swagger_ui = SpectacularSwaggerSplitView.as_view(url_name="api-schema")
api_docs = csp_update({"style-src": [UNSAFE_INLINE]})(swagger_ui)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", HealthApi.as_view(), name="healthz"),
    path("api/schema/", SchemaApi.as_view(), name="api-schema"),
    path("api/docs/", api_docs, name="api-docs"),
    path("", include("accounts.api.urls")),
    path("", include("catalog.api.urls")),
    path("", include("library.api.urls")),
    path("", include("discovery.api.urls")),
    path("", include("integrations.api.urls")),
    path("", include("integrations.api.trakt_urls")),
    path("", include("assistant.api.urls")),
    path("", include("recommendations.api.urls")),
    path("", include("households.api.urls")),
    path("", include("alerts.api.urls")),
    path("", include("web.urls")),  # the web pages last: an API route always wins over a page
]

# JSON on the API, HTML on the pages and the admin (core/views.py).
handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.not_found"
handler500 = "core.views.server_error"
