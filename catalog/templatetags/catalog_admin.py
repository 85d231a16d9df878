"""The admin index's catalog health and background-work summary."""

from typing import Any

from django import template

from catalog.selectors import catalog_health
from core.workers import background_status

register = template.Library()


@register.inclusion_tag("admin/catalog/health.html")
def catalog_health_summary() -> dict[str, Any]:
    return {"health": catalog_health(), "background": background_status()}
