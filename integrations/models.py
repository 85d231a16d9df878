"""Webhook endpoints that media servers call when something was watched, and what each call became."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models import Title
from core.models import TimeStampedModel


class ServerKind(models.TextChoices):
    PLEX = "plex", "Plex"
    JELLYFIN = "jellyfin", "Jellyfin"
    EMBY = "emby", "Emby"


class WebhookEndpoint(TimeStampedModel):
    """One secret URL a user gave one media server; only its token's SHA-256 is kept (shown once)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
    )
    kind = models.CharField(_("server"), max_length=10, choices=ServerKind.choices)
    name = models.CharField(_("name"), max_length=80)
    # SHA-256 hex of the URL's token: the token has 256 random bits, so a plain hash is enough to find it.
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    # A household sharing one server: only events of this server user name count (blank: every user's).
    server_user = models.CharField(_("server user name"), max_length=150, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ("-created_at",)
        indexes = [models.Index(fields=["user", "-created_at"], name="webhook_endpoint_user_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.name} · {self.user}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class WebhookEvent(models.Model):
    """One call a server made to an endpoint: kept to answer a retry once only and to show what went wrong."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPLIED = "applied", _("Applied")
        UNCHANGED = "unchanged", _("Unchanged")
        IGNORED = "ignored", _("Ignored")
        UNMATCHED = "unmatched", _("Unmatched")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(
        WebhookEndpoint, verbose_name=_("endpoint"), on_delete=models.CASCADE, related_name="events"
    )
    # SHA-256 of what makes the event (server, kind, item ids, server user, time): a retry has the same.
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    received_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    event = models.CharField(_("event"), max_length=60, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.PENDING)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    title = models.ForeignKey(
        Title, verbose_name=_("title"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What the server said about the item (kind, ids, title, year, date, rating): small, never the whole body.
    payload = models.JSONField(_("payload excerpt"), default=dict, blank=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        ordering = ("-received_at",)
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "fingerprint"], name="webhook_event_fingerprint_unique"
            )
        ]
        indexes = [models.Index(fields=["endpoint", "-received_at"], name="webhook_event_endpoint_idx")]

    def __str__(self) -> str:
        return f"{self.endpoint_id} · {self.event} · {self.status}"
