"""DRF exception handler: every error of an API view is answered as a problem (core.api.problems), with the
status it deserves (400, 401, 404, 413, 422, 429 and 503 with Retry-After…) and a stable `code`.

Our exceptions and Django's are mapped here, so that views and services raise what they mean and never build
an error body; simplejwt's token errors get our codes and our (translated) words.
"""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import set_rollback
from rest_framework_simplejwt import exceptions as jwt_exceptions

from core.api.problems import (
    NON_FIELD_ERRORS,
    PROBLEM_MEDIA_TYPE,
    ProblemCode,
    ProblemJSONRenderer,
    code_for_status,
    flatten_errors,
    problem,
)
from core.exceptions import ApplicationError, NotFound, ProviderUnavailable

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS_WHEN_DOWN = 5


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = ProblemCode.SERVICE_UNAVAILABLE.value


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = ProblemCode.REQUEST_TOO_LARGE.value


class TokenNotValid(exceptions.AuthenticationFailed):
    """A token (access or refresh) that is malformed, expired, revoked or of the wrong type."""

    default_code = ProblemCode.TOKEN_NOT_VALID.value


class ProblemResponse(Response):
    """An error answer: rendered as a problem whatever renderer the content negotiation picked (a 406 is
    answered too, and in JSON)."""

    @property
    def rendered_content(self) -> Any:  # bytes; DRF's stubs say Any, Django's (its base) str
        self.accepted_renderer = ProblemJSONRenderer()
        self.accepted_media_type = PROBLEM_MEDIA_TYPE
        return super().rendered_content


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """The problem answer for `exc`, or None for an unexpected error (Django's handler500 answers it)."""
    exc, retry_after = _as_api_exception(exc)
    if not isinstance(exc, exceptions.APIException):
        return None
    code = _code(exc)
    errors = flatten_errors(exc.detail) if isinstance(exc, exceptions.ValidationError) else None
    detail = _("Some of the values sent are not valid.") if errors is not None else _detail(exc)
    headers: dict[str, str] = {}
    if auth_header := getattr(exc, "auth_header", None):
        # RFC 6750 §3: a token that was sent and refused is named as such in the challenge.
        invalid = code == ProblemCode.TOKEN_NOT_VALID
        headers["WWW-Authenticate"] = f'{auth_header}, error="invalid_token"' if invalid else auth_header
    wait = retry_after or getattr(exc, "wait", None)
    if wait:
        headers["Retry-After"] = str(int(wait))
    set_rollback()
    body = problem(status=exc.status_code, detail=detail, code=code, errors=errors)
    return ProblemResponse(body, status=exc.status_code, headers=headers)


def _as_api_exception(exc: Exception) -> tuple[Exception, float | None]:
    """Our exceptions and Django's as DRF's, each with the status it deserves (and a wait, for 503)."""
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(as_serializer_error(exc)), None
    if isinstance(exc, NotFound):
        return exceptions.NotFound(exc.message), None
    if isinstance(exc, ApplicationError):
        return exceptions.ValidationError({exc.field or NON_FIELD_ERRORS: [exc.message]}), None
    if isinstance(exc, Http404):
        # get_object_or_404's message names the model ("No ChatSession matches…"): never shown.
        return exceptions.NotFound(), None
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(), None
    if isinstance(exc, jwt_exceptions.AuthenticationFailed):
        return _token_problem(exc), None
    if isinstance(exc, ProviderUnavailable):
        logger.warning("Provider unavailable: %s", exc)
        message = _("An external service is unavailable. Please try again shortly.")
        return ServiceUnavailable(message), exc.retry_after or RETRY_AFTER_SECONDS_WHEN_DOWN
    if isinstance(exc, OperationalError | InterfaceError) or type(exc) is DatabaseError:
        # The database went away (restart, failover): tell clients to retry rather than 500.
        logger.warning("Database unavailable: %s", exc)
        message = _("The service is temporarily unavailable. Please try again shortly.")
        return ServiceUnavailable(message), RETRY_AFTER_SECONDS_WHEN_DOWN
    if isinstance(exc, exceptions.Throttled) and (wait := _throttle_wait(exc)) is not None:
        return _throttled_localized(exc, wait), None
    if isinstance(exc, RequestDataTooBig):  # Django's limits on a body's form fields, met while parsing it
        return RequestTooLarge(_("The request is too large.")), None
    if isinstance(exc, TooManyFieldsSent):
        return exceptions.ParseError(_("The request has too many fields.")), None
    if isinstance(exc, TooManyFilesSent):
        return exceptions.ParseError(_("The request has too many files.")), None
    return exc, None


