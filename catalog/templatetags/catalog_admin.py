"""The admin index's catalog health and background-work summary."""

from typing import Any

from django import template
from django.core.cache import cache

from catalog.selectors import catalog_health
from core.workers import background_status

register = template.Library()
BACKGROUND_STATUS_SECONDS = 30


@register.inclusion_tag("admin/catalog/health.html")
def catalog_health_summary() -> dict[str, Any]:
    # A ping waits its whole timeout for replies: asked at most every BACKGROUND_STATUS_SECONDS.
    background = cache.get_or_set("admin:background-status", background_status, BACKGROUND_STATUS_SECONDS)
    return {"health": catalog_health(), "background": background}
