"""Customer group writes (API.md §4): create, update, delete."""

from typing import Any, Final

from django.db import IntegrityError, transaction

from audit.services import audit_record, diff
from customers.models import Customer, CustomerGroup
from ecommerce_admin.errors import DomainError
from ecommerce_admin.ids import MAX_ID

from .common import UNSET, Unset, lock_group, snapshot
from .messages import DEFAULT_GROUP_PROTECTED, GROUP_EXISTS, GROUP_IN_USE, INVALID_GROUP_ID

AUDITED_GROUP_FIELDS: Final = ("name", "description", "color_code", "is_active")


def _group_name_taken(name: str, *, exclude_id: int | None = None) -> bool:
    queryset = CustomerGroup.objects.filter(name__iexact=name)
    if exclude_id is not None:
        queryset = queryset.exclude(pk=exclude_id)
    return queryset.exists()


def _save_group(group: CustomerGroup, **kwargs) -> None:
    try:
        with transaction.atomic():
            group.save(**kwargs)
    except IntegrityError:
        # The unique index on lower(name) caught a concurrent create/rename.
        raise DomainError(GROUP_EXISTS) from None


@transaction.atomic
def group_create(
    *,
    name: str,
    color_code: str,
    is_active: bool,
    description: str | Unset | None = "",
    by: Any = None,
) -> CustomerGroup:
    """Create a group; names are unique case-insensitively (API.md §4)."""
    name = name.strip()
    if isinstance(description, Unset):
        description = ""
    if _group_name_taken(name):
        raise DomainError(GROUP_EXISTS)
    group = CustomerGroup(
        name=name, description=description or "", color_code=color_code, is_active=is_active
    )
    _save_group(group, force_insert=True)
    audit_record(
        action="group.create",
        object_type="customergroup",
        object_ids=[group.pk],
        by=by,
        changes=diff({}, snapshot(group, AUDITED_GROUP_FIELDS)),
    )
    return group


@transaction.atomic
def group_update(
    *,
    group_id: int,
    name: str,
    color_code: str,
    is_active: bool,
    description: str | Unset | None = UNSET,
    by: Any = None,
) -> CustomerGroup:
    """Update a group; duplicate names are refused on update too. The default flag never moves."""
    group = lock_group(group_id) if group_id <= MAX_ID else None
    if group is None:
        raise DomainError(INVALID_GROUP_ID)
    name = name.strip()
    if _group_name_taken(name, exclude_id=group.pk):
        raise DomainError(GROUP_EXISTS)
    before = snapshot(group, AUDITED_GROUP_FIELDS)
    group.name = name
    group.color_code = color_code
    group.is_active = is_active
    if not isinstance(description, Unset):
        group.description = description or ""
    _save_group(group)
    audit_record(
        action="group.update",
        object_type="customergroup",
        object_ids=[group.pk],
        by=by,
        changes=diff(before, snapshot(group, AUDITED_GROUP_FIELDS)),
    )
    return group


@transaction.atomic
def group_delete(*, group_id: int, by: Any = None) -> None:
    """Delete a group for real (API.md §4).

    Refused for the default group and for a group with non-deleted customers. The group row is
    locked first: an add or update into this group waits, and then finds it gone (400), so no
    customer ever points at a missing group. Soft-deleted customers of the group get NULL.
    """
    group = lock_group(group_id) if group_id <= MAX_ID else None
    if group is None:
        raise DomainError(INVALID_GROUP_ID)
    if group.is_default:
        raise DomainError(DEFAULT_GROUP_PROTECTED)
    if Customer.objects.alive().in_group(group.pk).exists():
        raise DomainError(GROUP_IN_USE)
    audit_record(
        action="group.delete",
        object_type="customergroup",
        object_ids=[group.pk],
        by=by,
        changes=diff(snapshot(group, AUDITED_GROUP_FIELDS), dict.fromkeys(AUDITED_GROUP_FIELDS)),
    )
    group.delete()  # on_delete=SET_NULL clears the soft-deleted customers' group