def _token_problem(exc: jwt_exceptions.AuthenticationFailed) -> exceptions.AuthenticationFailed:
    """simplejwt's refusals, in our words (its own are neither translated here nor stable) and codes."""
    detail = exc.detail
    jwt_code = str(detail.get("code", "")) if isinstance(detail, dict) else ""
    if isinstance(exc, jwt_exceptions.InvalidToken) or jwt_code == "password_changed":
        refused: exceptions.AuthenticationFailed = TokenNotValid(_("The token is invalid or expired."))
    elif jwt_code == "bad_authorization_header":
        refused = exceptions.AuthenticationFailed(
            _("The Authorization header must be “Bearer” followed by one token.")
        )
    else:  # user_not_found, user_inactive, no_active_account
        refused = exceptions.AuthenticationFailed(_("The token's account is disabled or no longer exists."))
    if auth_header := getattr(exc, "auth_header", None):
        refused.auth_header = auth_header  # type: ignore[attr-defined]  # DRF sets it the same way
    return refused


def _code(exc: exceptions.APIException) -> ProblemCode:
    """The stable code of a DRF exception: DRF's own codes are the contract's ("parse_error", "throttled"…),
    as are ours; anything else is known by its status."""
    if exc.default_code in ProblemCode.__members__.values():
        return ProblemCode(exc.default_code)
    return code_for_status(exc.status_code)


def _detail(exc: exceptions.APIException) -> str:
    """The exception's one message (DRF's detail may be a list or a dict when raised with one)."""
    flat = flatten_errors(exc.detail)
    messages = [message for field_messages in flat.values() for message in field_messages]
    return " ".join(messages) if messages else force_str(exc.default_detail)


def _throttle_wait(exc: exceptions.Throttled) -> float | None:
    """The seconds a throttle asked the caller to wait (None when it did not say)."""
    wait: float | None = exc.wait  # type: ignore[attr-defined]  # set by Throttled.__init__; not in the stubs
    return wait


class LocalizedThrottled(exceptions.Throttled):
    """A 429 whose message is complete as given: it keeps the wait for `Retry-After` without DRF's tail."""

    def __init__(self, message: str, wait: float) -> None:
        super().__init__(detail=message)
        self.wait = wait


def _throttled_localized(exc: exceptions.Throttled, wait: float) -> exceptions.Throttled:
    """DRF formats "Expected available in N seconds" before looking it up, so it never gets translated.

    A throttle's default message becomes ours, with the wait, in the request's language; a view's own
    message (the login's) is kept, without DRF's English tail. The wait stays: it becomes `Retry-After`.
    """
    drf_tail = force_str(
        ngettext(
            exceptions.Throttled.extra_detail_singular.format(wait=wait),
            exceptions.Throttled.extra_detail_plural.format(wait=wait),
            wait,
        )
    )
    message = str(exc.detail).removesuffix(drf_tail).strip()
    if message == force_str(exceptions.Throttled.default_detail):
        message = ngettext(
            "Too many requests. Try again in %(wait)d second.",
            "Too many requests. Try again in %(wait)d seconds.",
            wait,
        ) % {"wait": wait}
    return LocalizedThrottled(message, wait)
