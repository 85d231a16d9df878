"""Saved searches: create, rename or change, delete; the digest subscription: unsubscribe, subscribe."""

from collections.abc import Mapping
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from alerts.models import MAX_SAVED_SEARCHES, DigestSubscription, SavedSearch
from core.exceptions import ApplicationError
from discovery.filters import DiscoveryFilters, discovery_filters_from

# The fields of a Discover request a saved search keeps (the Discover API's names).
FILTER_FIELDS = (
    "genres",
    "exclude_genres",
    "year_from",
    "year_to",
    "min_rating",
    "min_votes",
    "languages",
    "runtime_min",
    "runtime_max",
    "sort_by",
    "on_my_services",
)
_UNSUBSCRIBE_SALT = "alerts.unsubscribe"


class SavedSearchError(ApplicationError):
    """A name taken, or too many saved searches."""


def filters_kept(data: Mapping[str, Any]) -> dict[str, Any]:
    """The request's fields worth keeping: known ones with a value (None, empty lists and false dropped)."""
    return {name: data[name] for name in FILTER_FIELDS if data.get(name) not in (None, "", [], (), False)}


def saved_search_filters(search: SavedSearch) -> DiscoveryFilters:
    """The saved request checked again today (raises ValidationError when it no longer holds)."""
    return discovery_filters_from(search.filters, media_type=search.media_type, viewer=search.user)


def saved_search_create(*, user: User, name: str, media_type: str, filters: Mapping[str, Any]) -> SavedSearch:
    """Keep a Discover request under a name. The filters go through discovery's validator first (a
    ValidationError names each wrong field); a name already used, or past MAX_SAVED_SEARCHES, is refused."""
    kept = filters_kept(filters)
    discovery_filters_from(kept, media_type=media_type, viewer=user)
    if SavedSearch.objects.filter(user=user).count() >= MAX_SAVED_SEARCHES:
        raise SavedSearchError(
            _("You can keep at most %(count)d saved searches.") % {"count": MAX_SAVED_SEARCHES}, field="name"
        )
    try:
        with transaction.atomic():
            search = SavedSearch.objects.create(user=user, name=name, media_type=media_type, filters=kept)
    except IntegrityError as exc:
        raise SavedSearchError(_("You already have a saved search with this name."), field="name") from exc
    DigestSubscription.objects.get_or_create(user=user, defaults={"checked_until": timezone.now()})
    return search


def saved_search_rename(*, search: SavedSearch, name: str) -> SavedSearch:
    if SavedSearch.objects.filter(user_id=search.user_id, name=name).exclude(pk=search.pk).exists():
        raise SavedSearchError(_("You already have a saved search with this name."), field="name")
    search.name = name
    search.save(update_fields=["name", "updated_at"])
    return search


def saved_search_delete(*, user: User, search_id: int) -> bool:
    return SavedSearch.objects.filter(user=user, pk=search_id).delete()[0] > 0


def unsubscribe_token(user: User) -> str:
    """A signed token naming the member, for the e-mail's one-click unsubscribe link (no login needed)."""
    return signing.dumps({"u": user.pk}, salt=_UNSUBSCRIBE_SALT)


def user_of_unsubscribe_token(token: str) -> User | None:
    try:
        data = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    user_id = data.get("u") if isinstance(data, dict) else None
    return User.objects.filter(pk=user_id, is_active=True).first() if isinstance(user_id, int) else None


def digest_subscribe(*, user: User, subscribed: bool) -> DigestSubscription:
    """Switch the weekly e-mail on or off. The Alerts page keeps listing the items either way."""
    subscription, _created = DigestSubscription.objects.get_or_create(
        user=user, defaults={"checked_until": timezone.now()}
    )
    subscription.subscribed = subscribed
    subscription.unsubscribed_at = None if subscribed else timezone.now()
    subscription.save(update_fields=["subscribed", "unsubscribed_at"])
    return subscription


def validation_messages(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"filters": exc.messages}
