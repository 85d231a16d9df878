"""Small template helpers for the web pages."""

from django import template

from library.models import Status

register = template.Library()


@register.filter
def status_label(value: str) -> str:
    """ "later" → "Watch later" (localized)."""
    return str(Status(value).label) if value in Status.values else ""


@register.simple_tag
def rating_values() -> range:
    return range(1, 11)
