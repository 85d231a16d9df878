from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscoveryConfig(AppConfig):
    name = "discovery"
    verbose_name = _("Discovery")

    def ready(self) -> None:
        from discovery import (
            feed,  # noqa: F401 - connects the feed cache to title writes
            receivers,  # noqa: F401 - and to the catalog's bulk changes
        )
