"""Bulk customer import from CSV or XLSX (`manage.py import_customers`).

Columns are the export's (`Customer Id`, `Customer Name`, `User Name`, `Email Id`,
`Mobile Number`, `Date Of Registration`) plus optional `Group` (a group id or name), `Status`
(0/1), `First Name` and `Last Name`; header names are matched case-insensitively. `Customer Id`
and `User Name` are informational (the username is always the email).

Rules are the API's (API.md §3.1), through the same DRF fields the serializers use: email format
and length (stored trimmed, lower-cased), mobile normalisation (6-15 digits, optional `+`), name
lengths, group must exist, status 0/1. The export's formula escape (a leading `'`) is undone.

Customers are matched by email among non-deleted customers: a match is updated (only the columns
present in the file), anything else is created with an unusable password (never a plaintext one).

Every row is validated before anything is written (`validate`); `apply` then writes all rows in
one transaction with bulk_create/bulk_update. The file is read twice rather than held in memory.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.services import audit_record
from customers.models import Customer

from .files import COLUMNS, LABELS, ImportFileError, header_keys, read_rows
from .rows import GroupLookup, Parsed, RowError, parse_row, parse_values

BATCH_SIZE = 2_000
#: Rows between two calls of a `progress` callback.
PROGRESS_ROWS = 1_000

__all__ = [
    "COLUMNS",
    "LABELS",
    "ImportFileError",
    "Report",
    "RowError",
    "apply",
    "header_keys",
    "import_file",
    "parse_values",
    "validate",
]


@dataclass
class Report:
    errors: list[RowError] = field(default_factory=list)
    invalid_rows: set[int] = field(default_factory=set)
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def skipped(self) -> int:
        return len(self.invalid_rows)

    def summary(self) -> dict:
        """The job summary of API.md §11: counts and every error as {row, field, message}."""
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "failed": self.skipped,
            "errors": [error.as_dict() for error in self.errors],
        }


@dataclass
class Current:
    """The stored values an import row may change (plain values: no model instance per row)."""

    id: int
    first_name: str
    last_name: str | None
    mobile_number: str
    customer_group_id: int | None
    is_active: bool
    newsletter: bool

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name or ''}".strip()


def _existing(emails: list[str]) -> dict[str, Current]:
    columns = (
        "id",
        "first_name",
        "last_name",
        "mobile_number",
        "customer_group_id",
        "is_active",
        "newsletter",
    )
    rows = Customer.objects.alive().filter(email__in=emails).values_list("email", *columns)
    return {email: Current(*values) for email, *values in rows}


def _batches(path: Path, groups: GroupLookup, report: Report | None, skip: set[int], progress=None):
    """Valid rows in batches with the matching live customers: [(Parsed, Current | None)].

    With `report`, problems are recorded there (the validation pass); `skip` holds the row
    numbers found invalid by that pass. `progress(n)`, if given, hears of every n rows read
    (background jobs report progress and stop there when cancelled).
    """
    seen: dict[str, str] = {}
    batch: list[Parsed] = []

    def flush():
        existing = _existing([row.email for row in batch])
        result = []
        for row in batch:
            customer = existing.get(row.email)
            if customer is None:
                problem = _new_customer_problem(row)
                if problem:
                    if report is not None:
                        report.errors.append(RowError(row.number, row.label, *problem))
                        report.invalid_rows.add(row.number)
                    continue
            result.append((row, customer))
        batch.clear()
        return result

    read = 0
    for raw in read_rows(path):
        if report is not None:
            report.rows += 1
        if progress is not None:
            read += 1
            if read == PROGRESS_ROWS:
                progress(read)
                read = 0
        if raw.number in skip:
            continue
        parsed, problems = parse_row(raw, groups)
        if parsed is not None and parsed.email in seen:
            message = f"{parsed.email} is already on {seen[parsed.email]}."
            problems = [RowError(raw.number, raw.label, LABELS["email"], message)]
            parsed = None
        if parsed is None:
            if report is not None:
                report.errors.extend(problems)
                report.invalid_rows.add(raw.number)
            continue
        seen[parsed.email] = raw.label
        batch.append(parsed)
        if len(batch) >= BATCH_SIZE:
            yield flush()
    if batch:
        yield flush()
    if progress is not None and read:
        progress(read)


def new_customer_problem(row: Parsed) -> tuple[str, str] | None:
    """(column, message) when `row` cannot create a customer (name and mobile are needed)."""
    return _new_customer_problem(row)


def _new_customer_problem(row: Parsed) -> tuple[str, str] | None:
    if row.first_name is None and row.full_name is None:
        return LABELS["name"], "required for a new customer."
    if row.mobile is None:
        return LABELS["mobile"], "required for a new customer."
    return None


def import_file(
    path: Path, *, skip_invalid: bool = False, dry_run: bool = False, progress=None
) -> Report:
    """The whole pipeline for one file: the entry point of every non-admin door (the command,
    the background import job). Every row is checked first (`validate`); with any problem and
    not `skip_invalid`, nothing is written and the report lists them all; otherwise the valid
    rows are written in one transaction (rolled back with `dry_run`). ImportFileError when the
    file cannot be read as a customer table. `progress(n)` hears of rows read in each pass and
    may stop the import by raising (the write transaction then rolls back)."""
    report = validate(path, progress=progress)
    if report.errors and not skip_invalid:
        return report
    return apply(path, report, dry_run=dry_run, progress=progress)


def validate(path: Path, *, progress=None) -> Report:
    """Check every row (nothing is written); the report lists each problem with its row."""
    report = Report()
    groups = GroupLookup()
    for _ in _batches(path, groups, report, set(), progress):
        pass
    return report


# -- writing ------------------------------------------------------------------------------------


def stored_names(row: Parsed, customer: Current | None) -> tuple[str, str | None] | None:
    """(first, last) the row gives `customer` (None: a new one), or None to keep its names."""
    return _names(row, customer)


def _names(row: Parsed, customer: Current | None) -> tuple[str, str | None] | None:
    """(first, last) to store, or None to keep the customer's."""
    if row.first_name is not None:
        last = row.last_name if row.last_name is not None else (customer and customer.last_name)
        return row.first_name, last or None
    if row.full_name is None:
        if row.last_name is not None and customer is not None:
            return customer.first_name, row.last_name or None
        return None
    if customer is not None and customer.full_name == row.full_name:
        return None  # an exported "first last" comes back unchanged: keep the exact split
    first, _, last = row.full_name.partition(" ")
    return first, last.strip() or None


