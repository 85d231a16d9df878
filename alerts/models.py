"""Saved searches, the weekly digest's items, and each member's digest subscription."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models import MediaType, OfferKind, Title
from core.models import TimeStampedModel

MAX_NAME_CHARS = 80
MAX_SAVED_SEARCHES = 50  # per member: each one costs a query in every digest


class SavedSearch(TimeStampedModel):
    """A named Discover filter set. `filters` holds the request as given (the Discover API's JSON shape),
    checked by `discovery.filters` when saved and read again at each digest, so a genre renamed or a
    bound changed later is judged by the rules of the day."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(_("name"), max_length=MAX_NAME_CHARS)
    media_type = models.CharField(_("media type"), max_length=5, choices=MediaType.choices)
    filters = models.JSONField(_("filters"), default=dict)

    class Meta:
        ordering = ("-created_at", "-pk")
        constraints = [models.UniqueConstraint(fields=("user", "name"), name="saved_search_unique_name")]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")

    def __str__(self) -> str:
        return self.name


class DigestSubscription(models.Model):
    """Whether a member gets the weekly e-mail, and up to when titles were already looked at: the next
    digest lists titles added to the catalog after `checked_until`."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest")
    subscribed = models.BooleanField(_("weekly e-mail"), default=True)
    checked_until = models.DateTimeField(_("titles looked at up to"), null=True, blank=True)
    last_week = models.DateField(_("last digest's week"), null=True, blank=True)  # its Monday
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {'on' if self.subscribed else 'off'}"


class AlertItem(TimeStampedModel):
    """One line of a digest: a new title matching a saved search. Unique per member, title and week, so
    a digest run twice for the same week adds nothing."""

    class Kind(models.TextChoices):
        NEW_MATCH = "new_match", _("New title matching a saved search")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_items")
    title = models.ForeignKey(Title, on_delete=models.CASCADE, related_name="+")
    saved_search = models.ForeignKey(SavedSearch, on_delete=models.SET_NULL, null=True, blank=True)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.NEW_MATCH)
    week = models.DateField()  # the Monday of the digest's week

    class Meta:
        ordering = ("-week", "-pk")
        constraints = [
            models.UniqueConstraint(fields=("user", "title", "kind", "week"), name="alert_item_unique_week")
        ]
        indexes = [models.Index(fields=("user", "-week"))]


class OfferSnapshot(models.Model):
    """The services offering a title in one country on one day (UTC), as the daily arrivals check saw
    them: `brands` maps each of TMDB's buckets to its services' keys (`catalog.offers.brand_of`, so a
    service's several provider ids are one), `names` each service's name as TMDB spells it. Today's is
    compared with the latest earlier one; a few days are kept."""

    title = models.ForeignKey(Title, on_delete=models.CASCADE, related_name="+")
    region = models.CharField(_("country"), max_length=2)
    day = models.DateField(_("day"))
    brands = models.JSONField(_("services by kind"), default=dict)  # {"flatrate": ["netflix"], ...}
    names = models.JSONField(_("services' names"), default=dict)  # {"netflix": "Netflix"}
    fetched_at = models.DateTimeField(_("fetched at"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("title", "region", "day"), name="offer_snapshot_unique_day")
        ]
        verbose_name = _("offers snapshot")
        verbose_name_plural = _("offers snapshots")

    def __str__(self) -> str:
        return f"{self.title_id} {self.region} {self.day}"


class ServiceArrival(TimeStampedModel):
    """A title on a member's watch-later list that arrived on one of their services in their country: the
    service was not offering it (in the kinds the member counts) at the previous snapshot and is today.
    `digest_week` is the week of the digest that listed it (None until then)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="service_arrivals"
    )
    title = models.ForeignKey(Title, on_delete=models.CASCADE, related_name="+")
    region = models.CharField(_("country"), max_length=2)
    brand = models.CharField(_("service"), max_length=100)
    service_name = models.CharField(_("service's name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=8, choices=OfferKind.choices)  # the bucket it arrived in
    day = models.DateField(_("day"))  # the day (UTC) it was seen there first
    digest_week = models.DateField(_("digest's week"), null=True, blank=True)

    class Meta:
        ordering = ("-day", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=("user", "title", "region", "brand", "day"), name="service_arrival_unique_day"
            )
        ]
        indexes = [
            models.Index(fields=("user", "-day"), name="service_arrival_user_day"),
            models.Index(fields=("user", "digest_week"), name="service_arrival_pending"),
        ]
        verbose_name = _("arrival on a service")
        verbose_name_plural = _("arrivals on services")

    def __str__(self) -> str:
        return f"{self.user_id} {self.title_id} {self.region} {self.brand} {self.day}"
