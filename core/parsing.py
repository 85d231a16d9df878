"""Numbers in query strings and form fields that are not bound to a Django form field of their own."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

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
