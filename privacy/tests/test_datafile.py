"""The personal-data ZIP (API.md §12), built directly by the pure writer."""

import datetime
import io
import json
import zipfile

import pytest

from privacy.datafile import write_personal_data
from privacy.tests.conftest import (
    ADDRESS_PHONE,
    EMAIL,
    FIRST,
    IP,
    LAST,
    PHONE,
    STREET,
    USER_AGENT,
)

pytestmark = pytest.mark.django_db

MEMBERS = {
    "customer.json",
    "orders.json",
    "product_views.json",
    "visits.json",
    "audit.json",
    "README.txt",
}


class Unseekable(io.RawIOBase):
    """A pipe-like sink: write only, no seek, no tell (an HTTP stream, a storage upload)."""

    def __init__(self):
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        return len(data)


def build(customer_id, out=None) -> zipfile.ZipFile:
    out = out or io.BytesIO()
    write_personal_data(
        customer_id=customer_id,
        out=out,
        now=datetime.datetime(2026, 11, 30, 6, tzinfo=datetime.UTC),
    )
    data = b"".join(out.chunks) if isinstance(out, Unseekable) else out.getvalue()
    return zipfile.ZipFile(io.BytesIO(data))


def read(archive: zipfile.ZipFile, name: str):
    return json.loads(archive.read(name))


def test_the_archive_holds_every_file_of_the_contract(person):
    archive = build(person.customer.pk)

    assert set(archive.namelist()) == MEMBERS
    assert archive.testzip() is None


def test_customer_json_has_every_field_but_the_password_plus_group_and_addresses(person):
    customer = read(build(person.customer.pk), "customer.json")

    assert customer["id"] == person.customer.pk
    assert customer["first_name"] == FIRST
    assert customer["last_name"] == LAST
    assert customer["email"] == EMAIL
    assert customer["mobile_number"] == PHONE
    assert customer["ip"] == IP
    assert customer["customer_group"] == {"id": person.customer.customer_group_id, "name": "Retail"}
    [address] = customer["addresses"]
    assert (address["address1"], address["phone_no"], address["country_id"]) == (
        STREET,
        ADDRESS_PHONE,
        356,
    )
    assert "password" not in customer
    stored = {f.attname for f in type(person.customer)._meta.concrete_fields} - {"password"}
    assert stored <= set(customer)
    assert person.customer.password not in json.dumps(customer)


def test_orders_carry_their_lines_and_totals(person):
    orders = read(build(person.customer.pk), "orders.json")

    assert [order["id"] for order in orders] == sorted(o.pk for o in person.orders)
    assert all(order["email"] == EMAIL for order in orders)
    line = orders[0]["lines"][0]
    assert line["quantity"] == 2
    assert line["price"] == "19.90"
    assert line["total"] == "39.80"
    assert orders[0]["total"] == "39.80"


def test_views_visits_and_audit_events_are_listed(person):
    archive = build(person.customer.pk)

    views = read(archive, "product_views.json")
    assert len(views) == 2
    assert views[0]["product_name"] == "Teapot"
    visits = read(archive, "visits.json")
    assert len(visits) == 3
    assert {(v["ip_address"], v["user_agent"]) for v in visits} == {(IP, USER_AGENT)}
    audit = read(archive, "audit.json")
    actions = [event["action"] for event in audit]
    assert actions[:2] == ["customer.create", "customer.update"]
    assert "customer.export" in actions
    assert {"address.create", "address.delete"} <= set(actions)  # its addresses' history too
    assert audit[0]["staff"] == "boss"
    assert audit[0]["changes"]["email"][1] == "quennell.first@example.net"


def test_readme_says_what_each_file_holds_and_when_it_was_made(person):
    readme = build(person.customer.pk).read("README.txt").decode()

    for name in MEMBERS - {"README.txt"}:
        assert name in readme
    assert "2026-11-30T06:00:00+00:00" in readme


def test_it_writes_to_an_unseekable_stream(person):
    archive = build(person.customer.pk, Unseekable())

    assert set(archive.namelist()) == MEMBERS
    assert len(read(archive, "visits.json")) == 3


def test_a_customer_with_no_history_gets_empty_lists(group):
    from customers.tests.factories import CustomerFactory

    customer = CustomerFactory(customer_group=group)

    archive = build(customer.pk)

    for name in ("orders.json", "product_views.json", "visits.json", "audit.json"):
        assert read(archive, name) == []
