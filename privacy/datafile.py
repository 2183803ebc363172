"""The personal-data ZIP of one customer (API.md §12), written in constant memory.

`write_personal_data(customer_id=..., out=...)` writes the archive to any binary file object
(seekable or not: a storage file, a temporary file, a pipe). Every list is read from the
database in chunks and written row by row, so a customer with a million visits costs no more
memory than one with ten.
"""

import datetime
import io
import json
import zipfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import IO, Any, Final

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from analytics.models import CustomerVisit, ProductViewLog
from audit.models import AuditEvent
from audit.services import SECRET_FIELDS
from customers.models import Address, Customer
from sales.models import Order, OrderProduct

from .anonymise import customer_event_ids

CHUNK: Final = 2000
# Never in the file, whatever the model grows: the password hash and the other secrets.
EXCLUDED_FIELDS: Final = frozenset({"password", *SECRET_FIELDS})

README: Final = """Personal data held by {shop} about customer {customer_id}
Made on {made} ({time_zone}).

customer.json       Every stored field of the customer account (the password is never
                    included, not even as a hash), the customer group, and the addresses.
orders.json         The customer's orders, each with its order lines (product name, quantity,
                    price, total, status).
product_views.json  The products the customer viewed, and when.
visits.json         The customer's recorded visits to the shop: when, the session, the IP
                    address and the browser (user agent).
audit.json          The staff actions recorded about this customer (who did what and when,
                    with the values they changed).

Dates are ISO 8601 with their offset from UTC. Field names are the database's.
"""


def _json(value: Any) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=None)


def _model_row(instance, *, exclude: Iterable[str] = ()) -> dict[str, Any]:
    excluded = EXCLUDED_FIELDS | set(exclude)
    return {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if field.attname not in excluded and field.name not in excluded
    }


class _JsonArray:
    """Writes `[row, row, ...]` into one archive member, one row at a time."""

    def __init__(self, archive: zipfile.ZipFile, name: str):
        self._raw = archive.open(name, "w", force_zip64=True)
        self._text = io.TextIOWrapper(self._raw, encoding="utf-8", newline="\n")
        self._first = True
        self._text.write("[")

    def add(self, row: Any) -> None:
        self._text.write("\n  " if self._first else ",\n  ")
        self._text.write(_json(row))
        self._first = False

    def close(self) -> None:
        self._text.write("\n]\n" if not self._first else "]\n")
        self._text.flush()
        self._text.close()


def _write_array(archive: zipfile.ZipFile, name: str, rows: Iterator[Any]) -> int:
    array = _JsonArray(archive, name)
    count = 0
    try:
        for row in rows:
            array.add(row)
            count += 1
    finally:
        array.close()
    return count


def _addresses(customer_id: int) -> list[dict[str, Any]]:
    return [
        _model_row(address, exclude=("customer",))
        for address in Address.objects.filter(customer_id=customer_id).order_by("pk")
    ]


def _orders(customer_id: int) -> Iterator[dict[str, Any]]:
    """Orders with their lines: two ordered streams merged by order, never a whole list (a
    prefetch would hold every line of a chunk of orders, measured by bench/privacy_datafile.py)."""
    order_fields = [f.attname for f in Order._meta.concrete_fields if f.name != "customer"]
    line_fields = [f.attname for f in OrderProduct._meta.concrete_fields if f.name != "order"]
    orders = (
        Order.objects.filter(customer_id=customer_id)
        .order_by("created_at", "pk")
        .values(*order_fields)
        .iterator(chunk_size=CHUNK)
    )
    lines = (
        OrderProduct.objects.filter(order__customer_id=customer_id)
        .order_by("order__created_at", "order_id", "pk")
        .values("order_id", *line_fields)
        .iterator(chunk_size=CHUNK)
    )
    pending = next(lines, None)
    for order in orders:
        order_lines = []
        # Lines come in the orders' own order, so the ones of this order are next.
        while pending is not None and pending["order_id"] == order["id"]:
            line = {name: pending[name] for name in line_fields}
            line["total"] = pending["quantity"] * pending["price"]
            order_lines.append(line)
            pending = next(lines, None)
        order["total"] = sum((line["total"] for line in order_lines), start=Decimal(0))
        order["lines"] = order_lines
        yield order


def _product_views(customer_id: int) -> Iterator[dict[str, Any]]:
    views = (
        ProductViewLog.objects.filter(customer_id=customer_id)
        .order_by("created_at", "pk")
        .values("id", "product_id", "product__name", "created_at")
    )
    for view in views.iterator(chunk_size=CHUNK):
        yield {
            "id": view["id"],
            "product_id": view["product_id"],
            "product_name": view["product__name"],
            "created_at": view["created_at"],
        }


def _visits(customer_id: int) -> Iterator[dict[str, Any]]:
    visits = (
        CustomerVisit.objects.filter(customer_id=customer_id)
        .order_by("created_at", "pk")
        .values("id", "session_key", "ip_address", "user_agent", "created_at")
    )
    yield from visits.iterator(chunk_size=CHUNK)


def _audit(customer_id: int, address_ids: list[int]) -> Iterator[dict[str, Any]]:
    ids = customer_event_ids(customer_id, address_ids)
    events = (
        AuditEvent.objects.filter(pk__in=ids)
        .order_by("created_at", "pk")
        .values(
            "id",
            "created_at",
            "actor_name",
            "source",
            "action",
            "object_type",
            "object_ids",
            "changes",
            "extra",
        )
    )
    for event in events.iterator(chunk_size=CHUNK):
        event["staff"] = event.pop("actor_name") or "system"
        yield event


def write_personal_data(
    *, customer_id: int, out: IO[bytes], now: datetime.datetime | None = None
) -> dict[str, int]:
    """Write the ZIP of API.md §12 for one customer to `out`; return the row count per file.

    The caller decides whether the customer may be exported (not deleted, not erased).
    """
    now = now or timezone.now()
    customer = Customer.objects.select_related("customer_group").get(pk=customer_id)
    counts: dict[str, int] = {}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        record = _model_row(customer)
        group = customer.customer_group
        record["customer_group"] = None if group is None else {"id": group.pk, "name": group.name}
        addresses = _addresses(customer.pk)
        record["addresses"] = addresses
        archive.writestr("customer.json", json.dumps(record, cls=DjangoJSONEncoder, indent=2))
        counts["addresses"] = len(addresses)
        counts["orders"] = _write_array(archive, "orders.json", _orders(customer.pk))
        counts["product_views"] = _write_array(
            archive, "product_views.json", _product_views(customer.pk)
        )
        counts["visits"] = _write_array(archive, "visits.json", _visits(customer.pk))
        counts["audit"] = _write_array(
            archive, "audit.json", _audit(customer.pk, [a["id"] for a in addresses])
        )
        archive.writestr(
            "README.txt",
            README.format(
                shop=settings.SHOP_NAME,
                customer_id=customer.pk,
                made=timezone.localtime(now).isoformat(timespec="seconds"),
                time_zone=settings.TIME_ZONE,
            ),
        )
    return counts
