"""Ids: the one key ceiling, the one cap on ids per request, and id lists in every format
API.md §3.7 and §3.11 accept.

A JSON array (`[1, 2]`), a comma-separated string (`"1,2,3"`), a bracketed string (`"[1,2]"`, as
in the document's form example `customerId=[1]`), or repeated form/query fields. Duplicates count
once and keep their first position.
"""

import re
from collections.abc import Iterable
from typing import Any

# Ids are bigint primary keys; anything larger can only be unknown (and would overflow the
# database driver's 64-bit parameter: a 500 instead of a 404/400).
MAX_ID = 2**63 - 1
# The most ids one request or admin action takes (the API's bulk cap, API.md §3.7): a selection
# this size is held in memory (exports put its rows in the requested order).
MAX_IDS = 10_000
_ID = re.compile(r"^[0-9]+$")


class InvalidIdList(ValueError):
    """The value is not a list of positive integer ids (or has too many of them)."""


def _flatten(values: Iterable[Any]) -> list[str]:
    parts: list[str] = []
    for value in values:
        if isinstance(value, bool):
            raise InvalidIdList("Ids must be integers.")
        if isinstance(value, int):
            parts.append(str(value))
        elif isinstance(value, str):
            text = value.strip()
            if text.startswith("[") and text.endswith("]"):
                text = text[1:-1]
            parts.extend(piece.strip() for piece in text.split(",") if piece.strip() != "")
        elif isinstance(value, list):
            parts.extend(_flatten(value))
        else:
            raise InvalidIdList("Ids must be integers.")
    return parts


def parse_id_list(values: Any, *, max_ids: int = MAX_IDS) -> list[int]:
    """Return the distinct ids in order; raise InvalidIdList when empty, malformed or too many."""
    if values is None:
        raise InvalidIdList("At least one id is required.")
    if not isinstance(values, list):
        values = [values]
    parts = _flatten(values)
    if not parts:
        raise InvalidIdList("At least one id is required.")
    ids: dict[int, None] = {}
    for part in parts:
        if not _ID.match(part):
            raise InvalidIdList(f"{part[:20]!r} is not a valid id.")
        number = int(part)
        if number < 1 or number > MAX_ID:
            raise InvalidIdList(f"{part[:20]} is not a valid id.")
        ids[number] = None
        if len(ids) > max_ids:
            raise InvalidIdList(f"At most {max_ids} ids are allowed.")
    return list(ids)


def id_values(data, key: str) -> Any:
    """The raw value(s) of `key` from a QueryDict (repeated fields) or a parsed JSON body."""
    if hasattr(data, "getlist"):
        values = data.getlist(key)
        if not values:
            return None
        return values if len(values) > 1 else values[0]
    return data.get(key) if isinstance(data, dict) else None
