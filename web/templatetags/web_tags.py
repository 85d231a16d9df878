"""Small template helpers for the web pages."""

from django import template

from catalog.selectors import EmbeddedCatalogEnd, embedded_catalog_end
from library.models import Status

register = template.Library()


@register.filter
def status_label(value: str) -> str:
    """ "later" → "Watch later" (localized)."""
    return str(Status(value).label) if value in Status.values else ""


@register.simple_tag
def rating_values() -> range:
    return range(1, 11)


@register.simple_tag
def catalog_end() -> EmbeddedCatalogEnd | None:
    """Where the embedded catalog stops (None when the catalog is live): said beside an empty result."""
    return embedded_catalog_end()
