"""DRF exception handler: our exceptions and Django's keep DRF's body shapes, `{"detail": …}` or
`{"field": [messages]}`, with the status each deserves (400, 404, 413, 429, 503 with Retry-After)."""

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, InterfaceError, OperationalError
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from core.exceptions import ApplicationError, NotFound, ProviderUnavailable

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS_WHEN_DOWN = 5


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "service_unavailable"


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    retry_after: float | None = None
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, NotFound):
        exc = exceptions.NotFound(exc.message)
    elif isinstance(exc, ApplicationError):
        body = {exc.field: [exc.message]} if exc.field else exc.message
        exc = exceptions.ValidationError(body) if exc.field else exceptions.ParseError(exc.message)
    elif isinstance(exc, ProviderUnavailable):
        logger.warning("Provider unavailable: %s", exc)
        retry_after = exc.retry_after or RETRY_AFTER_SECONDS_WHEN_DOWN
        exc = ServiceUnavailable(_("An external service is unavailable. Please try again shortly."))
    elif isinstance(exc, OperationalError | InterfaceError) or type(exc) is DatabaseError:
        # The database went away (restart, failover): tell clients to retry rather than 500.
        logger.warning("Database unavailable: %s", exc)
        retry_after = RETRY_AFTER_SECONDS_WHEN_DOWN
        exc = ServiceUnavailable(_("The service is temporarily unavailable. Please try again shortly."))
    elif isinstance(exc, exceptions.Throttled) and (wait := _throttle_wait(exc)) is not None:
        exc = _throttled_localized(exc, wait)
    elif isinstance(exc, RequestDataTooBig):  # Django's limits on a body's form fields, met while parsing it
        exc = RequestTooLarge(_("The request is too large."))
    elif isinstance(exc, TooManyFieldsSent):
        exc = exceptions.ParseError(_("The request has too many fields."))
    elif isinstance(exc, TooManyFilesSent):
        exc = exceptions.ParseError(_("The request has too many files."))

    response = drf_exception_handler(exc, context)
    if response is not None and retry_after is not None:
        response.headers["Retry-After"] = str(int(retry_after))
    return response


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
