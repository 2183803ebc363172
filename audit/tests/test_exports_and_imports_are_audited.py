"""Exports (API, admin, command) and imports (command) leave audit events too."""

import csv
import io

import pytest
from django.core.management import call_command

from audit.models import AuditEvent
from customers.models import Customer
from customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_api_selection_export_records_who_exported_which_ids(api, superuser):
    first, second = CustomerFactory.create_batch(2)

    response = api.get(
        "/api/customer/customer-excel-list", {"customerId": f"{second.pk},{first.pk}"}
    )

    assert response.status_code == 200
    event = AuditEvent.objects.get(action="customer.export")
    assert event.actor == superuser
    assert event.source == "api"
    assert event.object_ids == [second.pk, first.pk]
    assert event.extra["kind"] == "selection"
    assert event.extra["rows"] == 2


def test_streamed_csv_export_of_everything_records_its_filters(api):
    CustomerFactory.create_batch(3, is_active=True)

    response = api.get("/api/customer/allcustomer-excel-list", {"format": "csv", "status": "1"})
    b"".join(response.streaming_content)  # the log is written once the stream is consumed

    event = AuditEvent.objects.get(action="customer.export")
    assert event.extra["kind"] == "all"
    assert event.extra["format"] == "csv"
    assert event.extra["rows"] == 3
    assert event.extra["filters"] == {"status": "1"}


def test_a_refused_export_leaves_no_audit_event(api):
    response = api.get("/api/customer/customer-excel-list", {"customerId": "999999"})

    assert response.status_code == 400
    assert not AuditEvent.objects.exists()


def test_command_import_records_the_customers_it_wrote_as_a_command(tmp_path):
    existing = CustomerFactory(email="known@example.com", first_name="Old", last_name="Name")
    path = tmp_path / "in.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Customer Name", "Email Id", "Mobile Number"])
        writer.writerow(["New Name", "known@example.com", "07700900123"])
        writer.writerow(["Fresh Face", "fresh@example.com", "07700900124"])

    call_command("import_customers", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    fresh = Customer.objects.get(email="fresh@example.com")
    event = AuditEvent.objects.get(action="customer.import")
    assert event.source == "command"
    assert sorted(event.object_ids) == sorted([existing.pk, fresh.pk])
    assert event.extra["created"] == 1
    assert event.extra["updated"] == 1


def test_dry_run_import_leaves_no_audit_event(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("Customer Name,Email Id,Mobile Number\nA B,a@example.com,07700900123\n")

    call_command(
        "import_customers", str(path), "--dry-run", stdout=io.StringIO(), stderr=io.StringIO()
    )

    assert not AuditEvent.objects.exists()
    assert not Customer.objects.filter(email="a@example.com").exists()
