"""The audit trail is readable in the admin (read-only) and on the customer's own page."""

import pytest
from django.test import Client

from audit.models import AuditEvent
from customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(superuser) -> Client:
    client = Client()
    client.force_login(superuser)
    return client


def test_admin_writes_are_recorded_with_the_admin_source(admin_client_, superuser):
    customer = CustomerFactory(is_active=True)

    response = admin_client_.post(
        "/admin/customers/customer/",
        {"action": "deactivate", "_selected_action": [customer.pk]},
    )

    assert response.status_code == 302
    event = AuditEvent.objects.get(action="customer.bulk_status")
    assert event.source == "admin"
    assert event.actor == superuser
    assert event.object_ids == [customer.pk]


def test_customer_page_shows_its_change_history(admin_client_, api):
    customer = CustomerFactory(first_name="Ada", mobile_number="07700900123")
    body = {
        "customerGroupId": customer.customer_group_id,
        "username": "Augusta",
        "mobileNumber": "07700900123",
        "mailStatus": 0,
        "status": 1,
    }
    assert api.put(f"/api/customer/{customer.pk}", body, format="json").status_code == 200

    page = admin_client_.get(f"/admin/customers/customer/{customer.pk}/change/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "Change history" in html
    assert "customer.update" in html
    assert "first_name: &#x27;Ada&#x27; → &#x27;Augusta&#x27;" in html


def test_audit_admin_is_read_only(admin_client_):
    AuditEvent.objects.create(action="group.delete", object_type="customergroup")
    event = AuditEvent.objects.get()

    listing = admin_client_.get("/admin/audit/auditevent/")
    detail = admin_client_.get(f"/admin/audit/auditevent/{event.pk}/change/")
    add = admin_client_.get("/admin/audit/auditevent/add/")
    huge = admin_client_.get(f"/admin/audit/auditevent/{2**70}/change/")

    assert listing.status_code == 200
    assert "group.delete" in listing.content.decode()
    assert detail.status_code == 200
    assert b'name="_save"' not in detail.content
    assert add.status_code == 403
    assert huge.status_code == 302  # "not found" redirect, never a 500
