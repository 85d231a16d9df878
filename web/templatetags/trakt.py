"""`{% trakt_section %}`: the Trakt part of the Integrations page, drawn from the member's link."""

from typing import Any

from django import template

from accounts.selectors import authenticated_user
from integrations.clients.trakt import trakt_configured
from integrations.trakt import trakt_status

register = template.Library()


@register.inclusion_tag("web/_trakt.html", takes_context=True)
def trakt_section(context: template.Context) -> dict[str, Any]:
    """A pending link asks Trakt (at most once per interval) whether its code was entered."""
    request = context["request"]
    return {
        "available": trakt_configured(),
        "connection": trakt_status(user=authenticated_user(request)),
        "csrf_token": context.get("csrf_token"),
    }
