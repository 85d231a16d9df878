from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """Server-rendered pages for people, over the same services and selectors as the REST API."""

    name = "web"
    verbose_name = _("Web pages")
