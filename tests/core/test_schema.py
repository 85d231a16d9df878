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


def test_schema_and_docs_are_served(api_client: APIClient) -> None:
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/movies/search-by-filters" in schema.json()["paths"]
    docs = api_client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content
    assert b"cdn.jsdelivr" not in docs.content  # the UI is served by the app itself


# ---------------------------------------------------------------- security, request bodies, problems

PUBLIC = {("post", "/auth/signup"), ("post", "/auth/login"), ("post", "/auth/refresh"), ("get", "/healthz")}
PUBLIC_LISTS = ("/genres", "/languages")  # public too, where the routes exist
TOKEN = [{"bearerAuth": []}, {"oauth2": []}]


def schema_operations() -> tuple[dict, list[tuple[str, str, dict]]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = [
        (method, path, operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]
    return schema, operations


def test_security_schemes_are_bearer_and_the_oauth2_password_flow() -> None:
    schema, _operations = schema_operations()
    assert "security" not in schema  # no global requirement: each operation says its own
    assert schema["components"]["securitySchemes"] == {
        "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
        "oauth2": {
            "type": "oauth2",
            "flows": {"password": {"tokenUrl": "/auth/login", "refreshUrl": "/auth/refresh", "scopes": {}}},
        },
    }


def test_each_operation_declares_its_security_once() -> None:
    """A token is required (bearer or OAuth2), optional (discovery: `{}` too), or never read (public)."""
    _schema, operations = schema_operations()
    for method, path, operation in operations:
        if (method, path) in PUBLIC or path in PUBLIC_LISTS:
            assert "security" not in operation, (method, path)
        elif path.startswith(("/movies/", "/tvshows/")):
            assert operation["security"] == [*TOKEN, {}], (method, path)
            assert "401" in operation["responses"], (method, path)  # a stale token is refused, not ignored
        else:
            assert operation["security"] == TOKEN, (method, path)
            assert "401" in operation["responses"], (method, path)


def test_one_request_content_type_per_operation_but_the_oauth2_token_routes() -> None:
    _schema, operations = schema_operations()
    expected = {
        ("post", "/auth/login"): {"application/json", "application/x-www-form-urlencoded"},
        ("post", "/auth/refresh"): {"application/json", "application/x-www-form-urlencoded"},
        ("post", "/me/import"): {"multipart/form-data"},
    }
    for method, path, operation in operations:
        if "requestBody" in operation:
            content = set(operation["requestBody"]["content"])
            assert content == expected.get((method, path), {"application/json"}), (method, path)


def test_every_error_answer_is_a_problem() -> None:
    schema, operations = schema_operations()
    problem = {"$ref": "#/components/schemas/Problem"}
    for method, path, operation in operations:
        for status, response in operation["responses"].items():
            if status[0] in "45":
                assert set(response["content"]) == {"application/problem+json"}, (method, path, status)
                body = response["content"]["application/problem+json"]["schema"]
                assert body == problem or problem in body.get("allOf", []), (method, path, status)
    component = schema["components"]["schemas"]["Problem"]
    assert set(component["required"]) == {"type", "title", "status", "detail", "code"}
    assert set(component["properties"]) == {"type", "title", "status", "detail", "code", "errors"}
    assert schema["components"]["schemas"]["ProblemCodeEnum"]["enum"] == [
        "invalid",
        "parse_error",
        "unsupported_media_type",
        "not_authenticated",
        "authentication_failed",
        "token_not_valid",
        "permission_denied",
        "not_found",
        "method_not_allowed",
        "not_acceptable",
        "throttled",
        "request_too_large",
        "idempotency_key_reused",
        "service_unavailable",
        "server_error",
    ]


def test_the_token_routes_answer_the_oauth2_token_object() -> None:
    schema, _operations = schema_operations()

    def fields(path: str, status: str) -> set[str]:
        body = schema["paths"][path]["post"]["responses"][status]["content"]["application/json"]["schema"]
        return set(schema["components"]["schemas"][body["$ref"].split("/")[-1]]["properties"])

    token = {"access_token", "token_type", "expires_in", "refresh_token"}
    assert fields("/auth/login", "200") == fields("/auth/refresh", "200") == token
    assert fields("/auth/signup", "201") == {*token, "user"}
