from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")


class WatchKind(models.TextChoices):
    """Which offers count as "on my services": a subscription always, free and with ads when asked for
    (the values are TMDB's bucket names)."""

    FLATRATE = "flatrate", _("subscription")
    FREE = "free", _("free")
    ADS = "ads", _("free with ads")


def default_watch_kinds() -> list[str]:
    return [WatchKind.FLATRATE.value]


class User(AbstractUser):
    """Our user from the first migration: a unique email to log in with, and a preferred language; where
    they watch (a country and the services they have there, as the catalog's service keys)."""

    email = models.EmailField(_("email address"), unique=True)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.ENGLISH
    )
    watch_country = models.CharField(_("country"), max_length=2, blank=True)  # ISO 3166-1 alpha-2
    watch_services = models.JSONField(_("services"), default=list, blank=True)  # e.g. ["netflix"]
    watch_kinds = models.JSONField(_("offers that count"), default=default_watch_kinds, blank=True)

    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # "Ann@x.org" and "ann@X.org" are one mailbox: one account.
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)
