"""Customer writes (API.md §3): one rule, one place (API views, the admin, commands).

Each service is keyword-only, runs in one transaction and refuses with a `DomainError` carrying
the contract's exact message (API.md §8). Nothing here knows about requests or DRF.
"""

from typing import Any, Final

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.services import actor_of, audit_record, diff
from customers.avatars import AVATAR_DIR, AvatarImage, avatar_discard, avatar_store
from customers.emails import send_welcome_email
from customers.models import Customer, CustomerGroup
from ecommerce_admin.errors import DomainError
from ecommerce_admin.ids import MAX_ID
from sales.models import Product

from .common import UNSET, Unset, lock_group, snapshot
from .messages import (
    BULK_INVALID_CUSTOMER,
    BULK_VENDOR_HAS_PRODUCTS,
    CUSTOMER_NO_TAKEN,
    EMAIL_TAKEN_ON_ADD,
    EMAIL_TAKEN_ON_UPDATE,
    INVALID_CUSTOMER,
    INVALID_CUSTOMER_ON_UPDATE,
    INVALID_GROUP,
    PASSWORD_MISMATCH,
    VENDOR_HAS_PRODUCTS,
)

# What the audit trail records of a customer (never the password hash: only that it changed).
AUDITED_CUSTOMER_FIELDS: Final = (
    "first_name",
    "last_name",
    "email",
    "mobile_number",
    "customer_group_id",
    "is_active",
    "mail_status",
    "newsletter",
    "real_name",
    "customer_no",
    "avatar",
)


def _email_taken(email: str, *, exclude_id: int | None = None) -> bool:
    queryset = Customer.objects.alive().filter(email=email)
    if exclude_id is not None:
        queryset = queryset.exclude(pk=exclude_id)
    return queryset.exists()


def _customer_no_taken(customer_no: str, *, exclude_id: int) -> bool:
    return Customer.objects.alive().filter(customer_no=customer_no).exclude(pk=exclude_id).exists()


@transaction.atomic
def customer_create(
    *,
    group_id: int,
    first_name: str,
    email: str,
    mobile_number: str,
    password: str,
    confirm_password: str,
    is_active: bool,
    mail_status: bool = False,
    newsletter: bool = False,
    last_name: str | None = None,
    by: Any = None,
) -> Customer:
    """Create a customer (API.md §3.1): login = email, password hashed, welcome mail on commit.

    Refusals, in the contract's order: email already used by a non-deleted customer, passwords
    differ, group unknown. The email is unique in the database too: a concurrent add of the same
    email loses with the same refusal, never an IntegrityError.
    """
    email = email.strip().lower()
    if _email_taken(email):
        raise DomainError(EMAIL_TAKEN_ON_ADD)
    if password != confirm_password:
        raise DomainError(PASSWORD_MISMATCH)
    # Hashed before the group row is locked: Argon2 takes a sizeable fraction of a second, and
    # under the lock every add into this group (and group delete) would queue behind it.
    password_hash = make_password(password)
    if lock_group(group_id) is None:
        raise DomainError(INVALID_GROUP)

    staff = actor_of(by)
    customer = Customer(
        customer_group_id=group_id,
        first_name=first_name,
        last_name=last_name or None,
        username=email,
        email=email,
        mobile_number=mobile_number,
        password=password_hash,
        is_active=is_active,
        mail_status=mail_status,
        newsletter=newsletter,
        created_by=staff,
        modified_by=staff,
    )
    try:
        with transaction.atomic():
            customer.save(force_insert=True)
    except IntegrityError:
        # The other request committed first (the partial unique index on email decided).
        if _email_taken(email):
            raise DomainError(EMAIL_TAKEN_ON_ADD) from None
        raise

    audit_record(
        action="customer.create",
        object_type="customer",
        object_ids=[customer.pk],
        by=by,
        changes=diff({}, snapshot(customer, AUDITED_CUSTOMER_FIELDS)),
    )
    if mail_status:
        transaction.on_commit(
            lambda: send_welcome_email(email=customer.email, first_name=customer.first_name)
        )
    return customer


