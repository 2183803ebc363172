"""Races decided by the database (PostgreSQL): one email → one customer; group delete vs add."""

import threading

import pytest
from django.db import connection

from conftest import client_for, make_staff
from customers.models import Customer, CustomerGroup
from customers.tests.factories import CustomerGroupFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def customer_body(group_id: int, email: str) -> dict:
    return {
        "customerGroupId": group_id,
        "username": "Racer",
        "email": email,
        "mobileNumber": "1234567",
        "password": "Secret-pass1",
        "confirmPassword": "Secret-pass1",
        "mailStatus": 0,
        "status": 1,
    }


def run_together(*actions):
    """Run each action in its own thread, released at the same instant; return their results."""
    barrier = threading.Barrier(len(actions))
    results: list = [None] * len(actions)

    def worker(index, action):
        try:
            barrier.wait()
            results[index] = action()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.parametrize("attempt", range(5))
def test_two_concurrent_adds_of_one_email_create_exactly_one_customer(attempt):
    group = CustomerGroupFactory()
    staff = make_staff(f"racer{attempt}", superuser=True)
    clients = [client_for(staff), client_for(staff)]
    email = f"race{attempt}@example.com"

    responses = run_together(
        *(lambda c=c: c.post("/api/customer", customer_body(group.pk, email), format="json")
          for c in clients)
    )  # fmt: skip

    assert sorted(r.status_code for r in responses) == [200, 400]
    loser = next(r for r in responses if r.status_code == 400)
    assert loser.json() == {
        "status": 0,
        "message": "A Customer is already registered with this email Id.",
    }
    assert Customer.objects.filter(email=email).count() == 1


@pytest.mark.parametrize("attempt", range(5))
def test_group_delete_racing_an_add_never_leaves_a_dangling_group(attempt):
    group = CustomerGroupFactory()
    staff = make_staff(f"boss{attempt}", superuser=True)
    adder, deleter = client_for(staff), client_for(staff)

    added, deleted = run_together(
        lambda: adder.post(
            "/api/customer", customer_body(group.pk, f"g{attempt}@example.com"), format="json"
        ),
        lambda: deleter.delete(f"/api/customer-group/{group.pk}"),
    )

    group_exists = CustomerGroup.objects.filter(pk=group.pk).exists()
    if added.status_code == 200:
        assert deleted.status_code == 400
        assert deleted.json()["message"] == (
            "You cannot delete this Customer group as Users are mapped to it."
        )
        assert group_exists
        assert Customer.objects.get().customer_group_id == group.pk
    else:
        assert added.status_code == 400
        assert added.json()["message"] == "Invalid customer group Id."
        assert deleted.status_code == 200
        assert not group_exists
        assert Customer.objects.count() == 0
