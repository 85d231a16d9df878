"""The API's one error shape: an RFC 9457 problem, `application/problem+json`.

`{"type": "about:blank", "title": <HTTP reason phrase>, "status", "detail": <localized message>,
"code": <one of ProblemCode>, "errors": {<field>: [<message>, …]}}`, with `errors` on validation problems
only. Clients branch on `code` (stable) and show `detail` (in the request's language); `title` is the
status's own phrase.
"""

from enum import StrEnum
from http import HTTPStatus
from typing import Any

from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

PROBLEM_MEDIA_TYPE = "application/problem+json"
NON_FIELD_ERRORS = "non_field_errors"  # DRF's key for what no one field is to blame for


class ProblemCode(StrEnum):
    """The stable machine codes of the API's problems: clients may rely on them, so never rename one."""

    INVALID = "invalid"
    PARSE_ERROR = "parse_error"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    NOT_AUTHENTICATED = "not_authenticated"
    AUTHENTICATION_FAILED = "authentication_failed"
    TOKEN_NOT_VALID = "token_not_valid"  # noqa: S105 - a code, not a secret
    PERMISSION_DENIED = "permission_denied"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NOT_ACCEPTABLE = "not_acceptable"
    THROTTLED = "throttled"
    REQUEST_TOO_LARGE = "request_too_large"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    SERVICE_UNAVAILABLE = "service_unavailable"
    SERVER_ERROR = "server_error"


PROBLEM_CODES = [code.value for code in ProblemCode]  # the schema's ProblemCodeEnum

# The code a status gets when nothing more specific is known about the error.
CODE_FOR_STATUS = {
    400: ProblemCode.INVALID,
    401: ProblemCode.NOT_AUTHENTICATED,
    403: ProblemCode.PERMISSION_DENIED,
    404: ProblemCode.NOT_FOUND,
    405: ProblemCode.METHOD_NOT_ALLOWED,
    406: ProblemCode.NOT_ACCEPTABLE,
    413: ProblemCode.REQUEST_TOO_LARGE,
    415: ProblemCode.UNSUPPORTED_MEDIA_TYPE,
    422: ProblemCode.INVALID,
    429: ProblemCode.THROTTLED,
    503: ProblemCode.SERVICE_UNAVAILABLE,
}


def code_for_status(status: int) -> ProblemCode:
    if status in CODE_FOR_STATUS:
        return CODE_FOR_STATUS[status]
    return ProblemCode.SERVER_ERROR if status >= 500 else ProblemCode.INVALID


def problem(
    *, status: int, detail: str, code: ProblemCode | None = None, errors: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    """The body of a problem answer."""
    body: dict[str, Any] = {
        "type": "about:blank",  # no page documents a type: the status and `code` say it all
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": str(detail),
        "code": str(code or code_for_status(status)),
    }
    if errors is not None:
        body["errors"] = errors
    return body


def flatten_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested validation errors as one map of dotted paths to messages.

    `{"genres": {1: ["…"]}}` becomes `{"genres.1": ["…"]}`, a list serializer's `[{}, {"id": ["…"]}]` under
    "items" becomes `{"items.1.id": ["…"]}`, and messages not tied to a field go under "non_field_errors".
    """
    flat: dict[str, list[str]] = {}
    pending: list[tuple[str, Any]] = [(prefix, detail)]
    while pending:
        path, item = pending.pop(0)
        if isinstance(item, dict):
            pending[:0] = [(_join(path, key), value) for key, value in item.items()]
        elif isinstance(item, list | tuple):
            nested = []
            for index, value in enumerate(item):
                if isinstance(value, dict | list | tuple):
                    nested.append((_join(path, index), value))
                else:
                    flat.setdefault(path or NON_FIELD_ERRORS, []).append(str(value))
            pending[:0] = nested
        else:
            flat.setdefault(path or NON_FIELD_ERRORS, []).append(str(item))
    return flat


def _join(path: str, key: object) -> str:
    return f"{path}.{key}" if path else str(key)


class ProblemJSONRenderer(JSONRenderer):
    """JSON under the problem media type: what every error answer of the API is rendered with."""

    media_type = PROBLEM_MEDIA_TYPE
    format = "problem+json"


class ProblemSerializer(serializers.Serializer):
    """An error answer: an RFC 9457 problem, sent as `application/problem+json`."""

    type = serializers.CharField(help_text='Always "about:blank".')
    title = serializers.CharField(help_text="The HTTP status's reason phrase.")
    status = serializers.IntegerField(help_text="The HTTP status code.")
    detail = serializers.CharField(help_text="What went wrong, in the request's language.")
    code = serializers.ChoiceField(
        choices=PROBLEM_CODES,
        help_text="A stable machine code: branch on this, not on `detail`.",
    )
    # A field named like Serializer.errors: DRF's metaclass takes declared fields off the class, so the
    # property stays (only the type checker sees the two collide).
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=(
            "Validation problems only: messages per field; nested fields are dotted (`genres.1`), "
            'and "non_field_errors" holds what no one field is to blame for.'
        ),
    )