def customer_update(
    *,
    customer_id: int,
    group_id: int,
    first_name: str,
    mobile_number: str,
    is_active: bool,
    mail_status: bool,
    email: str | Unset = UNSET,
    password: str | None = None,
    confirm_password: str | None = None,
    last_name: str | Unset | None = UNSET,
    newsletter: bool | Unset = UNSET,
    real_name: str | Unset | None = UNSET,
    customer_no: str | Unset | None = UNSET,
    avatar: AvatarImage | Unset | None = UNSET,
    by: Any = None,
) -> Customer:
    """Update a non-deleted customer (API.md §3.5); UNSET optional fields keep their value.

    `password`/`confirm_password` both empty keeps the password; one of them alone, or two
    different values, is refused. `avatar=None` clears the avatar. The avatar file is written
    only after every check passed, and removed again if the transaction does not go through.
    No mail is ever sent on update.
    """
    written: list[str] = []
    try:
        return _customer_update(
            customer_id=customer_id,
            group_id=group_id,
            first_name=first_name,
            mobile_number=mobile_number,
            is_active=is_active,
            mail_status=mail_status,
            email=email,
            password=password,
            confirm_password=confirm_password,
            last_name=last_name,
            newsletter=newsletter,
            real_name=real_name,
            customer_no=customer_no,
            avatar=avatar,
            by=by,
            written=written,
        )
    except BaseException:
        for name in written:
            avatar_discard(name)
        raise


@transaction.atomic
def _customer_update(
    *, customer_id, group_id, email, password, confirm_password, by, written, **changes
) -> Customer:
    customer = (
        Customer.objects.alive().select_for_update().filter(pk=customer_id).first()
        if customer_id <= MAX_ID
        else None
    )
    if customer is None:
        raise DomainError(INVALID_CUSTOMER_ON_UPDATE)
    before = snapshot(customer, AUDITED_CUSTOMER_FIELDS)
    if not isinstance(email, Unset):
        email = email.strip().lower()
        if email != customer.email and _email_taken(email, exclude_id=customer.pk):
            raise DomainError(EMAIL_TAKEN_ON_UPDATE)
    password = password or None
    confirm_password = confirm_password or None
    if password != confirm_password:
        raise DomainError(PASSWORD_MISMATCH)
    # Hashed before the group row is locked (see customer_create).
    password_hash = make_password(password) if password is not None else None
    if lock_group(group_id) is None:
        raise DomainError(INVALID_GROUP)
    customer_no = changes.pop("customer_no")
    if not isinstance(customer_no, Unset):
        customer_no = customer_no or None
        if customer_no is not None and _customer_no_taken(customer_no, exclude_id=customer.pk):
            raise DomainError(CUSTOMER_NO_TAKEN)
        customer.customer_no = customer_no

    customer.customer_group_id = group_id
    if not isinstance(email, Unset):
        customer.email = email
        customer.username = email  # the login follows the email
    if password_hash is not None:
        customer.password = password_hash
    for field, value in changes.items():
        if field == "avatar" or isinstance(value, Unset):
            continue
        setattr(customer, field, value if value != "" else None)
    if actor_of(by) is not None:
        customer.modified_by = by

    avatar = changes["avatar"]
    if not isinstance(avatar, Unset):
        if customer.avatar:
            # The old file goes only once the new row is committed.
            replaced = f"{customer.avatar_path or AVATAR_DIR}{customer.avatar}"
            transaction.on_commit(lambda: avatar_discard(replaced))
        if avatar is None:
            customer.avatar = customer.avatar_path = None
        else:
            stored = avatar_store(avatar)
            written.append(stored)
            customer.avatar = stored.rsplit("/", 1)[-1]
            customer.avatar_path = AVATAR_DIR

    try:
        with transaction.atomic():
            customer.save()
    except IntegrityError:
        if not isinstance(email, Unset) and _email_taken(email, exclude_id=customer.pk):
            raise DomainError(EMAIL_TAKEN_ON_UPDATE) from None
        if customer.customer_no and _customer_no_taken(
            customer.customer_no, exclude_id=customer.pk
        ):
            raise DomainError(CUSTOMER_NO_TAKEN) from None
        raise
    audit_record(
        action="customer.update",
        object_type="customer",
        object_ids=[customer.pk],
        by=by,
        changes=diff(before, snapshot(customer, AUDITED_CUSTOMER_FIELDS)),
        extra={"password_changed": True} if password is not None else None,
    )
    return customer


@transaction.atomic
def customer_soft_delete(*, customer_id: int, by: Any = None) -> None:
    """Soft-delete one customer (API.md §3.6); orders, visits and views are kept.

    Refused for an unknown or already deleted customer, and for one owning a vendor that still
    has products.
    """
    customers = Customer.objects.alive().filter(pk=customer_id)
    if customer_id > MAX_ID or not customers.select_for_update().exists():
        raise DomainError(INVALID_CUSTOMER)
    if Product.objects.filter(vendor__customer_id=customer_id).exists():
        raise DomainError(VENDOR_HAS_PRODUCTS)
    _mark_deleted(customers, by=by)
    audit_record(
        action="customer.delete",
        object_type="customer",
        object_ids=[customer_id],
        by=by,
        changes={"is_deleted": [False, True]},
    )


