"""Saved searches, the weekly digest's items, and each member's digest subscription."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models import MediaType, Title
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
