"""The erasure itself (API.md §12): a customer anonymised in place, and every personal value
hunted down in the other apps' rows (orders, visits, addresses, the audit trail, the export and
admin logs) and in stored files. Called by `privacy.services` inside its transaction."""

import contextlib
import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from django.contrib.admin.models import LogEntry
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Cast

from analytics.models import CustomerVisit
from audit.models import AuditEvent
from audit.redaction import ERASED, redact
from audit.services import actor_of, audit_record
from customers.models import Address, Customer, ExportLog
from jobs import services as job_services
from jobs.models import Job
from sales.models import Order

from .models import ErasureRequest

ERASED_NAME: Final = "Erased customer"
AVATAR_DIR: Final = "customer/"

# Field names whose values are personal wherever they appear in audit data (the services record
# snake_case model fields; the camelCase ones are the API's, for data recorded from requests).
PERSONAL_KEYS: Final = frozenset(
    {
        "first_name",
        "last_name",
        "full_name",
        "username",
        "email",
        "mobile_number",
        "real_name",
        "customer_no",
        "avatar",
        "address",
        "city",
        "pincode",
        "local",
        "country_id",
        "zone_id",
        "ip",
        "ip_address",
        "user_agent",
        "company",
        "address1",
        "address2",
        "landmark",
        "state",
        "postcode",
        "phone_no",
        "firstName",
        "lastName",
        "mobileNumber",
        "realName",
        "customerNo",
        "phoneNo",
        "phoneNumber",
        "emailId",
        "ipAddress",
        "userAgent",
    }
)

# Audit actions that name no customer but record the filter they were given (exports, and
# export jobs of API.md §11), which may be a customer's e-mail or name.
FILTERED_ACTIONS: Final = ("customer.export", "job.create")
# Values shorter than this are matched only as a whole value, never as a substring: a first name
# "Al" must not wipe every text that contains "al".
MIN_SUBSTRING: Final = 3


def erased_email(customer_id: int) -> str:
    return f"erased-{customer_id}@invalid"


@dataclass
class PersonalValues:
    """What identified the customer before the erasure: the values to hunt down elsewhere."""

    values: set[str] = field(default_factory=set)
    # Values distinctive enough to flag texts that are not about this customer alone (an export
    # filtered by the e-mail): e-mail, phone, full name, customer number.
    distinctive: set[str] = field(default_factory=set)

    def add(self, value: Any, *, distinctive: bool = False) -> None:
        if value is None:
            return
        text = str(value).strip()
        if not text or text == ERASED:
            return
        self.values.add(text.lower())
        if distinctive and len(text) >= MIN_SUBSTRING:
            self.distinctive.add(text.lower())

    def matches(self, text: str, *, strict: bool = False) -> bool:
        lowered = text.strip().lower()
        if lowered in self.values:
            return True
        candidates = self.distinctive if strict else self.values
        return any(len(value) >= MIN_SUBSTRING and value in lowered for value in candidates)

    def scrub(self, text: str) -> str:
        """`text` with every occurrence of a personal value replaced (longest first)."""
        result = text
        for value in sorted(self.values, key=len, reverse=True):
            if len(value) < MIN_SUBSTRING and result.strip().lower() != value:
                continue
            start = result.lower().find(value)
            while start != -1:
                result = result[:start] + ERASED + result[start + len(value) :]
                start = result.lower().find(value, start + len(ERASED))
        return result


