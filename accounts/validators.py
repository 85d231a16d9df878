"""Rules for usernames beyond Django's character set (a name must not pass for someone else's), and for
where a user watches (country, services, kinds of offer)."""

import re

import pycountry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import User, WatchKind


def validate_username_not_confusable(username: str) -> None:
    """Refuse a name mixing alphabets with letters that look like another alphabet's ("paypal" with a
    Cyrillic first "a"): it reads as another person's name. Names in one alphabet, any alphabet, are fine."""
    if username.isascii():  # Latin letters, digits and punctuation: one alphabet
        return
    max_length = User._meta.get_field("username").max_length
    if max_length is not None and len(username) > max_length:
        return  # refused for its length anyway; the check takes 0.2 s per 100,000 characters
    # About 10 MB of Unicode tables, loaded by the first non-ASCII name a process sees, not at start-up.
    from confusable_homoglyphs import confusables

    if confusables.is_dangerous(username):
        raise ValidationError(
            _("This username mixes alphabets with letters that look alike. Use one alphabet."),
            code="confusable",
        )


SERVICE_KEY = re.compile(r"^[a-z0-9]{1,100}$")
MAX_SERVICES = 50


def validate_watch_country(country: str) -> str:
    """An ISO 3166-1 alpha-2 country ("fr" is read as "FR"), or "" for none."""
    code = (country or "").strip().upper()
    if code and (len(code) != 2 or pycountry.countries.get(alpha_2=code) is None):
        raise ValidationError(_("Not a country code (two letters, such as FR or US)."), code="invalid")
    return code


def validate_watch_services(services: list[str]) -> list[str]:
    """Service keys as the catalog writes them ("netflix", "amazonprimevideo"), each once, at most 50."""
    keys = list(dict.fromkeys(str(s).strip().lower() for s in services))
    if len(keys) > MAX_SERVICES:
        raise ValidationError(_("Choose at most 50 services."), code="invalid")
    if any(not SERVICE_KEY.match(key) for key in keys):
        raise ValidationError(_("A service is named by letters and digits only."), code="invalid")
    return keys


def validate_watch_kinds(kinds: list[str]) -> list[str]:
    """Which offers count: a subscription always, free and with ads when asked for."""
    unknown = [kind for kind in kinds if kind not in WatchKind.values]
    if unknown:
        raise ValidationError(
            _("Unknown kind of offer: %(kinds)s.") % {"kinds": ", ".join(unknown)}, code="invalid"
        )
    return [kind for kind in WatchKind.values if kind in kinds or kind == WatchKind.FLATRATE]
