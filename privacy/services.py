"""Erasure by anonymisation in place, scheduled erasures and retention (API.md §12).

Every write here runs in one transaction and refuses with a `DomainError` carrying the contract's
message. An erasure is irreversible: the personal values are overwritten, not kept aside.
"""

import datetime
from dataclasses import dataclass
from typing import Any, Final

from django.db import transaction
from django.utils import timezone

from audit.services import actor_of, audit_record
from customers.models import Customer
from customers.services import INVALID_CUSTOMER
from ecommerce_admin.errors import DomainError
from ecommerce_admin.ids import MAX_ID

from .anonymise import erase_in_place
from .models import ErasureRequest

# --- Messages of API.md §12 -------------------------------------------------------------------
ALREADY_ERASED: Final = "This customer has already been erased."
NOTHING_SCHEDULED: Final = "No erasure is scheduled for this customer."

DEFAULT_GRACE_DAYS: Final = 14
MAX_GRACE_DAYS: Final = 30


@dataclass(frozen=True)
class ErasureResult:
    customer_id: int
    erase_after: datetime.datetime
    erased: bool


# --- Requests: schedule, cancel ---------------------------------------------------------------
def _lock_customer(customer_id: int) -> Customer | None:
    if customer_id > MAX_ID:
        return None
    return Customer.objects.select_for_update().filter(pk=customer_id).first()


@transaction.atomic
def erasure_request(
    *, customer_id: int, reason: str, grace_days: int = DEFAULT_GRACE_DAYS, by: Any = None
) -> ErasureResult:
    """Schedule the erasure of a customer `grace_days` from now, or erase at once with 0.

    A deleted customer can be erased (retention does exactly that); an erased one is refused.
    Asking again while an erasure is scheduled replaces its date and reason.
    """
    customer = _lock_customer(customer_id)
    if customer is None:
        raise DomainError(INVALID_CUSTOMER)
    if customer.erased_at is not None:
        raise DomainError(ALREADY_ERASED)
    reason = reason.strip()
    now = timezone.now()
    pending = (
        ErasureRequest.objects.select_for_update()
        .filter(customer=customer, status=ErasureRequest.Status.SCHEDULED)
        .first()
    )
    if grace_days == 0:
        request = pending or ErasureRequest(customer=customer, created_at=now)
        request.reason = reason
        request.erase_after = now
        _set_requested_by(request, by)
        request.save()
        erase_in_place(customer, request=request, by=by, now=now)
        return ErasureResult(customer_id=customer.pk, erase_after=now, erased=True)

    request = pending or ErasureRequest(customer=customer, created_at=now)
    request.reason = reason
    request.erase_after = now + datetime.timedelta(days=grace_days)
    _set_requested_by(request, by)
    request.save()
    audit_record(
        action="customer.erase_scheduled",
        object_type="customer",
        object_ids=[customer.pk],
        by=by,
        extra={
            "reason": reason,
            "grace_days": grace_days,
            "erase_after": request.erase_after.isoformat(),
        },
    )
    return ErasureResult(customer_id=customer.pk, erase_after=request.erase_after, erased=False)


@transaction.atomic
def erasure_cancel(*, customer_id: int, by: Any = None) -> ErasureRequest:
    """Cancel the scheduled erasure of a customer (unknown or erased customer: refused)."""
    customer = _lock_customer(customer_id)
    if customer is None or customer.erased_at is not None:
        raise DomainError(INVALID_CUSTOMER)
    request = (
        ErasureRequest.objects.select_for_update()
        .filter(customer=customer, status=ErasureRequest.Status.SCHEDULED)
        .first()
    )
    if request is None:
        raise DomainError(NOTHING_SCHEDULED)
    request.status = ErasureRequest.Status.CANCELLED
    request.finished_at = timezone.now()
    request.finished_by = actor_of(by)
    request.save(update_fields=["status", "finished_at", "finished_by"])
    audit_record(
        action="customer.erase_cancelled",
        object_type="customer",
        object_ids=[customer.pk],
        by=by,
        extra={"erase_after": request.erase_after.isoformat()},
    )
    return request


def erasures_due(*, now: datetime.datetime | None = None) -> int:
    """Carry out every scheduled erasure whose date has come; return how many were erased.

    Each erasure is its own transaction: one failure does not undo the others.
    """
    now = now or timezone.now()
    due = list(
        ErasureRequest.objects.filter(
            status=ErasureRequest.Status.SCHEDULED, erase_after__lte=now
        ).values_list("pk", flat=True)
    )
    erased = 0
    for request_id in due:
        erased += _erase_scheduled(request_id, now=now)
    return erased


@transaction.atomic
def _erase_scheduled(request_id: int, *, now: datetime.datetime) -> int:
    request = (
        ErasureRequest.objects.select_for_update()
        .filter(pk=request_id, status=ErasureRequest.Status.SCHEDULED, erase_after__lte=now)
        .first()
    )
    if request is None:  # cancelled or carried out meanwhile
        return 0
    customer = _lock_customer(request.customer_id)
    if customer.erased_at is not None:
        request.status = ErasureRequest.Status.DONE
        request.finished_at = now
        request.save(update_fields=["status", "finished_at"])
        return 0
    erase_in_place(customer, request=request, by=None, now=timezone.now())
    return 1


def purge_deleted(*, older_than_days: int, by: Any = None) -> int:
    """Erase every customer soft-deleted more than `older_than_days` ago (retention); return
    how many. Each customer is its own transaction."""
    cutoff = timezone.now() - datetime.timedelta(days=older_than_days)
    ids = list(
        Customer.objects.filter(is_deleted=True, erased_at__isnull=True, deleted_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    reason = f"Retention: deleted more than {older_than_days} days ago."
    erased = 0
    for customer_id in ids:
        erased += _purge_one(customer_id, reason=reason, cutoff=cutoff, by=by)
    return erased


@transaction.atomic
def _purge_one(customer_id: int, *, reason: str, cutoff: datetime.datetime, by: Any) -> int:
    customer = _lock_customer(customer_id)
    # Checked again under the lock: restored or erased since the list was read.
    if (
        customer is None
        or customer.erased_at is not None
        or not customer.is_deleted
        or customer.deleted_at is None
        or customer.deleted_at >= cutoff
    ):
        return 0
    now = timezone.now()
    request = (
        ErasureRequest.objects.select_for_update()
        .filter(customer=customer, status=ErasureRequest.Status.SCHEDULED)
        .first()
    ) or ErasureRequest(customer=customer, created_at=now, erase_after=now)
    request.reason = reason
    _set_requested_by(request, by)
    request.save()
    erase_in_place(customer, request=request, by=by, now=now)
    return 1


def _set_requested_by(request: ErasureRequest, by: Any) -> None:
    staff = actor_of(by)
    request.requested_by = staff
    request.requested_by_name = staff.get_username() if staff else ""
