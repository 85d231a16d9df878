"""OpenAPI descriptions shared by the views: the API's error bodies (the page envelope is
`core.api.pagination.page_of`)."""

from typing import Any, Literal, cast

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import (
    ResolvedComponent,
    get_doc,
    get_override,
    is_list_serializer,
    is_serializer,
)
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers
from rest_framework.views import APIView

from core.api.problems import PROBLEM_MEDIA_TYPE, ProblemSerializer


class BearerScheme(OpenApiAuthenticationExtension):
    """The access token, as a bearer token or through OAuth2's password flow (the same token either way).

    drf-spectacular derives each operation's security from its view: this scheme where the view reads a
    token, plus `{}` where its permission is AllowAny (discovery: the token is optional). Public views read no
    token at all (no authentication classes, no permission classes), so they declare no security.
    """

    target_class = "rest_framework_simplejwt.authentication.JWTAuthentication"
    match_subclasses = True
    priority = 1  # over drf-spectacular's own extension for simplejwt
    name = ["bearerAuth", "oauth2"]

    def get_security_definition(self, auto_schema: object) -> list[dict[str, Any]]:
        bearer = {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
        password_flow = {"tokenUrl": "/auth/login", "refreshUrl": "/auth/refresh", "scopes": {}}
        return [bearer, {"type": "oauth2", "flows": {"password": password_flow}}]

    def get_security_requirement(self, auto_schema: object) -> list[dict[str, list[Any]]]:
        return [{"bearerAuth": []}, {"oauth2": []}]  # either one (a list is OR, a dict's keys AND)


def problem_response(description: str) -> OpenApiResponse:
    return OpenApiResponse(ProblemSerializer, description=description)


VALIDATION = problem_response(
    "`invalid`: the values sent break a rule, named per field under `errors`; `parse_error`: the body is not "
    "JSON, or nests too deeply."
)
UNAUTHORIZED = problem_response(
    "`not_authenticated`: no access token; `token_not_valid`: the token sent is invalid, expired or revoked; "
    "`authentication_failed`: its account is disabled or gone (or, at /auth/login, wrong credentials). "
    "Where the token is optional, one that is sent must be valid: send none to browse anonymously."
)
NOT_FOUND = problem_response("`not_found`: no such object, or not yours.")
THROTTLED = problem_response(
    "`throttled`: too many requests; retry after the `Retry-After` header's seconds."
)
ERRORS = {
    400: VALIDATION,
    401: UNAUTHORIZED,
    403: problem_response("`permission_denied`: this account may not do this."),
    404: NOT_FOUND,
    409: problem_response(
        "`idempotency_key_reused`: a request with this Idempotency-Key is still being answered; retry after "
        "`Retry-After`."
    ),
    406: problem_response("`not_acceptable`: the `Accept` header names no media type this route sends."),
    413: problem_response("`request_too_large`: the body is larger than this route takes."),
    415: problem_response("`unsupported_media_type`: the body's Content-Type is not one this route takes."),
    422: problem_response("`idempotency_key_reused`: this Idempotency-Key came with a different request."),
    429: THROTTLED,
    503: problem_response(
        "`service_unavailable`: the database or an external service is unreachable; retry after "
        "`Retry-After`."
    ),
}


class ApiAutoSchema(AutoSchema):
    """What every operation of the API shares, described once.

    - Summary and description from the view method's docstring: its first line, then the rest.
    - A nullable object is `oneOf` it and `NullEnum`, as drf-spectacular writes a nullable enum.
    - Components named after their serializers, without the `Output` of output serializers, and described
      by their own docstring only.
    - The `Accept-Language` header and the `lang` query parameter (which wins) on every operation, and the
      answer's `Content-Language`.
    - The errors any operation may answer, whatever its view names: 406 and 503 on every one; 400, 413 and
      415 where a body is sent; 400 where query parameters are read.
    - `ETag` on a GET's 200 and its `304 Not Modified` (with `If-None-Match`); `Location` on 201 and 202;
      `Retry-After` on 202, 429 and 503; `RateLimit` and `RateLimit-Policy` on throttled operations, whose
      429 is listed even when the view does not name it.
    - A response example composed from the items' own when a page has none (`results` of an example card).
    """

    def get_summary(self) -> str | None:
        return self._method_doc().partition("\n")[0].strip() or None

    def get_description(self) -> str:  # type: ignore[override]  # drf-spectacular's stub says str
        return self._method_doc().partition("\n")[2].strip()

    def get_serializer_name(
        self, serializer: serializers.Serializer, direction: Literal["request", "response"]
    ) -> str:
        """`RatingOutputSerializer` is the `Rating` component: the suffix says nothing to a client."""
        name: str = super().get_serializer_name(serializer, direction)
        return name.removesuffix("Serializer").removesuffix("Output") or name

    def _map_serializer_field(
        self,
        field: serializers.Field,
        direction: Literal["request", "response"],
        bypass_extensions: bool = False,
    ) -> dict[str, Any]:
        """A nullable object is `oneOf: [<object>, NullEnum]`, as a nullable enum is: OpenAPI 3.0's
        `nullable` does not reach into the `allOf` drf-spectacular wraps a nested object in."""
        schema: dict[str, Any] = super()._map_serializer_field(field, direction, bypass_extensions)
        parts = schema.get("allOf", [])
        if schema.get("nullable") and len(parts) == 1 and "$ref" in parts[0]:
            schema = {**schema, "oneOf": [parts[0], self._null_schema()]}
            del schema["allOf"]
        return schema

    def _null_schema(self) -> dict[str, str]:
        component = ResolvedComponent(
            name="NullEnum", type=ResolvedComponent.SCHEMA, object="NullEnum", schema={"enum": [None]}
        )
        self.registry.register_on_missing(component)
        return component.ref

    def _map_basic_serializer(
        self, serializer: serializers.Serializer, direction: Literal["request", "response"]
    ) -> dict[str, Any]:
        """A component's description is its own class's docstring, never a base class's (written for us)."""
        schema: dict[str, Any] = super()._map_basic_serializer(serializer, direction)
        if type(serializer).__dict__.get("__doc__") is None:
            schema.pop("description", None)
        return schema

    def _method_doc(self) -> str:
        """The method's docstring. One view serves several routes, set apart by the URLconf: `{media}` in it
        names the route's media type (the view's `media_type`), `{status}` its list (`status_value`)."""
        doc = get_doc(getattr(self.view, self.method.lower(), None))
        media = MEDIA_WORDS.get(str(getattr(self.view, "media_type", "")), "titles")
        status = STATUS_WORDS.get(str(getattr(self.view, "status_value", "")), "marked")
        return doc.replace("{media}", media).replace("{status}", status)

    def _get_parameters(self) -> list[dict[str, Any]]:
        parameters = super()._get_parameters()
        present = {(p["name"].lower(), p["in"]) for p in parameters}
        shared = [("lang", "query"), ("accept-language", "header")]
        if self.method == "GET" and self._sends_etag():
            shared.append(("if-none-match", "header"))
        return parameters + [self._component(*key) for key in shared if key not in present]

    def _component(self, name: str, location: str) -> dict[str, str]:
        """A shared parameter or header, registered once under components and referenced."""
        kind, spec = SHARED_PARAMETERS[name] if location != "response" else SHARED_HEADERS[name]
        if name == "lang":
            spec = {**spec, "schema": self._language_schema()}
        component = ResolvedComponent(name=kind, type=_COMPONENT_TYPES[location], object=kind, schema=spec)
        self.registry.register_on_missing(component)
        return component.ref

    def _language_schema(self) -> dict[str, Any]:
        """The `LanguageEnum` component (also the account's `language`), so clients get one enum."""
        component = ResolvedComponent(
            name="LanguageEnum",
            type=ResolvedComponent.SCHEMA,
            object="LanguageEnum",
            schema={
                "enum": [code for code, _name in settings.LANGUAGES],
                "type": "string",
                "description": "\n".join(f"* `{code}` - {name}" for code, name in settings.LANGUAGES),
            },
        )
        self.registry.register_on_missing(component)
        return component.ref

    def _throttled(self) -> bool:
        """Whether requests to this operation are counted: by the view's throttles or its own check."""
        return (
            bool(self.view.get_throttles()) or type(self.view).check_throttles is not APIView.check_throttles
        )

    def _sends_etag(self) -> bool:
        """GET answers carry an ETag, except those nobody may keep (the exports)."""
        return str(getattr(self.view, "cache_policy", "")) != "no-store"

    def _idempotent(self) -> bool:
        """Whether the operation honours an `Idempotency-Key` (`core.api.idempotency`)."""
        return any(p.get("name") == "Idempotency-Key" for p in super()._get_parameters())

    def _general_errors(self) -> list[str]:
        """The errors an operation may answer besides those its view names: an `Accept` it cannot satisfy and
        a database or service that is down anywhere; a body that is not JSON (or not the media type taken)
        or is too large; a query parameter out of bounds (`lang` is never refused)."""
        codes = ["406", "503"]
        if self.method in ("POST", "PUT", "PATCH"):
            codes += ["400", "413", "415"]
        if any(p.get("in") == "query" for p in super()._get_parameters()):
            codes.append("400")
        if self._idempotent():
            codes += ["409", "422"]  # the key still running, or reused
        return codes

    def _get_response_bodies(self, direction: Literal["request", "response"] = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for code in self._general_errors():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    ERRORS[int(code)], code, media_types=[PROBLEM_MEDIA_TYPE], direction=direction
                )
        if "429" not in responses and self._throttled():
            responses["429"] = self._get_response_for_code(
                THROTTLED, "429", media_types=[PROBLEM_MEDIA_TYPE], direction=direction
            )
        if self.method == "GET" and "200" in responses and "304" not in responses and self._sends_etag():
            responses["304"] = {
                "description": "Not modified: the `If-None-Match` ETag still names this answer (no body).",
                "headers": self._get_response_headers_for_code("304", direction),
            }
        return dict(sorted(responses.items()))

    def _get_response_headers_for_code(
        self, status_code: str, direction: Literal["request", "response"] = "response"
    ) -> dict[str, Any]:
        names = ["Content-Language"]
        if self.method == "GET" and status_code in ("200", "304") and self._sends_etag():
            names.append("ETag")
        if status_code in ("201", "202"):
            names.append("Location")
        if status_code in ("202", "429", "503") or (status_code == "409" and self._idempotent()):
            names.append("Retry-After")
        if status_code.startswith("2") and self._idempotent():
            names.append("Idempotent-Replayed")
        if self._throttled() and status_code != "503":
            names += ["RateLimit-Policy", "RateLimit"]
        headers = {name: self._component(name, "response") for name in names}
        return {**headers, **super()._get_response_headers_for_code(status_code, direction)}

    def _get_examples(
        self,
        serializer: Any,
        direction: Literal["request", "response"],
        media_type: str | None,
        status_code: str | None = None,
        extras: list[OpenApiExample] | None = None,
    ) -> dict[str, Any]:
        examples: dict[str, Any] = super()._get_examples(
            serializer, direction, media_type, status_code, extras
        )
        if examples or direction != "response" or not (status_code or "").startswith("2"):
            return examples
        value = composed_example(serializer)
        return {} if value is None else {"Example": {"value": value}}


# catalog's MediaType and library's Status values, as the docstrings say them.
MEDIA_WORDS = {"movie": "movies", "tv": "TV shows"}
STATUS_WORDS = {"seen": "has seen", "later": "saved to watch later", "hidden": "is not interested in"}
_COMPONENT_TYPES = {
    "query": ResolvedComponent.PARAMETER,
    "header": ResolvedComponent.PARAMETER,
    "response": ResolvedComponent.HEADER,
}
SHARED_PARAMETERS: dict[str, tuple[str, dict[str, Any]]] = {
    "lang": (
        "Lang",
        {
            "in": "query",
            "name": "lang",
            "description": "The answer's language; wins over Accept-Language. English by default.",
        },
    ),
    "accept-language": (
        "AcceptLanguage",
        {
            "in": "header",
            "name": "Accept-Language",
            "schema": {"type": "string"},
            "description": 'The languages the client reads, as browsers send them ("fr-FR,fr;q=0.9").',
        },
    ),
    "if-none-match": (
        "IfNoneMatch",
        {
            "in": "header",
            "name": "If-None-Match",
            "schema": {"type": "string"},
            "description": "The ETag of an answer the client holds: 304, without a body, if unchanged.",
        },
    ),
}


SHARED_HEADERS: dict[str, tuple[str, dict[str, Any]]] = {
    "Idempotent-Replayed": (
        "IdempotentReplayed",
        {
            "schema": {"type": "string", "enum": ["true"]},
            "required": False,
            "description": "`true` when this is the answer to an earlier request with the same "
            "Idempotency-Key, sent again: nothing was done twice.",
        },
    ),
    "Content-Language": (
        "ContentLanguage",
        {
            "schema": {"type": "string"},
            "required": True,
            "description": "The answer's language (`en` or `fr`).",
        },
    ),
    "ETag": (
        "ETag",
        {
            "schema": {"type": "string"},
            "required": True,
            "description": "The answer's version, for If-None-Match.",
        },
    ),
    "Location": (
        "Location",
        {
            "schema": {"type": "string"},
            "required": True,
            "description": "The URL of what was created or queued.",
        },
    ),
    "Retry-After": (
        "RetryAfter",
        {
            "schema": {"type": "integer"},
            "required": True,
            "description": "Seconds to wait before asking again.",
        },
    ),
    "RateLimit-Policy": (
        "RateLimitPolicy",
        {
            "schema": {"type": "string"},
            "description": 'The limits that counted this request, comma-separated: `"<scope>";q=<requests>;'
            "w=<window in seconds>`. On every answer a limit counted, 429s included.",
        },
    ),
    "RateLimit": (
        "RateLimit",
        {
            "schema": {"type": "string"},
            "description": 'What is left of each limit: `"<scope>";r=<remaining>;t=<seconds until the window '
            "resets>`.",
        },
    ),
}


def _serializer_example(serializer: Any) -> Any:
    """The first response example a serializer declares (extend_schema_serializer), or None."""
    for example in get_override(serializer, "examples", []):
        if not example.request_only:
            return example.value
    return None


def composed_example(serializer: Any) -> Any:
    """An example of an envelope that has none of its own, from its items' (None when they have none)."""
    if not is_serializer(serializer) or is_list_serializer(serializer) or not hasattr(serializer, "fields"):
        return None
    if _serializer_example(serializer) is not None:
        return None  # drf-spectacular shows it already
    value: dict[str, Any] = {}
    found = False
    fields = cast("dict[str, serializers.Field]", serializer.fields)  # is_serializer narrows to a union
    for name, field in fields.items():
        if is_list_serializer(field):
            item = _serializer_example(field.child)
            found = found or item is not None
            value[name] = [] if item is None else [item]
        elif is_serializer(field):
            item = _serializer_example(field)
            found = found or item is not None
            value[name] = item
        elif getattr(field, "allow_null", False):
            value[name] = None
        elif isinstance(field, serializers.BooleanField):
            value[name] = False
        elif isinstance(field, serializers.IntegerField | serializers.FloatField):
            value[name] = 0
        elif isinstance(field, serializers.ListField | serializers.DictField):
            value[name] = [] if isinstance(field, serializers.ListField) else {}
        else:
            value[name] = ""
    return value if found else None


def errors(*codes: int) -> dict[tuple[int, str], OpenApiResponse]:
    """The operation's error answers, each a problem (`application/problem+json`), described by its codes."""
    return {(code, PROBLEM_MEDIA_TYPE): ERRORS[code] for code in codes}


def problem_media_type_hook(
    result: dict[str, Any], generator: object, request: object, public: bool
) -> dict[str, Any]:
    """Every error answer of the schema is a problem: a 4xx or 5xx that an operation describes in plain JSON
    (the 429 added for every throttled route) gets the problem media type, as the API sends it."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if status[:1] in ("4", "5") and "application/json" in content:
                    content.setdefault(PROBLEM_MEDIA_TYPE, content.pop("application/json"))
    return result
