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


class TraktConnection(TimeStampedModel):
    """A user's link to their Trakt account through our Trakt API app: the device flow, tokens, sync marks.

    The tokens stay on the server (never in an API answer or the admin's list). `state` says what the
    Integrations page shows: a Trakt refusal (VIP required, the app revoked) stops the sync with a message.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for the code to be entered")
        CONNECTED = "connected", _("Connected")
        VIP_REQUIRED = "vip_required", _("Trakt requires VIP")
        REVOKED = "revoked", _("Access revoked")
        EXPIRED = "expired", _("Code expired or refused")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="trakt"
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.PENDING)
    push = models.BooleanField(_("send our marks to Trakt"), default=True)
    # The device flow (RFC 8628 as Trakt runs it): shown to the user until they approve.
    device_code = models.CharField(_("device code"), max_length=128, blank=True, editable=False)
    user_code = models.CharField(_("user code"), max_length=32, blank=True)
    verification_url = models.URLField(_("verification URL"), blank=True)
    code_expires_at = models.DateTimeField(_("code expires"), null=True, blank=True)
    poll_interval = models.PositiveSmallIntegerField(_("poll interval (s)"), default=5)
    next_poll_at = models.DateTimeField(_("next poll"), null=True, blank=True)
    access_token = models.CharField(_("access token"), max_length=256, blank=True, editable=False)
    refresh_token = models.CharField(_("refresh token"), max_length=256, blank=True, editable=False)
    token_expires_at = models.DateTimeField(_("token expires"), null=True, blank=True)
    # Incremental pull: Trakt's /sync/last_activities as last read, and the newest dates already pulled.
    activities = models.JSONField(_("last activities"), default=dict, blank=True)
    history_since = models.DateTimeField(_("history pulled up to"), null=True, blank=True)
    ratings_since = models.DateTimeField(_("ratings pulled up to"), null=True, blank=True)
    watchlist_since = models.DateTimeField(_("watchlist pulled up to"), null=True, blank=True)
    pushed_until = models.DateTimeField(_("marks pushed up to"), null=True, blank=True)
    last_sync_at = models.DateTimeField(_("last sync"), null=True, blank=True)
    last_sync_seconds = models.FloatField(_("last sync duration (s)"), null=True, blank=True)
    last_result = models.JSONField(_("last result"), default=dict, blank=True)  # counts pulled and pushed
    message = models.CharField(_("message"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("Trakt connection")
        verbose_name_plural = _("Trakt connections")
        indexes = [models.Index(fields=["state", "last_sync_at"], name="trakt_state_sync_idx")]

    def __str__(self) -> str:
        return f"Trakt · {self.user} · {self.state}"
