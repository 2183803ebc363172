"""The customer address book (API.md §9.7): every write, one rule, one place.

The API and the customer's admin page (its address inline) both go through these services and
`address_field_errors()`, so an address is accepted or refused alike everywhere, with the same
messages, and every write is audited in its transaction. Addresses of a deleted customer are
kept but treated as unknown, as their customer is.
"""

import re
from dataclasses import asdict, dataclass
from typing import Any, Final

from django.db import transaction

from audit.services import audit_record, diff
from customers import rules
from customers.models import Address, Country, Customer, Zone
from customers.services.messages import INVALID_CUSTOMER
from ecommerce_admin.errors import DomainError
from ecommerce_admin.ids import MAX_ID

INVALID_ADDRESS: Final = "Invalid address Id."
INVALID_COUNTRY: Final = "Invalid country Id."
INVALID_ZONE: Final = "Invalid zone Id."

TEXT_MAX_LENGTH: Final = 128
POSTCODE_MESSAGE: Final = "At most 10 letters, digits, spaces or dashes."
_POSTCODE = re.compile(r"[0-9A-Za-z \-]{0,10}")

AUDITED_FIELDS: Final = (
    "customer_id",
    *Address.TEXT_FIELDS,
    "country_id",
    "zone_id",
    "address_type",
)


@dataclass(frozen=True)
class AddressFields:
    """What an address holds, already trimmed. Names `None` = take the customer's."""

    address1: str
    city: str
    country_id: int
    address_type: int
    zone_id: int | None = None
    first_name: str | None = None
    last_name: str | None = None
    company: str = ""
    address2: str = ""
    landmark: str = ""
    state: str = ""
    postcode: str = ""
    phone_no: str = ""


def address_field_errors(
    *, address1: str, city: str, postcode: str, phone_no: str, texts: dict[str, str]
) -> dict[str, str]:
    """The field rules (422 on the API, form errors in the admin), keyed by model field name.

    `phone_no` is given as typed; a valid one is normalised by `normalise_phone`.
    """
    errors: dict[str, str] = {}
    for name, value in (("address1", address1), ("city", city)):
        if not value:
            errors[name] = "This field is required."
    for name, value in {"address1": address1, "city": city, **texts}.items():
        if len(value) > TEXT_MAX_LENGTH:
            errors.setdefault(
                name, f"Ensure this field has no more than {TEXT_MAX_LENGTH} characters."
            )
    if not _POSTCODE.fullmatch(postcode):
        errors["postcode"] = POSTCODE_MESSAGE
    if phone_no and rules.normalise_mobile(phone_no) is None:
        errors["phone_no"] = rules.MOBILE_MESSAGE
    return errors


def normalise_phone(value: str) -> str:
    return rules.normalise_mobile(value) or "" if value else ""


def _alive_customer(customer_id: int) -> Customer:
    customer = (
        Customer.objects.alive().filter(pk=customer_id).first() if customer_id <= MAX_ID else None
    )
    if customer is None:
        raise DomainError(INVALID_CUSTOMER)
    return customer


def _check_place(fields: AddressFields) -> None:
    """The country exists, and the zone (if any) is one of that country's."""
    if fields.country_id > MAX_ID or not Country.objects.filter(pk=fields.country_id).exists():
        raise DomainError(INVALID_COUNTRY)
    if fields.zone_id is not None and (
        fields.zone_id > MAX_ID
        or not Zone.objects.filter(pk=fields.zone_id, country_id=fields.country_id).exists()
    ):
        raise DomainError(INVALID_ZONE)


def _apply(address: Address, fields: AddressFields, customer: Customer) -> None:
    values = asdict(fields)
    # A name left out is the customer's (the modal shows "first last", so never null).
    if not values["first_name"]:
        values["first_name"] = customer.first_name or ""
    if not values["last_name"]:
        values["last_name"] = customer.last_name or ""
    for name, value in values.items():
        setattr(address, name, value)


def _snapshot(address: Address) -> dict[str, Any]:
    return {field: getattr(address, field) for field in AUDITED_FIELDS}


def alive_address(address_id: int, *, lock: bool = False) -> Address:
    """The address, unless unknown or its customer is deleted (both: 400 `Invalid address Id.`)."""
    addresses = Address.objects.filter(pk=address_id, customer__is_deleted=False)
    if lock:
        addresses = addresses.select_for_update(of=("self",))
    address = addresses.first() if address_id <= MAX_ID else None
    if address is None:
        raise DomainError(INVALID_ADDRESS)
    return address


@transaction.atomic
def address_create(*, customer_id: int, fields: AddressFields, by: Any = None) -> Address:
    """Add an address to a non-deleted customer. Refusals in the contract's order: customer,
    country, zone."""
    customer = _alive_customer(customer_id)
    _check_place(fields)
    address = Address(customer=customer)
    _apply(address, fields, customer)
    address.save(force_insert=True)
    audit_record(
        action="address.create",
        object_type="address",
        object_ids=[address.pk],
        by=by,
        changes=diff({}, _snapshot(address)),
        extra={"customer_id": customer.pk},
    )
    return address


@transaction.atomic
def address_update(*, address_id: int, fields: AddressFields, by: Any = None) -> Address:
    """Replace an address's fields as a whole (API.md §9.7); it never moves to another customer."""
    address = alive_address(address_id, lock=True)
    _check_place(fields)
    before = _snapshot(address)
    _apply(address, fields, address.customer)
    address.save()
    audit_record(
        action="address.update",
        object_type="address",
        object_ids=[address.pk],
        by=by,
        changes=diff(before, _snapshot(address)),
        extra={"customer_id": address.customer_id},
    )
    return address


@transaction.atomic
def address_delete(*, address_id: int, by: Any = None) -> None:
    """Delete an address for real."""
    address = alive_address(address_id, lock=True)
    before = _snapshot(address)
    pk = address.pk
    address.delete()
    audit_record(
        action="address.delete",
        object_type="address",
        object_ids=[pk],
        by=by,
        changes=diff(before, dict.fromkeys(before)),
        extra={"customer_id": before["customer_id"]},
    )