@transaction.atomic
def customers_bulk_soft_delete(*, ids: list[int], by: Any = None) -> int:
    """Soft-delete every customer of `ids`, or none (API.md §3.7); three queries whatever the size.

    Refused as a whole when any id is unknown or already deleted, or any of them owns a vendor
    with products. Duplicate ids count once. Returns the number of customers deleted.
    """
    ids = list(dict.fromkeys(ids))
    found = _lock_alive(ids)
    if len(found) != len(ids):
        raise DomainError(BULK_INVALID_CUSTOMER)
    if Product.objects.filter(vendor__customer_id__in=ids).exists():
        raise DomainError(BULK_VENDOR_HAS_PRODUCTS)
    deleted = _mark_deleted(Customer.objects.filter(pk__in=ids), by=by)
    audit_record(
        action="customer.bulk_delete",
        object_type="customer",
        object_ids=ids,
        by=by,
        changes={"is_deleted": [False, True]},
    )
    return deleted


@transaction.atomic
def customers_bulk_set_status(*, ids: list[int], is_active: bool, by: Any = None) -> int:
    """Set `is_active` on every customer of `ids`, or none when any is unknown/deleted (§3.13)."""
    ids = list(dict.fromkeys(ids))
    if len(_lock_alive(ids)) != len(ids):
        raise DomainError(INVALID_CUSTOMER)
    changing = Customer.objects.filter(pk__in=ids).exclude(is_active=is_active)
    changed_ids = list(changing.values_list("pk", flat=True))
    updated = Customer.objects.filter(pk__in=ids).update(
        is_active=is_active, modified_by=actor_of(by), updated_at=timezone.now()
    )
    audit_record(
        action="customer.bulk_status",
        object_type="customer",
        object_ids=ids,
        by=by,
        changes={"is_active": [not is_active, is_active]} if changed_ids else {},
        extra={"changed_ids": changed_ids},
    )
    return updated


@transaction.atomic
def customers_restore(*, ids: list[int], by) -> int:
    """Undo soft deletes, all or none: refused when a live customer took the email or number."""
    deleted = list(
        # An erased customer (API.md §12) is deleted for good: never restorable.
        Customer.objects.not_erased()
        .filter(pk__in=ids, is_deleted=True)
        .select_for_update()
        .order_by("pk")
    )
    if len(deleted) != len(set(ids)):
        raise DomainError(INVALID_CUSTOMER)
    emails = [customer.email for customer in deleted]
    if (
        len(set(emails)) != len(emails)
        or Customer.objects.alive().filter(email__in=emails).exists()
    ):
        raise DomainError(EMAIL_TAKEN_ON_ADD)
    numbers = [customer.customer_no for customer in deleted if customer.customer_no]
    if len(set(numbers)) != len(numbers) or (
        numbers and Customer.objects.alive().filter(customer_no__in=numbers).exists()
    ):
        raise DomainError(CUSTOMER_NO_TAKEN)
    try:
        with transaction.atomic():
            restored = Customer.objects.filter(pk__in=ids).update(
                is_deleted=False,
                deleted_at=None,
                updated_at=timezone.now(),
                modified_by=actor_of(by),
            )
    except IntegrityError:
        # A concurrent add took one of the emails (or numbers) after the check above.
        raise DomainError(EMAIL_TAKEN_ON_ADD) from None
    audit_record(
        action="customer.restore",
        object_type="customer",
        object_ids=sorted(set(ids)),
        by=by,
        changes={"is_deleted": [True, False]},
    )
    return restored


@transaction.atomic
def customers_move_to_group(*, ids: list[int], group_id: int, by) -> int:
    """Move live customers to an existing group, all or none (the update rules of API.md §3.5)."""
    if not CustomerGroup.objects.select_for_update().filter(pk=group_id).exists():
        raise DomainError(INVALID_GROUP)
    ids = list(dict.fromkeys(ids))
    found = (
        Customer.objects.alive().filter(pk__in=ids).select_for_update().order_by("pk").values("pk")
    )
    if len(found) != len(ids):
        raise DomainError(INVALID_CUSTOMER)
    moved = Customer.objects.filter(pk__in=ids).update(
        customer_group_id=group_id,
        updated_at=timezone.now(),
        modified_by=actor_of(by),
    )
    audit_record(
        action="customer.move_group",
        object_type="customer",
        object_ids=sorted(ids),
        by=by,
        extra={"customer_group_id": group_id},
    )
    return moved


def _lock_alive(ids: list[int]) -> list[int]:
    # Locked in id order, so two bulk operations on overlapping ids cannot deadlock.
    return list(
        Customer.objects.alive()
        .filter(pk__in=ids)
        .select_for_update()
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _mark_deleted(customers, *, by: Any) -> int:
    now = timezone.now()
    return customers.update(
        is_deleted=True, deleted_at=now, updated_at=now, modified_by=actor_of(by)
    )
