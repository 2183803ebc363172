"""The input rules of API.md §3.1 and §4, written once.

The API serializers, the admin forms, the admin import and the import command all apply these,
so a password, a mobile number or a colour is accepted or refused alike everywhere, with the same
message. Plain functions: each caller wraps the message in its own error type.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

PASSWORD_MESSAGE = (
    "Password must contain at least one number or one symbol and one uppercase and lowercase "
    "letter, and at least 8 and at most 128 characters"
)
MOBILE_MESSAGE = "Enter 6 to 15 digits, optionally starting with +."
COLOUR_MESSAGE = "Must be a hex colour: #RGB or #RRGGBB."
# Django's and DRF's own texts, so every door words a refusal the same way.
EMAIL_MESSAGE = "Enter a valid email address."
EMAIL_MAX = 96
EMAIL_TOO_LONG_MESSAGE = "Ensure this field has no more than 96 characters."
NULL_MESSAGE = "Null characters are not allowed."
FIRST_NAME_MAX = 32
LAST_NAME_MAX = 96
BLANK_MESSAGE = "This field may not be blank."
REQUIRED_MESSAGE = "This field is required."


def too_long_message(limit: int) -> str:
    # DRF's wording (the API's), used by every door.
    return f"Ensure this field has no more than {limit} characters."


# 8-128 characters; an upper-case and a lower-case letter; a digit or one of #?!@$%^&*-.
# `.` excludes line breaks: a password is one line.
_PASSWORD = re.compile(r"(?=.*?[A-Z])(?=.*?[a-z])(?=.*?[0-9#?!@$%^&*-]).{8,128}")
_MOBILE_NOISE = re.compile(r"[\s\-.()]")
_MOBILE = re.compile(r"\+?[0-9]{6,15}")
# `+44 (0)20 7946-0958`: the `(0)` is the national trunk prefix, dialled only from inside the
# country, so it is no part of the international number. Only a `(0)` right after the country
# code (1-3 digits) is dropped; a 0 anywhere else is a digit like any other.
_TRUNK_PREFIX = re.compile(r"^(\s*\+\s*[0-9]{1,3})[\s\-.]*\(\s*0\s*\)")
_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


def password_is_strong(value: str) -> bool:
    return bool(_PASSWORD.fullmatch(value or ""))


def normalise_mobile(value: str) -> str | None:
    """A `(0)` trunk prefix after the country code dropped, then spaces, dashes, dots and
    parentheses removed; the number if it is then `+?` 6-15 digits, else None."""
    number = _MOBILE_NOISE.sub("", _TRUNK_PREFIX.sub(r"\1", value or "", count=1))
    return number if _MOBILE.fullmatch(number) else None


class RuleError(ValueError):
    """A value refused by a rule; `message` is the text every door shows."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def clean_email(value: str) -> str:
    """The API's e-mail rule (API.md §3.1): trimmed, at most 96 characters, a valid address
    (Django's validator: no markup, no line breaks, no header injection); lower-cased."""
    text = (value or "").strip()
    if "\x00" in text:
        raise RuleError(NULL_MESSAGE)
    if len(text) > EMAIL_MAX:
        raise RuleError(EMAIL_TOO_LONG_MESSAGE)
    try:
        validate_email(text)
    except ValidationError:
        raise RuleError(EMAIL_MESSAGE) from None
    return text.lower()


def _text(value) -> str:
    text = "" if value is None else str(value)
    if "\x00" in text:
        raise RuleError(NULL_MESSAGE)
    return text.strip()


def clean_first_name(value) -> str:
    """The customer's first name (the API's `username`): 1-32 characters after trimming."""
    text = _text(value)
    if not text:
        raise RuleError(BLANK_MESSAGE)
    if len(text) > FIRST_NAME_MAX:
        raise RuleError(too_long_message(FIRST_NAME_MAX))
    return text


def clean_last_name(value) -> str | None:
    """Up to 96 characters after trimming; blank is no last name (None)."""
    text = _text(value)
    if len(text) > LAST_NAME_MAX:
        raise RuleError(too_long_message(LAST_NAME_MAX))
    return text or None


def clean_mobile(value) -> str:
    """`rules.normalise_mobile`, refusing with the contract's message."""
    text = _text(value)
    number = normalise_mobile(text)
    if number is None:
        raise RuleError(MOBILE_MESSAGE)
    return number


def is_colour(value: str) -> bool:
    return bool(_COLOUR.fullmatch(value or ""))
