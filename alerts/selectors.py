"""A member's saved searches and alert items."""

from django.db.models import QuerySet

from accounts.models import User
from alerts.models import AlertItem, DigestSubscription, SavedSearch, ServiceArrival


def saved_searches_of(*, user: User) -> QuerySet[SavedSearch]:
    return SavedSearch.objects.filter(user=user)


def saved_search_of(*, user: User, search_id: int) -> SavedSearch | None:
    return SavedSearch.objects.filter(user=user, pk=search_id).first()


def alert_items_of(*, user: User) -> QuerySet[AlertItem]:
    """Newest week first, with the title and the saved search (one query)."""
    return AlertItem.objects.filter(user=user).select_related("title", "saved_search")


def digest_subscribed(*, user: User) -> bool:
    subscription = DigestSubscription.objects.filter(user=user).first()
    return subscription is None or subscription.subscribed


def service_arrivals_of(*, user: User) -> QuerySet[ServiceArrival]:
    """Newest day first, with the title (one query)."""
    return ServiceArrival.objects.filter(user=user).select_related("title")
