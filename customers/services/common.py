"""What the customer and group writes share."""

from typing import Any, Final

from customers.models import CustomerGroup


class Unset:
    """Marks an optional update field the request did not send (keep the stored value)."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = Unset()


def lock_group(group_id: int) -> CustomerGroup | None:
    """The group, locked until commit so a concurrent group delete cannot orphan the customer."""
    return CustomerGroup.objects.select_for_update().filter(pk=group_id).first()


def snapshot(instance, fields) -> dict[str, Any]:
    """The audited values of `instance` (for the audit trail's before/after diff)."""
    return {field: getattr(instance, field) for field in fields}
