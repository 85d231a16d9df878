from rest_framework.request import Request

from core.api.throttling import WindowCounterThrottle
from integrations.services import token_hash


class WebhookThrottle(WindowCounterThrottle):
    """`THROTTLE_WEBHOOK_RATE` calls per webhook URL (by its token's hash), whoever sends them."""

    scope = "webhook"

    def get_cache_key(self, request: Request, view: object) -> str | None:
        token = getattr(view, "kwargs", {}).get("token", "")
        return self.cache_format % {"scope": self.scope, "ident": token_hash(str(token))[:32]}
