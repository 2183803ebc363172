"""Every write to customers and groups: one rule, one place (API views, the admin, commands).

Each service is keyword-only, runs in one transaction and refuses with a `DomainError` carrying
the contract's exact message (API.md §8). Nothing here knows about requests or DRF.
"""

import base64
import binascii
import io
import re
import time
import uuid
import warnings
from dataclasses import dataclass
from typing import Any, Final

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from PIL import Image

from audit.services import audit_record, diff
from customers.emails import send_welcome_email
from customers.models import Customer, CustomerGroup
from ecommerce_admin.errors import DomainError
from sales.models import Product

# --- Messages of API.md §8 ------------------------------------------------------------------
EMAIL_TAKEN_ON_ADD = "A Customer is already registered with this email Id."
EMAIL_TAKEN_ON_UPDATE = "MailId is already registered"
PASSWORD_MISMATCH = "Password does not match."
INVALID_GROUP = "Invalid customer group Id."
INVALID_CUSTOMER_ON_UPDATE = "Invalid customer id."
INVALID_CUSTOMER = "Invalid customer Id."
CUSTOMER_NO_TAKEN = "Customer number is already in use"
VENDOR_HAS_PRODUCTS = (
    "This customer have vendor account, you have to first delete the products mapped to this "
    "Vendor."
)
BULK_INVALID_CUSTOMER = "Please choose a Customer that you want to delete."
BULK_VENDOR_HAS_PRODUCTS = (
    "Choosen customer have vendor account, you have to first delete the products mapped to this "
    "Vendor."
)
GROUP_EXISTS = "This Customer Group already exists."
INVALID_GROUP_ID = "Invalid group Id."
DEFAULT_GROUP_PROTECTED = "You cannot delete this customer group."
GROUP_IN_USE = "You cannot delete this Customer group as Users are mapped to it."

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
AUDITED_GROUP_FIELDS: Final = ("name", "description", "color_code", "is_active")

AVATAR_DIR: Final = "customer/"
AVATAR_MAX_BYTES: Final = 2 * 2**20