# --- The erasure itself -----------------------------------------------------------------------
def erase_in_place(
    customer: Customer, *, request: ErasureRequest, by: Any, now: datetime.datetime
) -> None:
    """Anonymise `customer` and everything that names them, inside the caller's transaction.

    Personal values are collected first (the customer's fields, their addresses), then every
    place they live is rewritten: the customer row, orders, visits, addresses, the audit trail,
    the admin's log and the export log. Stored files go once the transaction has committed.
    """
    personal = _personal_values(customer)
    address_ids = _erase_addresses(customer, personal)
    avatar_file = (
        f"{customer.avatar_path or AVATAR_DIR}{customer.avatar}" if customer.avatar else None
    )
    email = erased_email(customer.pk)

    customer.first_name = ERASED_NAME
    customer.last_name = None
    customer.email = customer.username = email
    customer.mobile_number = ""
    for name in ("address", "city", "pincode", "local", "country_id", "zone_id"):
        setattr(customer, name, None)
    customer.avatar = customer.avatar_path = None
    customer.ip = None
    customer.real_name = None
    customer.customer_no = None
    customer.password = make_password(None)
    customer.newsletter = False
    customer.mail_status = False
    customer.is_active = False
    customer.is_deleted = True
    customer.deleted_at = customer.deleted_at or now
    customer.erased_at = now
    if actor_of(by):
        customer.modified_by = by
    customer.save()

    # The books must add up: orders and lines keep every figure, only the buyer's e-mail goes.
    # Guest orders placed with the customer's e-mail are theirs too.
    guest = Q()
    for address in sorted(value for value in personal.values if "@" in value):
        guest |= Q(email__iexact=address)
    orders = Order.objects.filter(
        Q(customer_id=customer.pk) | (Q(customer__isnull=True) & guest if guest else Q(pk__in=[]))
    ).exclude(email=email)
    orders_anonymised = orders.update(email=email)
    visits_stripped = CustomerVisit.objects.filter(customer_id=customer.pk).update(
        ip_address=None, user_agent=""
    )
    events_redacted = _redact_audit(customer.pk, address_ids, personal)
    _redact_export_log(personal)
    _redact_admin_log(customer, address_ids, personal)

    reason = personal.scrub(request.reason)
    request.reason = reason
    request.status = ErasureRequest.Status.DONE
    request.finished_at = now
    request.finished_by = actor_of(by)
    request.save()
    # Earlier reasons may name the customer too (the reason of a cancelled request, say).
    for earlier in ErasureRequest.objects.filter(customer=customer).exclude(pk=request.pk):
        scrubbed = personal.scrub(earlier.reason)
        if scrubbed != earlier.reason:
            earlier.reason = scrubbed
            earlier.save(update_fields=["reason"])

    audit_record(
        action="erase",
        object_type="customer",
        object_ids=[customer.pk],
        by=by,
        extra={
            "reason": reason,
            "requested_by": request.requested_by_name or "system",
            "requested_at": request.created_at.isoformat(),
            "scheduled": request.erase_after > request.created_at,
            "orders_anonymised": orders_anonymised,
            "visits_stripped": visits_stripped,
            "addresses_deleted": len(address_ids),
            "audit_events_redacted": events_redacted,
        },
    )
    files = [avatar_file] if avatar_file else []
    files.extend(_data_export_files(customer.pk))
    if files:
        transaction.on_commit(lambda: _delete_files(files))


def _personal_values(customer: Customer) -> PersonalValues:
    personal = PersonalValues()
    for value in (customer.email, customer.username, customer.mobile_number, customer.customer_no):
        personal.add(value, distinctive=True)
    personal.add(customer.full_name, distinctive=" " in customer.full_name)
    personal.add(customer.real_name, distinctive=True)
    personal.add(customer.ip, distinctive=True)
    for value in (customer.first_name, customer.last_name, customer.avatar):
        personal.add(value)
    for value in (customer.address, customer.city, customer.pincode, customer.local):
        personal.add(value)
    # Former e-mails and numbers the audit trail recorded (the customer changed them since).
    for event in _customer_events(customer.pk, []):
        for key in ("email", "mobile_number", "customer_no", "real_name"):
            for value in (event.changes.get(key) or [])[:2]:
                if isinstance(value, str):
                    personal.add(value, distinctive=True)
    for ip in (
        CustomerVisit.objects.filter(customer_id=customer.pk, ip_address__isnull=False)
        .order_by()
        .values_list("ip_address", flat=True)
        .distinct()[:1000]
    ):
        personal.add(ip, distinctive=True)
    return personal


def _erase_addresses(customer: Customer, personal: PersonalValues) -> list[int]:
    """Collect the customer's address values, then delete the addresses (for real, as the
    address routes delete them). Returns their ids, to find the audit events about them."""
    addresses = Address.objects.filter(customer_id=customer.pk)
    for row in addresses.values(*Address.TEXT_FIELDS):
        for name, value in row.items():
            personal.add(value, distinctive=name in ("phone_no", "address1"))
    ids = list(addresses.values_list("pk", flat=True))
    addresses.delete()
    return ids


