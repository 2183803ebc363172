"""GET recent-customerlist (§3.8), today-customercount (§3.9), customer-count (§3.10)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from customers.tests.factories import CustomerFactory, CustomerGroupFactory

pytestmark = pytest.mark.django_db

PREFIXES = ["/api/customer", "/api/admin-customer"]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_recent_lists_the_five_newest_live_customers(api, group, prefix):
    now = timezone.now()
    made = [
        CustomerFactory(customer_group=group, created_at=now - datetime.timedelta(hours=h))
        for h in range(7)
    ]
    CustomerFactory(is_deleted=True, created_at=now + datetime.timedelta(hours=1))

    response = api.get(f"{prefix}/recent-customerlist")

    assert response.status_code == 200
    payload = response.json()
    assert payload["message"] == "Successfully got Customer list."
    assert [row["id"] for row in payload["data"]] == [c.pk for c in made[:5]]
    assert payload["data"][0]["customerGroupName"] == "Retail"
    assert payload["data"][0]["isActive"] == 1
    assert "password" not in payload["data"][0]


def test_recent_is_a_fixed_number_of_queries(api, group, django_assert_max_num_queries):
    CustomerFactory.create_batch(8, customer_group=group)

    with django_assert_max_num_queries(2):
        api.get("/api/customer/recent-customerlist/")


def test_today_count_counts_live_customers_created_today_in_time_zone(api, group, settings):
    settings.TIME_ZONE = "America/Los_Angeles"
    local_now = timezone.localtime()
    midnight = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
    CustomerFactory(created_at=midnight)
    CustomerFactory(created_at=local_now)
    CustomerFactory(created_at=midnight - datetime.timedelta(seconds=1))  # yesterday, locally
    CustomerFactory(created_at=local_now, is_deleted=True)

    response = api.get("/api/customer/today-customercount")

    assert response.status_code == 200
    assert response.json() == {
        "status": 1,
        "message": "Successfully get customerCount",
        "data": {"customerCount": 2},
    }


def test_today_count_under_the_alias_with_a_slash(api, group):
    CustomerFactory()

    response = api.get("/api/admin-customer/today-customercount/")

    assert response.json()["data"] == {"customerCount": 1}


def test_customer_count_totals(api, default_group, django_assert_max_num_queries):
    inactive_group = CustomerGroupFactory(is_active=False)
    CustomerFactory.create_batch(3, customer_group=inactive_group, is_active=True)
    CustomerFactory(customer_group=None, is_active=False)
    CustomerFactory(is_active=True, is_deleted=True)
    CustomerFactory(is_active=False, is_deleted=True)

    # One aggregate per table, plus the token's user.
    with django_assert_max_num_queries(3):
        response = api.get("/api/customer/customer-count")

    assert response.status_code == 200
    payload = response.json()
    assert payload["message"] == "Successfully got the Customer Count"
    # Groups: the seeded default, inactive_group, and the factories' own groups of the deleted.
    assert payload["data"] == {
        "totalCustomer": 4,
        "activeCustomer": 3,
        "inActiveCustomer": 1,
        "totalCustomerGroup": 4,
        "activeCustomerGroup": 3,
        "inActiveCustomerGroup": 1,
    }


@pytest.mark.parametrize("path", ["recent-customerlist", "today-customercount", "customer-count"])
def test_reads_need_a_token_and_the_view_permission(anon, staff_factory, customer, path):
    _, writer = staff_factory("writer", "customers.add_customer", "customers.change_customer")
    _, viewer = staff_factory("viewer", "customers.view_customer")

    assert anon.get(f"/api/customer/{path}").status_code == 401
    assert writer.get(f"/api/customer/{path}").status_code == 403
    assert viewer.get(f"/api/customer/{path}").status_code == 200


@pytest.mark.parametrize("path", ["recent-customerlist", "today-customercount", "customer-count"])
def test_reads_refuse_other_methods(api, path):
    response = api.post(f"/api/customer/{path}", {}, format="json")

    assert response.status_code == 405
    assert response.json()["message"] == 'Method "POST" not allowed.'


def test_dates_in_responses_carry_an_offset(api, group):
    CustomerFactory(created_at=datetime.datetime(2026, 5, 1, 12, tzinfo=ZoneInfo("UTC")))

    row = api.get("/api/customer/recent-customerlist").json()["data"][0]

    assert row["createdDate"] == "2026-05-01T12:00:00.000000Z"