class _Unset:
    """Marks an optional update field the request did not send (keep the stored value)."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset()


# --- Avatars ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class AvatarImage:
    """Decoded, verified avatar bytes and the extension to store them under."""

    content: bytes
    extension: str


_DATA_URI = re.compile(r"^data:image/([a-zA-Z]+);base64,(.*)\Z", re.DOTALL)
# The data-URI type → the format Pillow must recognise in the bytes.
_AVATAR_FORMATS = {"png": "PNG", "jpeg": "JPEG", "jpg": "JPEG", "gif": "GIF", "webp": "WEBP"}


class InvalidAvatar(ValueError):
    pass


def avatar_decode(data_uri: str) -> AvatarImage:
    """Parse and verify `data:image/<png|jpeg|jpg|gif|webp>;base64,...` (API.md §3.5).

    The declared type must be allowed (SVG never is), the decoded size at most 2 MB, and the bytes
    an image Pillow identifies as that very type. Raises InvalidAvatar with a readable reason.
    """
    match = _DATA_URI.match(data_uri)
    if not match:
        raise InvalidAvatar("Must be a data URI: data:image/<png|jpeg|jpg|gif|webp>;base64,...")
    extension = match.group(1).lower()
    if extension not in _AVATAR_FORMATS:
        raise InvalidAvatar("Only png, jpeg, jpg, gif and webp images are allowed.")
    encoded = "".join(match.group(2).split())
    # Reject by length before decoding anything large.
    if len(encoded) * 3 // 4 > AVATAR_MAX_BYTES + 3:
        raise InvalidAvatar("The image must be at most 2 MB.")
    try:
        content = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidAvatar("The image is not valid base64.") from None
    if not content:
        raise InvalidAvatar("The image is empty.")
    if len(content) > AVATAR_MAX_BYTES:
        raise InvalidAvatar("The image must be at most 2 MB.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                detected = image.format
                image.verify()
    except Exception:
        raise InvalidAvatar("The data is not a valid image.") from None
    if detected != _AVATAR_FORMATS[extension]:
        raise InvalidAvatar(f"The data is not a {extension} image.")
    return AvatarImage(content=content, extension="jpg" if extension == "jpeg" else extension)


def _avatar_store(image: AvatarImage) -> str:
    """Write the avatar through the default storage; return the stored name (with folder)."""
    name = f"{AVATAR_DIR}Img_{int(time.time() * 1000)}_{uuid.uuid4().hex[:12]}.{image.extension}"
    return default_storage.save(name, ContentFile(image.content))


def _avatar_discard(name: str | None) -> None:
    if name:
        default_storage.delete(name)


# --- Customers -------------------------------------------------------------------------------
def _lock_group(group_id: int) -> CustomerGroup | None:
    """The group, locked until commit so a concurrent group delete cannot orphan the customer."""
    return CustomerGroup.objects.select_for_update().filter(pk=group_id).first()


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
    if _lock_group(group_id) is None:
        raise DomainError(INVALID_GROUP)

    staff = by if getattr(by, "pk", None) else None
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
        changes=diff({}, _snapshot(customer, AUDITED_CUSTOMER_FIELDS)),
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
    email: str | _Unset = UNSET,
    password: str | None = None,
    confirm_password: str | None = None,
    last_name: str | _Unset | None = UNSET,
    newsletter: bool | _Unset = UNSET,
    real_name: str | _Unset | None = UNSET,
    customer_no: str | _Unset | None = UNSET,
    avatar: AvatarImage | _Unset | None = UNSET,
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
            _avatar_discard(name)
        raise


@transaction.atomic
def _customer_update(
    *, customer_id, group_id, email, password, confirm_password, by, written, **changes
) -> Customer:
    customer = (
        Customer.objects.alive().select_for_update().filter(pk=customer_id).first()
        if customer_id <= 2**63 - 1
        else None
    )
    if customer is None:
        raise DomainError(INVALID_CUSTOMER_ON_UPDATE)
    before = _snapshot(customer, AUDITED_CUSTOMER_FIELDS)
    if not isinstance(email, _Unset):
        email = email.strip().lower()
        if email != customer.email and _email_taken(email, exclude_id=customer.pk):
            raise DomainError(EMAIL_TAKEN_ON_UPDATE)
    password = password or None
    confirm_password = confirm_password or None
    if password != confirm_password:
        raise DomainError(PASSWORD_MISMATCH)
    # Hashed before the group row is locked (see customer_create).
    password_hash = make_password(password) if password is not None else None
    if _lock_group(group_id) is None:
        raise DomainError(INVALID_GROUP)
    customer_no = changes.pop("customer_no")
    if not isinstance(customer_no, _Unset):
        customer_no = customer_no or None
        if customer_no is not None and _customer_no_taken(customer_no, exclude_id=customer.pk):
            raise DomainError(CUSTOMER_NO_TAKEN)
        customer.customer_no = customer_no

    customer.customer_group_id = group_id
    if not isinstance(email, _Unset):
        customer.email = email
        customer.username = email  # the login follows the email
    if password_hash is not None:
        customer.password = password_hash
    for field, value in changes.items():
        if field == "avatar" or isinstance(value, _Unset):
            continue
        setattr(customer, field, value if value != "" else None)
    if getattr(by, "pk", None):
        customer.modified_by = by

    avatar = changes["avatar"]
    if not isinstance(avatar, _Unset):
        if customer.avatar:
            # The old file goes only once the new row is committed.
            replaced = f"{customer.avatar_path or AVATAR_DIR}{customer.avatar}"
            transaction.on_commit(lambda: _avatar_discard(replaced))
        if avatar is None:
            customer.avatar = customer.avatar_path = None
        else:
            stored = _avatar_store(avatar)
            written.append(stored)
            customer.avatar = stored.rsplit("/", 1)[-1]
            customer.avatar_path = AVATAR_DIR

    try:
        with transaction.atomic():
            customer.save()
    except IntegrityError:
        if not isinstance(email, _Unset) and _email_taken(email, exclude_id=customer.pk):
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
        changes=diff(before, _snapshot(customer, AUDITED_CUSTOMER_FIELDS)),
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
    if customer_id > 2**63 - 1 or not customers.select_for_update().exists():
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
        is_active=is_active, modified_by=_staff(by), updated_at=timezone.now()
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
        Customer.objects.filter(pk__in=ids, is_deleted=True).select_for_update().order_by("pk")
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
                modified_by=_staff(by),
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
        modified_by=_staff(by),
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
    return customers.update(is_deleted=True, deleted_at=now, updated_at=now, modified_by=_staff(by))


def _staff(by: Any) -> Any:
    return by if getattr(by, "pk", None) else None


def _snapshot(instance, fields) -> dict[str, Any]:
    return {field: getattr(instance, field) for field in fields}


# --- Groups ----------------------------------------------------------------------------------
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
    description: str | _Unset | None = "",
    by: Any = None,
) -> CustomerGroup:
    """Create a group; names are unique case-insensitively (API.md §4)."""
    name = name.strip()
    if isinstance(description, _Unset):
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
        changes=diff({}, _snapshot(group, AUDITED_GROUP_FIELDS)),
    )
    return group


@transaction.atomic
def group_update(
    *,
    group_id: int,
    name: str,
    color_code: str,
    is_active: bool,
    description: str | _Unset | None = UNSET,
    by: Any = None,
) -> CustomerGroup:
    """Update a group; duplicate names are refused on update too. The default flag never moves."""
    group = _lock_group(group_id) if group_id <= 2**63 - 1 else None
    if group is None:
        raise DomainError(INVALID_GROUP_ID)
    name = name.strip()
    if _group_name_taken(name, exclude_id=group.pk):
        raise DomainError(GROUP_EXISTS)
    before = _snapshot(group, AUDITED_GROUP_FIELDS)
    group.name = name
    group.color_code = color_code
    group.is_active = is_active
    if not isinstance(description, _Unset):
        group.description = description or ""
    _save_group(group)
    audit_record(
        action="group.update",
        object_type="customergroup",
        object_ids=[group.pk],
        by=by,
        changes=diff(before, _snapshot(group, AUDITED_GROUP_FIELDS)),
    )
    return group


@transaction.atomic
def group_delete(*, group_id: int, by: Any = None) -> None:
    """Delete a group for real (API.md §4).

    Refused for the default group and for a group with non-deleted customers. The group row is
    locked first: an add or update into this group waits, and then finds it gone (400), so no
    customer ever points at a missing group. Soft-deleted customers of the group get NULL.
    """
    group = _lock_group(group_id) if group_id <= 2**63 - 1 else None
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
        changes=diff(_snapshot(group, AUDITED_GROUP_FIELDS), dict.fromkeys(AUDITED_GROUP_FIELDS)),
    )
    group.delete()  # on_delete=SET_NULL clears the soft-deleted customers' group
