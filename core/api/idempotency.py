"""The `Idempotency-Key` header on the POST routes that must not run twice (`POST /chat`, `POST /me/import`).

Same user, route and key within 24 hours: the first answer again (status, body, Location and Retry-After)
with `Idempotent-Replayed: true`. The same key with another request is a 422, and while the first request
is still being answered a 409 (retry shortly). Only successful answers are kept: after an error the same key
runs the request again.
"""

from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.problems import ProblemCode
from core.idempotency import (
    IdempotencyKeyInProgress,
    IdempotencyKeyReused,
    StoredAnswer,
    idempotency_answer_store,
    idempotency_claim,
    idempotency_key_is_valid,
    idempotency_release,
)

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEPT_HEADERS = ("Location", "Retry-After")
RETRY_AFTER_IN_PROGRESS_SECONDS = 1

IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "1 to 255 printable ASCII characters, a new one per operation (a UUID). Sending the request again "
        "with the same key within 24 hours does not run it twice: the first answer comes back with "
        "`Idempotent-Replayed: true`. The same key with a different request is a 422 "
        "(`idempotency_key_reused`), and a 409 while the first request is still being answered."
    ),
)


class IdempotencyKeyReusedError(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = ProblemCode.IDEMPOTENCY_KEY_REUSED.value
    default_detail = gettext_lazy("This Idempotency-Key was already used for a different request.")


class IdempotencyKeyInProgressError(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = ProblemCode.IDEMPOTENCY_KEY_REUSED.value
    wait = RETRY_AFTER_IN_PROGRESS_SECONDS  # DRF's handler turns it into Retry-After
    default_detail = gettext_lazy(
        "A request with this Idempotency-Key is still being answered. Try again in a moment."
    )


def idempotency_key(request: Request) -> str | None:
    """The request's key, None without one; a 400 naming the header unless it is 1 to 255 printable ASCII."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not idempotency_key_is_valid(key):
        message = _("The Idempotency-Key header must be 1 to 255 printable ASCII characters.")
        raise exceptions.ValidationError({HEADER: [message]})
    return key


def idempotent(
    request: Request, *, route: str, fingerprint: str, respond: Callable[[], Response]
) -> Response:
    """`respond()`'s answer, or with an `Idempotency-Key` seen before, the answer it gave then."""
    key = idempotency_key(request)
    user_id: int | None = request.user.pk
    if key is None or user_id is None:  # keys are kept per user: the routes that take one need a token
        return respond()
    try:
        claim = idempotency_claim(user_id=user_id, route=route, key=key, fingerprint=fingerprint)
    except IdempotencyKeyReused as exc:
        raise IdempotencyKeyReusedError from exc
    except IdempotencyKeyInProgress as exc:
        raise IdempotencyKeyInProgressError from exc
    if isinstance(claim, StoredAnswer):
        headers = {**claim.headers, REPLAYED_HEADER: "true"}
        return Response(claim.body, status=claim.status, headers=headers)
    try:
        response = respond()
    except BaseException:
        idempotency_release(record_id=claim)
        raise
    if status.is_success(response.status_code):
        kept = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
        idempotency_answer_store(
            record_id=claim, status=response.status_code, body=response.data, headers=kept
        )
    else:
        idempotency_release(record_id=claim)
    return response
