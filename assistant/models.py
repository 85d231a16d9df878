from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


class ChatSession(TimeStampedModel):
    """One conversation of one user; `state` is what the next follow-up refines."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="chat_sessions",
    )
    title = models.CharField(_("title"), max_length=120, blank=True)
    state = models.JSONField(_("current request"), default=dict, blank=True)

    class Meta:
        verbose_name = _("chat session")
        verbose_name_plural = _("chat sessions")
        ordering = ("-updated_at",)

    def __str__(self) -> str:
        return self.title or f"#{self.pk}"


class ChatMessage(TimeStampedModel):
    class Role(models.TextChoices):
        USER = "user", _("user")
        ASSISTANT = "assistant", _("assistant")

    session = models.ForeignKey(ChatSession, on_delete=models.CASCADE, related_name="messages")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    text = models.TextField(_("text"))
    intent = models.CharField(_("intent"), max_length=10, blank=True)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    title_ids = models.JSONField(_("titles shown"), default=list, blank=True)
    backend = models.CharField(_("interpreter"), max_length=10, blank=True)
    prompt_tokens = models.PositiveIntegerField(null=True, blank=True)
    completion_tokens = models.PositiveIntegerField(null=True, blank=True)
    elapsed_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")
        ordering = ("created_at", "pk")

    def __str__(self) -> str:
        return f"{self.role}: {self.text[:60]}"
