"""The OpenAPI description: valid, and listing every API route with its request and responses."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

NOT_API = ("admin/", "api/schema/", "api/docs/")


def api_paths() -> set[str]:
    """Every route of the URLconf, as OpenAPI writes it ("/movies/{title_id}")."""
    found: set[str] = set()

    def walk(patterns: list, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if not route.startswith(NOT_API) and pattern.namespace != "web":  # web: HTML pages
                    walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and not route.startswith(NOT_API):
                found.add("/" + route.replace("<int:", "{").replace(">", "}"))

    walk(get_resolver().url_patterns, "")
    return found


def test_schema_is_valid_openapi_and_covers_every_route() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    assert set(schema["paths"]) == api_paths()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation["responses"], (method, path)
            if method in ("post", "patch") and path not in ("/auth/refresh",):
                assert "requestBody" in operation, (method, path)
    assert schema["components"]["securitySchemes"]["jwtAuth"]["scheme"] == "bearer"


def test_schema_and_docs_are_served(api_client: APIClient) -> None:
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/movies/search-by-filters" in schema.json()["paths"]
    docs = api_client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content
    assert b"cdn.jsdelivr" not in docs.content  # the UI is served by the app itself