def customer_event_ids(customer_id: int, address_ids: Iterable[int] = ()):
    """The audit events about a customer: those naming it, and those of its addresses (the
    address services record the customer in `extra`, which outlives a deleted address)."""
    about = Q(targets__object_type="customer", targets__object_id=customer_id)
    address_ids = list(address_ids)
    if address_ids:
        about |= Q(targets__object_type="address", targets__object_id__in=address_ids)
    about |= Q(object_type="address", extra__customer_id=customer_id)
    return AuditEvent.objects.filter(about).values("pk")


def _customer_events(customer_id: int, address_ids: Iterable[int]):
    return AuditEvent.objects.filter(pk__in=customer_event_ids(customer_id, address_ids)).order_by(
        "pk"
    )


def _redact_audit(customer_id: int, address_ids: list[int], personal: PersonalValues) -> int:
    """Replace every personal value of the events about the customer (by field name and by
    value) and of the exports that filtered by one of its values; return how many changed."""

    def about_customer(key, value) -> bool:
        return key in PERSONAL_KEYS or (isinstance(value, str) and personal.matches(value))

    def mentions_customer(key, value) -> bool:
        return isinstance(value, str) and personal.matches(value, strict=True)

    redacted = 0
    for event in _customer_events(customer_id, address_ids).iterator(chunk_size=500):
        redacted += _redact_event(event, about_customer)
    # Exports of "every customer matching a filter" name no customer, but their filter may be
    # the customer's e-mail or name.
    for event in _text_mentions(
        AuditEvent.objects.filter(action__in=FILTERED_ACTIONS), "extra", personal
    ):
        redacted += _redact_event(event, mentions_customer)
    return redacted


def _redact_event(event: AuditEvent, is_personal) -> int:
    changes = redact(event.changes, is_personal=is_personal)
    extra = redact(event.extra, is_personal=is_personal)
    if changes == event.changes and extra == event.extra:
        return 0
    AuditEvent.objects.redact(event.pk, changes=changes, extra=extra)
    return 1


def _text_mentions(queryset, column: str, personal: PersonalValues):
    """Rows of `queryset` whose JSON `column`, as text, contains a distinctive personal value."""
    if not personal.distinctive:
        return queryset.none()
    condition = Q()
    for value in personal.distinctive:
        condition |= Q(_text__icontains=value)
    return (
        queryset.annotate(_text=Cast(column, output_field=models.TextField()))
        .filter(condition)
        .order_by("pk")
    )


def _redact_export_log(personal: PersonalValues) -> None:
    def mentions_customer(key, value) -> bool:
        return isinstance(value, str) and personal.matches(value, strict=True)

    for log in _text_mentions(ExportLog.objects.all(), "filters", personal):
        filters = redact(log.filters, is_personal=mentions_customer)
        if filters != log.filters:
            ExportLog.objects.filter(pk=log.pk).update(filters=filters)


def _redact_admin_log(customer: Customer, address_ids: list[int], personal) -> None:
    """The admin's own history names objects by their `str()`: rewrite those of the customer
    (and of its addresses) to the erased form."""
    customer_type = ContentType.objects.get_for_model(Customer)
    entries = LogEntry.objects.filter(content_type=customer_type, object_id=str(customer.pk))
    for entry in entries:
        entry.object_repr = str(customer)[:200]
        entry.change_message = personal.scrub(entry.change_message)
        entry.save(update_fields=["object_repr", "change_message"])
    if address_ids:
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Address),
            object_id__in=[str(pk) for pk in address_ids],
        ).update(object_repr="Erased address", change_message="")


def _data_export_files(customer_id: int) -> list[str]:
    """Stored files of earlier data-export jobs about the customer (API.md §12), taken off their
    jobs (a download then answers 410, as for an expired file); queued or running ones are
    cancelled (a running one deletes its file when it finds itself cancelled)."""
    jobs = Job.objects.filter(kind=Job.Kind.CUSTOMER_DATA_EXPORT, params__customerId=customer_id)
    for job in jobs.filter(status__in=Job.ACTIVE).select_related("created_by"):
        # One that finished meanwhile has its file taken below.
        with contextlib.suppress(job_services.JobConflict):
            job_services.cancel_job(job, by=None)
    files = list(jobs.exclude(file="").values_list("file", flat=True))
    jobs.exclude(file="").update(file="")
    return files


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
