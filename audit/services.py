"""Recording audit events, in the same transaction as the change they describe.

Where a write comes from (API, admin, command) is carried by a context variable that the
middleware and the management commands set, so services need no extra parameter for it.
"""

import contextlib
import contextvars
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .models import AuditEvent, AuditEventTarget

SECRET_FIELDS = frozenset(
    {"password", "confirm_password", "forget_password_key", "link_expires", "oauth_data"}
)

_source: contextvars.ContextVar[str] = contextvars.ContextVar(
    "audit_source", default=AuditEvent.Source.SYSTEM
)


@contextlib.contextmanager
def audit_source(source: str) -> Iterator[None]:
    token = _source.set(source)
    try:
        yield
    finally:
        _source.reset(token)


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "pk"):
        return value.pk
    return str(value)


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """`{field: [before, after]}` for the fields that changed, secrets left out entirely."""
    changes = {}
    for field, new in after.items():
        if field in SECRET_FIELDS:
            continue
        old = before.get(field)
        if _jsonable(old) != _jsonable(new):
            changes[field] = [_jsonable(old), _jsonable(new)]
    return changes


def actor_of(by: Any) -> Any:
    """The signed-in user behind `by`, or None (a command, the system, an anonymous request).

    The one check every write uses before recording who acted (audit actor, created_by,
    modified_by, the export log's user)."""
    if getattr(by, "is_authenticated", False) and getattr(by, "pk", None) is not None:
        return by
    return None


def audit_record(
    *,
    action: str,
    object_type: str,
    object_ids: Iterable[int] = (),
    by=None,
    changes: Mapping[str, list[Any]] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. Call it inside the service's transaction: it commits or rolls back
    with the change it describes."""
    clean_changes = {k: v for k, v in (changes or {}).items() if k not in SECRET_FIELDS}
    actor = actor_of(by)
    ids = [int(pk) for pk in object_ids]
    event = AuditEvent.objects.create(
        actor=actor,
        actor_name=getattr(actor, "get_username", lambda: "")(),
        source=_source.get(),
        action=action,
        object_type=object_type,
        object_ids=ids,
        changes=clean_changes,
        extra=dict(extra or {}),
    )
    if ids:
        AuditEventTarget.objects.bulk_create(
            [AuditEventTarget(event=event, object_type=object_type, object_id=pk) for pk in ids],
            batch_size=5000,
        )
    return event


def audit_history(*, object_type: str, object_id: int, limit: int = 10):
    """The newest events that touched one object (e.g. for the customer's admin page)."""
    return AuditEvent.objects.filter(
        targets__object_type=object_type, targets__object_id=object_id
    ).order_by("-created_at", "-id")[:limit]
