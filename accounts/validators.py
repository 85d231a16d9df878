"""Rules for usernames beyond Django's character set: a name must not pass for someone else's."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import User


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
