from django.db.models import QuerySet

from accounts.models import User
from integrations.models import WebhookEndpoint, WebhookEvent


def endpoints_of(*, user: User) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(user=user).order_by("-created_at", "-pk")


def endpoint_of(*, user: User, endpoint_id: int) -> WebhookEndpoint | None:
    """One of the user's endpoints; another user's is None (as if it did not exist)."""
    return WebhookEndpoint.objects.filter(user=user, pk=endpoint_id).first()


def events_of(*, user: User, status: str | None = None) -> QuerySet[WebhookEvent]:
    events = WebhookEvent.objects.filter(endpoint__user=user)
    if status:
        events = events.filter(status=status)
    return events.order_by("-received_at", "-pk")
