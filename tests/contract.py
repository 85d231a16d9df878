"""The published schema as the judge of the API's answers in the tests.

One `Contract`, built once per test session from the document `/api/schema/?format=json` serves, validates
an answer with openapi-core against the schema made strict (`tests.strict_schema`: an object allows no
field it does not name): the status must be one the operation lists, the Content-Type one it lists for
that status, the body must match, and every header the schema marks required must be there. An answer on
a path or method the schema has no operation for must be a problem (`Problem`, `application/problem+json`,
a 4xx): an unknown path's 404, a 405, a 401 before it.

`tests/conftest.py` checks every answer the Django test client (and DRF's APIClient) gets from an API
route; `tests/core/test_generated_client.py` checks the answers its generated client gets through httpx.
"""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, StreamingHttpResponse
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer2
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.deserializing.media_types.util import json_loads, plain_loads
from werkzeug.datastructures import Headers

from core.api.problems import PROBLEM_MEDIA_TYPE
from core.views import wants_html
from tests.strict_schema import pointer, strict, validator_at

# openapi-core reads JSON and plain text itself; the API also sends problems and CSV.
READERS = {PROBLEM_MEDIA_TYPE: json_loads, "text/csv": plain_loads}
NOT_DESCRIBED = {"api-schema"}  # routes outside the API's schema besides the pages' (core.views.wants_html)


@dataclass(frozen=True)
class Call:
    """What openapi-core reads of a request to find the operation an answer belongs to."""

    host_url: str
    path: str
    method: str
    body: bytes = b""
    content_type: str = ""
    parameters: RequestParameters = field(default_factory=RequestParameters)


@dataclass(frozen=True)
class Answer:
    """An answer as openapi-core reads it."""

    status_code: int
    content_type: str
    headers: Headers
    data: bytes


def published_schema() -> dict[str, Any]:
    """The document `/api/schema/?format=json` serves (the same generator and renderer, in English)."""
    with translation.override("en"):
        document = SchemaGenerator().get_schema(request=None, public=True)
        return json.loads(OpenApiJsonRenderer2().render(document))


class Contract:
    """The schema's answer to "may the API answer this?" for one request and its answer."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        strict_spec = strict(spec)
        self._openapi = OpenAPI.from_dict(strict_spec, config=Config(extra_media_type_deserializers=READERS))
        self._problem = validator_at(strict_spec, pointer("components", "schemas", "Problem"))
        self._templates = [
            (re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"), template)
            for template in sorted(spec["paths"], key=lambda t: t.count("{"))  # /movies/search-… first
        ]

    def operation_of(self, method: str, path: str) -> str:
        """`POST /movies/search-by-filters (movies_search_by_filters_create)`, for a request."""
        template = self._template(path)
        operation = self.spec["paths"].get(template or "", {}).get(method.lower())
        if operation is None:
            return f"{method.upper()} {path} (no such operation)"
        return f"{method.upper()} {template} ({operation['operationId']})"

    def mismatches(self, call: Call, answer: Answer) -> list[str]:
        """How `answer` differs from what the schema allows for `call` ("where: what"), or nothing."""
        template = self._template(call.path)
        if template is None or call.method.lower() not in self.spec["paths"][template]:
            return self._problem_mismatches(answer)
        errors = self._openapi.response_validator.iter_errors(call, answer)  # validates, converts nothing
        found = [found for error in errors for found in _mismatches(error)]
        response = self.spec["paths"][template][call.method.lower()]["responses"].get(str(answer.status_code))
        if (
            response is not None and "content" not in response and answer.data
        ):  # openapi-core looks no further
            found.append(f"(body): {len(answer.data)} bytes where the schema lists no body")
        return found

    def failures(self, call: Call, answer: Answer) -> list[str]:
        """The mismatches, each naming the operation and the status: what a failing test reports."""
        label = self.operation_of(call.method, call.path)
        return [f"{label} answered {answer.status_code}: {m}" for m in self.mismatches(call, answer)]

    def _template(self, path: str) -> str | None:
        for pattern, template in self._templates:
            if pattern.match(path):
                return template
        return None

    def _problem_mismatches(self, answer: Answer) -> list[str]:
        """An answer where the schema has no operation: a problem, and an error (an unknown path, a method
        the route does not take, or what was refused before the method was looked at)."""
        if not 400 <= answer.status_code < 500:
            return [f"status {answer.status_code}: the schema has no operation here, only a 4xx problem fits"]
        if answer.content_type.split(";")[0].strip() != PROBLEM_MEDIA_TYPE:
            return [f"Content-Type {answer.content_type!r}: a problem is {PROBLEM_MEDIA_TYPE}"]
        try:
            body = json.loads(answer.data)
        except ValueError as error:
            return [f"(body): not JSON ({error})"]
        return [
            f"{_where(error.absolute_path)}: {error.message}" for error in self._problem.iter_errors(body)
        ]


@cache
def contract() -> Contract:
    """The session's contract, built on first use (a run without API requests never builds it)."""
    return Contract(published_schema())


def _where(path: Any) -> str:
    return "/".join(str(part) for part in path) or "(body)"


def _mismatches(error: BaseException) -> list[str]:
    """Where an openapi-core error says the answer differs from the schema: "path/in/body: message"."""
    found: list[str] = []
    seen: set[int] = set()
    pending: list[BaseException] = [error]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        for schema_error in getattr(current, "schema_errors", ()) or ():
            found.append(f"{_where(schema_error.absolute_path)}: {schema_error.message}")
        pending += [e for e in (current.__cause__, current.__context__) if e is not None]
    while not found and error.__cause__ is not None:  # the cause says it best ("MissingRequiredHeader: ETag")
        error = error.__cause__
    return found or [f"{type(error).__name__}: {error}"]


# ---------------------------------------------------------------- the two kinds of exchange the tests see


def from_httpx(response: httpx.Response) -> tuple[Call, Answer]:
    """An exchange of a client speaking HTTP (through httpx), its body read."""
    url = urlsplit(str(response.request.url))
    call = Call(
        host_url=f"{url.scheme}://{url.netloc}", path=url.path, method=response.request.method.lower()
    )
    return call, _answer(response.status_code, response.headers, response.read())


def from_django(response: HttpResponseBase) -> tuple[Call, Answer] | None:
    """An exchange of Django's test client, or None when it is not the API's to answer: the pages, the
    admin, the API's documentation, static files, and CORS preflights (answered before any route)."""
    request: HttpRequest = response.wsgi_request  # type: ignore[attr-defined]  # set by the test client
    if not _answered_by_the_api(request):
        return None
    call = Call(host_url="http://testserver", path=request.path_info, method=(request.method or "").lower())
    return call, _answer(response.status_code, response.headers, _content(response))


def _answered_by_the_api(request: HttpRequest) -> bool:
    path = request.path_info
    if path.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return False
    if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
        return False
    resolver_match = getattr(request, "resolver_match", None)
    if resolver_match is not None and resolver_match.url_name in NOT_DESCRIBED:
        return False
    return not wants_html(request)


def _content(response: HttpResponseBase) -> bytes:
    """The body; a streamed one is read and put back for the test to read again."""
    if isinstance(response, StreamingHttpResponse):
        content = b"".join(response.streaming_content)  # type: ignore[arg-type]  # sync in the tests
        response.streaming_content = [content]
        return content
    return bytes(getattr(response, "content", b""))


def _answer(status: int, headers: Mapping[str, str], data: bytes) -> Answer:
    return Answer(
        status_code=status,
        content_type=headers.get("Content-Type", ""),
        headers=Headers(list(headers.items())),
        data=data,
    )
