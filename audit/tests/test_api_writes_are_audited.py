"""Every staff write through the API leaves one audit event, in the same transaction."""

import pytest

from audit.models import AuditEvent
from customers.models import Customer
from customers.tests.factories import CustomerFactory, CustomerGroupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():
    return CustomerGroupFactory(name="Retail")


def add_body(group, **overrides):
    return {
        "customerGroupId": group.pk,
        "username": "Ada",
        "lastName": "Lovelace",
        "email": "Ada@Example.com",
        "mobileNumber": "07700900123",
        "password": "Secret-pass1",
        "confirmPassword": "Secret-pass1",
        "mailStatus": 0,
        "status": 1,
        **overrides,
    }


def test_add_records_who_created_which_customer_without_the_password(api, superuser, group):
    response = api.post("/api/customer", add_body(group), format="json")

    assert response.status_code == 200
    customer = Customer.objects.get(email="ada@example.com")
    event = AuditEvent.objects.get(action="customer.create")
    assert event.actor == superuser
    assert event.source == "api"
    assert event.object_ids == [customer.pk]
    assert event.changes["email"] == [None, "ada@example.com"]
    assert event.changes["customer_group_id"] == [None, group.pk]
    assert "password" not in event.changes
    assert "Secret-pass1" not in str(event.changes) + str(event.extra)


def test_update_records_before_and_after_of_changed_fields_only(api, group):
    customer = CustomerFactory(customer_group=group, first_name="Ada", mobile_number="07700900123")
    body = {
        "customerGroupId": group.pk,
        "username": "Augusta",
        "mobileNumber": "07700900123",
        "password": "Newer-pass1",
        "confirmPassword": "Newer-pass1",
        "mailStatus": 0,
        "status": 1,
    }

    response = api.put(f"/api/customer/{customer.pk}", body, format="json")

    assert response.status_code == 200
    event = AuditEvent.objects.get(action="customer.update")
    assert event.object_ids == [customer.pk]
    assert event.changes == {"first_name": ["Ada", "Augusta"]}
    assert event.extra == {"password_changed": True}
    assert "Newer-pass1" not in str(event.changes) + str(event.extra)


def test_deletes_and_bulk_operations_are_recorded_with_their_ids(api, group):
    first, second, third = CustomerFactory.create_batch(3, customer_group=group)

    assert api.delete(f"/api/customer/{first.pk}").status_code == 200
    response = api.post("/api/customer/delete-customer", {"customerId": [second.pk]}, format="json")
    assert response.status_code == 200
    response = api.post(
        "/api/customer/bulk-status", {"customerIds": [third.pk], "statusId": 0}, format="json"
    )
    assert response.status_code == 200

    events = {e.action: e for e in AuditEvent.objects.all()}
    assert events["customer.delete"].object_ids == [first.pk]
    assert events["customer.bulk_delete"].object_ids == [second.pk]
    assert events["customer.bulk_status"].object_ids == [third.pk]
    assert events["customer.bulk_status"].changes == {"is_active": [True, False]}


def test_group_writes_are_recorded(api):
    response = api.post(
        "/api/customer-group", {"name": "VIP", "colorcode": "#f00", "status": 1}, format="json"
    )
    group_id = response.json()["data"]["groupId"]
    api.put(
        f"/api/customer-group/{group_id}",
        {"name": "Gold", "colorcode": "#f00", "status": 1},
        format="json",
    )
    api.delete(f"/api/customer-group/{group_id}")

    actions = list(
        AuditEvent.objects.filter(object_ids=[group_id])
        .order_by("id")
        .values_list("action", "changes")
    )
    assert [action for action, _ in actions] == ["group.create", "group.update", "group.delete"]
    assert actions[1][1] == {"name": ["VIP", "Gold"]}


def test_a_refused_write_leaves_no_audit_event(api, group):
    CustomerFactory(email="ada@example.com", customer_group=group)

    response = api.post("/api/customer", add_body(group), format="json")

    assert response.status_code == 400
    assert not AuditEvent.objects.exists()