def apply(path: Path, report: Report, *, dry_run: bool = False, progress=None) -> Report:
    """Write the valid rows (skipping `report.invalid_rows`) in one transaction.

    An exception raised by `progress` (a cancelled job) rolls the whole transaction back.
    """
    groups = GroupLookup()
    now = timezone.now()
    password = make_password(None)
    update_fields = [
        "first_name",
        "last_name",
        "mobile_number",
        "customer_group",
        "is_active",
        "newsletter",
    ]
    touched: list[int] = []
    try:
        with transaction.atomic():
            for batch in _batches(path, groups, None, report.invalid_rows, progress):
                creates, updates = [], []
                for row, current in batch:
                    if current is None:
                        creates.append(_new(row, groups, password, now))
                    elif (changed := _changed(row, current, now)) is not None:
                        updates.append(changed)
                    else:
                        report.unchanged += 1
                Customer.objects.bulk_create(creates, batch_size=BATCH_SIZE)
                Customer.objects.bulk_update(
                    updates, [*update_fields, "updated_at"], batch_size=BATCH_SIZE
                )
                report.created += len(creates)
                report.updated += len(updates)
                touched.extend(customer.pk for customer in [*creates, *updates])
            audit_record(
                action="customer.import",
                object_type="customer",
                object_ids=touched,
                extra={
                    "file": path.name,
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                    "skipped": report.skipped,
                },
            )
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError:
        raise ImportFileError(
            "Another change to the same customers happened during the import; nothing was "
            "written. Run it again."
        ) from None
    return report


def _new(row: Parsed, groups: GroupLookup, password: str, now) -> Customer:
    first, last = _names(row, None)
    return Customer(
        first_name=first,
        last_name=last,
        username=row.email,
        email=row.email,
        mobile_number=row.mobile,
        password=password,
        customer_group_id=row.group_id if row.group_id is not None else groups.default,
        is_active=True if row.is_active is None else row.is_active,
        newsletter=bool(row.newsletter),
        created_at=row.created_at or now,
        updated_at=now,
    )


def _changed(row: Parsed, current: Current, now) -> Customer | None:
    """The customer to save with the row's values, or None when the row changes nothing."""
    first, last = _names(row, current) or (current.first_name, current.last_name)
    after = (
        first,
        last,
        row.mobile if row.mobile is not None else current.mobile_number,
        row.group_id if row.group_id is not None else current.customer_group_id,
        row.is_active if row.is_active is not None else current.is_active,
        row.newsletter if row.newsletter is not None else current.newsletter,
    )
    before = (
        current.first_name,
        current.last_name,
        current.mobile_number,
        current.customer_group_id,
        current.is_active,
        current.newsletter,
    )
    if after == before:
        return None
    return Customer(
        id=current.id,
        first_name=after[0],
        last_name=after[1],
        mobile_number=after[2],
        customer_group_id=after[3],
        is_active=after[4],
        newsletter=after[5],
        updated_at=now,
    )
