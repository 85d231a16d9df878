"""Values from query strings and form fields checked the same way for the API and the pages: whole numbers
not bound to a Django form field of their own, and bounded text."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_ID = 2**63 - 1  # the largest primary key (BigAutoField)


def whole_number(value: Any, *, max_value: int, min_value: int = 1) -> int | None:
    """`value` as a whole number from `min_value` to `max_value`, or None when it is anything else.

    Django's IntegerField parses and bounds it, in ASCII digits only: `str.isdigit()` accepts "²", which
    `int()` then refuses, `int()` reads other scripts' digits ("٣") and refuses thousands of digits.
    """
    if not isinstance(value, str) or not value.isascii():
        return None
    try:
        return forms.IntegerField(min_value=min_value, max_value=max_value).clean(value)
    except ValidationError:
        return None


def bounded_text(value: Any, *, max_chars: int) -> str:
    """`value` stripped, refused when empty or longer than `max_chars`, in Django REST framework's words
    (the API has always said them, and the pages now say the same)."""
    text = str(value).strip()
    if not text:
        raise ValidationError(_("This field may not be blank."), code="blank")
    if len(text) > max_chars:
        message = _("Ensure this field has no more than {max_length} characters.")
        raise ValidationError(message.format(max_length=max_chars), code="max_length")
    return text
