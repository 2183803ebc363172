"""Strict parsing of query parameters as API.md §1 defines them.

Integers are plain decimal digits; flags are exactly 0 or 1; `count` is 1/0/true/false. Anything
else is a 422 naming the parameter, never a 500 or a silently ignored value.
"""

import re
from dataclasses import dataclass

from rest_framework.exceptions import ValidationError

from ecommerce_admin.ids import MAX_ID

DIGITS = re.compile(r"^[0-9]+$")
MAX_LIMIT = 1000
# Larger offsets overflow the databases' 64-bit OFFSET; nothing lives that far anyway.
MAX_OFFSET = MAX_ID

INTEGER_MESSAGE = "A valid integer is required (plain decimal digits)."
FLAG_MESSAGE = "Must be 0 or 1."
COUNT_MESSAGE = "Must be 1, 0, true or false."
NUL_MESSAGE = "Null characters are not allowed."


def reject_nul(name: str, value: str) -> str:
    if "\x00" in value:
        raise ValidationError({name: [NUL_MESSAGE]})
    return value


def parse_int(name: str, raw: str, *, minimum: int = 0, maximum: int = MAX_OFFSET) -> int:
    if not DIGITS.match(raw):
        raise ValidationError({name: [INTEGER_MESSAGE]})
    value = int(raw)
    if value < minimum or value > maximum:
        raise ValidationError({name: [f"Must be between {minimum} and {maximum}."]})
    return value


def parse_flag(name: str, raw: str) -> int:
    if raw not in {"0", "1"}:
        raise ValidationError({name: [FLAG_MESSAGE]})
    return int(raw)


def parse_count(raw: str | None) -> bool:
    if raw is None or raw == "":
        return False
    lowered = raw.lower()
    if lowered in {"1", "true"}:
        return True
    if lowered in {"0", "false"}:
        return False
    raise ValidationError({"count": [COUNT_MESSAGE]})


@dataclass(frozen=True)
class ListWindow:
    """What part of a list a request asks for: a count, or `limit` rows from `offset`."""

    count: bool
    limit: int | None  # None = every row (the group list's `limit` absent or 0)
    offset: int


def parse_list_window(query_params, *, limit_required: bool = True) -> ListWindow:
    """Read `count`, `limit` and `offset`.

    With `count` true, `limit`/`offset` are ignored even when malformed (API.md §1). With
    `limit_required=False` (the group list), an absent limit or `limit=0` means every row, still
    bounded by MAX_LIMIT.
    """
    if parse_count(query_params.get("count")):
        return ListWindow(count=True, limit=None, offset=0)

    raw_limit = query_params.get("limit")
    if raw_limit is None:
        if limit_required:
            raise ValidationError({"limit": ["This parameter is required."]})
        limit: int | None = MAX_LIMIT
    else:
        minimum = 1 if limit_required else 0
        limit = parse_int("limit", raw_limit, minimum=minimum, maximum=MAX_LIMIT) or MAX_LIMIT

    raw_offset = query_params.get("offset")
    offset = 0 if raw_offset is None or raw_offset == "" else parse_int("offset", raw_offset)
    return ListWindow(count=False, limit=limit, offset=offset)


def path_id(kwargs, name: str = "pk") -> int:
    """An id from the route. The routes match digits only; an id beyond the key range can only
    be unknown, so it becomes MAX_ID + 1 (never found) instead of overflowing the database."""
    number = int(kwargs[name])
    return number if number <= MAX_ID else MAX_ID + 1
