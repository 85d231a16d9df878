"""The request a page view gets: Django's, with what django-htmx's middleware adds to every one."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A type only (as django-htmx documents it): `HtmxMiddleware` sets `request.htmx` on each request."""

    htmx: HtmxDetails
