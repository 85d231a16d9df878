"""A household: people who watch together. Its members share the group's picks, never their lists."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

CODE_BYTES = 9  # 12 URL-safe characters: unguessable, short enough to read out


def invite_code_new() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


class Household(TimeStampedModel):
    name = models.CharField(_("name"), max_length=80)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="+"
    )
    # Whoever holds it may join: the owner can draw a new one to stop an old link from working.
    invite_code = models.CharField(_("invite code"), max_length=32, unique=True, default=invite_code_new)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return self.name


class Membership(TimeStampedModel):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["household", "user"], name="one_membership_per_user")]
