"""The OpenAPI description: valid, and listing every API route with its request and responses."""

import json
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from catalog.api.serializers import USER_STATUSES
from library.models import Status
from tests.strict_schema import pointer, strict, validator_at

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
                found.add("/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route))

    walk(get_resolver().url_patterns, "")
    return found


def test_schema_is_valid_openapi_and_covers_every_route() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    assert set(schema["paths"]) == api_paths()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation["responses"], (method, path)
            if method in ("post", "patch") and path not in BODYLESS_ACTIONS:
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

PUBLIC = {
    ("post", "/auth/signup"),
    ("post", "/auth/login"),
    ("post", "/auth/refresh"),
    ("get", "/healthz"),
    ("post", "/webhooks/{token}"),  # the URL's secret token says whose it is
}
PUBLIC_LISTS = ("/genres", "/languages", "/watch/services")  # public too, where the routes exist
# POSTs that act on the resource their path names and read nothing else.
BODYLESS_ACTIONS = ("/auth/refresh", "/groups/{household_id}/leave", "/groups/{household_id}/invite")
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
        ("post", "/webhooks/{token}"): {"application/json", "multipart/form-data"},  # as each server sends
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


# ---------------------------------------------------------------- the schema says exactly what answers hold

METHODS = ("get", "post", "put", "patch", "delete")
# Words of notes written for us, never for client authors.
INTERNAL_NOTES = (
    "API.md",
    "prefetch",
    "serializer",
    "to_representation",
    "context",
    "subclass",
    "for the schema",
    "TODO",
    "DRF",
)


@pytest.fixture(scope="module")
def published() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", method, operation


def schemas_in(schema: dict):
    """Every schema object of the document, with where it is (not the examples, which are values)."""

    def walk(node: object, where: str):
        if not isinstance(node, dict):
            return
        yield where, node
        for key in ("properties", "patternProperties"):
            for name, sub in node.get(key, {}).items():
                yield from walk(sub, f"{where}.{name}")
        for key in ("items", "additionalProperties", "not"):
            yield from walk(node.get(key), f"{where}[{key}]")
        for key in ("allOf", "oneOf", "anyOf"):
            for i, sub in enumerate(node.get(key, [])):
                yield from walk(sub, f"{where}.{key}[{i}]")

    for name, component in schema["components"]["schemas"].items():
        yield from walk(component, name)
    for name, parameter in schema["components"].get("parameters", {}).items():
        yield from walk(parameter.get("schema"), f"parameter {name}")
    for name, header in schema["components"].get("headers", {}).items():
        yield from walk(header.get("schema"), f"header {name}")
    for label, _method, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            yield from walk(parameter.get("schema"), f"{label} parameter {parameter.get('name')}")
        bodies = [("request", operation.get("requestBody", {}))]
        bodies += list(operation["responses"].items())
        for code, body in bodies:
            for media_type, media in body.get("content", {}).items():
                yield from walk(media.get("schema"), f"{label} {code} {media_type}")


def test_every_operation_has_a_summary_a_description_and_examples(published: dict) -> None:
    summaries = [operation.get("summary") for _label, _method, operation in operations(published)]
    assert len(set(summaries)) == len(summaries)  # one view serving several routes names each route's
    for label, _method, operation in operations(published):
        assert operation.get("summary"), f"{label}: no summary"
        assert "\n" not in operation["summary"] and "{" not in operation["summary"], label
        assert len(operation.get("description", "")) > 20, f"{label}: no description"
        for media_type, media in operation.get("requestBody", {}).get("content", {}).items():
            assert media.get("examples"), f"{label}: no example of its {media_type} body"
        successes = {code: r for code, r in operation["responses"].items() if code.startswith("2")}
        assert successes, label
        for code, response in successes.items():
            for media_type, media in response.get("content", {}).items():
                assert media.get("examples"), f"{label}: no example of its {code} {media_type} answer"


def test_examples_match_their_schemas_exactly(published: dict) -> None:
    """Every example validates against its schema with no field left undeclared."""
    spec = strict(published)
    checked = 0
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            bodies = [("requestBody", operation.get("requestBody", {}))]
            bodies += [(f"responses/{code}", r) for code, r in operation["responses"].items()]
            for where, body in bodies:
                for media_type, media in body.get("content", {}).items():
                    if "multipart" in media_type:
                        continue  # a file's example is text standing for the file
                    at = pointer("paths", path, method, *where.split("/"), "content", media_type, "schema")
                    validator = validator_at(spec, at)
                    for name, example in media.get("examples", {}).items():
                        problems = [
                            f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                            for e in validator.iter_errors(example["value"])
                        ]
                        assert not problems, f"{method.upper()} {path} {where} example {name}: {problems}"
                        checked += 1
    assert checked > 40


def test_no_untyped_object(published: dict) -> None:
    """An object lists its properties, or is a map that says what its values are; nothing is `{}`."""
    for where, node in schemas_in(published):
        if node.get("type") == "object":
            typed = "properties" in node or isinstance(node.get("additionalProperties"), dict)
            assert typed, f"{where}: an object without properties"
        kinds = ("type", "$ref", "allOf", "oneOf", "anyOf", "enum")
        assert any(kind in node for kind in kinds), f"{where}: a value of any type"


def test_output_enums_are_declared(published: dict) -> None:
    components = published["components"]["schemas"]
    enums = {name for name, component in components.items() if "enum" in component}
    assert {
        "EntryStatusEnum",
        "MediaTypeEnum",
        "IntentEnum",
        "ImportStatusEnum",
        "ImportSourceEnum",
        "RatingSourceEnum",
        "UnmatchedReasonEnum",
        "LanguageEnum",
    } <= enums
    assert not [name for name in enums if any(ch.isdigit() for ch in name)]  # no "StatusA66Enum": named
    card = components["TitleCard"]["properties"]
    assert "EntryStatusEnum" in str(card["user_status"]) and "MediaTypeEnum" in str(card["media_type"])
    assert set(card) >= {"first_air_year", "last_air_year", "number_of_seasons"}
    assert set(components["TitleCard"]["required"]) == set(card)  # every card has every field


def test_a_cards_statuses_are_the_librarys(published: dict) -> None:
    """catalog spells the statuses out (it sits below library): they must stay library's."""
    assert tuple(Status.values) == USER_STATUSES


def test_shared_parameters_and_headers(published: dict) -> None:
    for label, method, operation in operations(published):
        refs = {p.get("$ref") for p in operation.get("parameters", [])}
        assert {"#/components/parameters/Lang", "#/components/parameters/AcceptLanguage"} <= refs, label
        responses = operation["responses"]
        for code, response in responses.items():
            headers = response.get("headers", {})
            assert "Content-Language" in headers, (label, code)
            if code in ("201", "202"):
                assert "Location" in headers, (label, code)
            if code in ("202", "429", "503"):
                assert "Retry-After" in headers, (label, code)
            if code == "429":
                assert {"RateLimit", "RateLimit-Policy"} <= set(headers), (label, code)
        if method == "get" and "ETag" in responses["200"].get("headers", {}):
            assert "ETag" in responses["304"]["headers"], label
            assert "#/components/parameters/IfNoneMatch" in refs, label
        elif method == "get":
            assert "304" not in responses, label
    etags = [
        label
        for label, method, op in operations(published)
        if "ETag" in op["responses"].get("200", {}).get("headers", {})
    ]
    assert "GET /movies/{title_id}" in etags
    assert "GET /me/export" not in etags and "GET /users/me" not in etags  # never stored: no ETag either
    # One media type per route, so a generated client parses the JSON and hands back the CSV as text.
    export = published["paths"]["/me/export"]["get"]["responses"]["200"]["content"]
    assert list(export) == ["application/json"]
    assert export["application/json"]["schema"]["$ref"] == "#/components/schemas/LibraryExport"
    letterboxd = published["paths"]["/me/export/letterboxd"]["get"]["responses"]["200"]["content"]
    assert list(letterboxd) == ["text/csv"]


def test_every_operation_lists_the_errors_any_route_may_answer(published: dict) -> None:
    """An Accept it cannot satisfy (406) and a database that is down (503) anywhere; a body that is not
    JSON, too large or of a media type not taken (400, 413, 415); a query parameter out of bounds (400)."""
    for label, method, operation in operations(published):
        codes = set(operation["responses"])
        assert {"406", "503"} <= codes, label
        if method in ("post", "put", "patch"):
            assert {"400", "413", "415"} <= codes, label
        if any(p.get("in") == "query" for p in operation.get("parameters", [])):
            assert "400" in codes, label
    genres = published["paths"]["/genres"]["get"]["responses"]["400"]["content"]
    assert genres["application/problem+json"]["schema"]["$ref"] == "#/components/schemas/Problem"


def test_no_internal_notes_are_published(published: dict) -> None:
    text = json.dumps(published)
    found = [note for note in INTERNAL_NOTES if note in text]
    assert not found, found
