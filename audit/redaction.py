"""The one rewrite the append-only trail allows: personal values replaced by `[erased]`.

An erasure (API.md §12) keeps who did what and when, but not the personal data an event carried.
A redaction keeps the shape of `changes`/`extra` (the same keys, the same list lengths) and only
turns scalar values into `[erased]`; `is_redaction` is the check the ORM guard applies, and the
PostgreSQL trigger (migration 0004) applies the same check to raw SQL.
"""

from collections.abc import Callable
from typing import Any

ERASED = "[erased]"


def is_redaction(before: Any, after: Any) -> bool:
    """True when `after` is `before` with zero or more scalars replaced by ERASED, nothing else."""
    if isinstance(before, dict):
        return (
            isinstance(after, dict)
            and before.keys() == after.keys()
            and all(is_redaction(before[key], after[key]) for key in before)
        )
    if isinstance(before, list):
        return (
            isinstance(after, list)
            and len(before) == len(after)
            and all(is_redaction(old, new) for old, new in zip(before, after, strict=True))
        )
    if before is None:
        return after is None
    return after == ERASED or (type(after) is type(before) and after == before)


def redact(value: Any, *, is_personal: Callable[[str | None, Any], bool], key: str | None = None):
    """A copy of `value` with every scalar that `is_personal(key, scalar)` flags replaced.

    `key` is the nearest dict key above the scalar (a field name such as `email`), so a caller
    can redact by field as well as by value. None stays None: there is nothing to erase.
    """
    if isinstance(value, dict):
        return {k: redact(v, is_personal=is_personal, key=k) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(item, is_personal=is_personal, key=key) for item in value]
    if value is None or value == ERASED:
        return value
    return ERASED if is_personal(key, value) else value
