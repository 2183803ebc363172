"""The exact counters behind customer-count and today's count (customers/counters.py).

Every write path is followed by a comparison with a full count of the rows (`counters.drift()`),
and the API's answers are checked against that full count too.
"""

import csv
import datetime
import io
import random
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from conftest import client_for, make_staff
from customers import counters, services
from customers.models import Customer, CustomerCreatedCounter, CustomerGroup, TableCounter
from customers.tests.factories import CustomerFactory, CustomerGroupFactory

pytestmark = pytest.mark.django_db

# Time zones whose midnight is not on a full hour in UTC (+5:45, +12:45, -3:30).
ODD_ZONES = ["Asia/Kathmandu", "Pacific/Chatham", "America/St_Johns"]


def full_counts() -> dict:
    alive = Customer.objects.alive()
    return {
        "totalCustomer": alive.count(),
        "activeCustomer": alive.filter(is_active=True).count(),
        "inActiveCustomer": alive.filter(is_active=False).count(),
        "totalCustomerGroup": CustomerGroup.objects.count(),
        "activeCustomerGroup": CustomerGroup.objects.filter(is_active=True).count(),
        "inActiveCustomerGroup": CustomerGroup.objects.filter(is_active=False).count(),
    }


def today_by_rows() -> int:
    return Customer.objects.alive().created_today().count()


def assert_exact(api) -> None:
    assert counters.drift() == {}
    assert api.get("/api/customer/customer-count").json()["data"] == full_counts()
    today = api.get("/api/customer/today-customercount").json()["data"]["customerCount"]
    assert today == today_by_rows()


@pytest.fixture
def mixed(db):
    """Customers on several local days around midnight, some inactive, some deleted."""
    group = CustomerGroupFactory(name="Retail")
    now = timezone.now()
    made = []
    for hours in (0, 1, 5, 23, 24, 25, 49, 24 * 40):
        made.append(
            CustomerFactory(customer_group=group, created_at=now - datetime.timedelta(hours=hours))
        )
    made.append(CustomerFactory(customer_group=group, is_active=False))
    made.append(CustomerFactory(customer_group=group, is_deleted=True))
    return group, made


@pytest.mark.parametrize("zone", ["UTC", *ODD_ZONES])
def test_counts_match_the_rows_through_every_api_write(api, mixed, settings, zone):
    settings.TIME_ZONE = zone
    group, made = mixed
    assert_exact(api)

    body = {
        "customerGroupId": group.pk,
        "username": "Neu",
        "email": "neu@example.com",
        "mobileNumber": "1234567",
        "password": "Secret-pass1",
        "confirmPassword": "Secret-pass1",
        "mailStatus": 0,
        "status": 0,
    }
    assert api.post("/api/customer", body, format="json").status_code == 200
    assert_exact(api)
    update = {**body, "status": 1, "password": "", "confirmPassword": ""}
    new_id = Customer.objects.get(email="neu@example.com").pk
    assert api.put(f"/api/customer/{new_id}", update, format="json").status_code == 200
    assert_exact(api)
    assert api.delete(f"/api/customer/{made[0].pk}").status_code == 200
    assert_exact(api)
    ids = [made[1].pk, made[4].pk]
    response = api.post(
        "/api/customer/bulk-status", {"customerIds": ids, "statusId": 0}, format="json"
    )
    assert response.status_code == 200
    assert_exact(api)
    response = api.post("/api/customer/delete-customer", {"customerId": ids}, format="json")
    assert response.status_code == 200
    assert_exact(api)
    # Refused writes change nothing, counters included.
    before = list(TableCounter.objects.order_by("pk").values_list())
    response = api.post("/api/customer/delete-customer", {"customerId": ids}, format="json")
    assert response.status_code == 400
    assert list(TableCounter.objects.order_by("pk").values_list()) == before
    assert_exact(api)


def test_counts_follow_the_other_services_and_groups(api, mixed):
    _group, made = mixed
    services.customers_bulk_soft_delete(ids=[made[0].pk, made[1].pk], by=None)
    assert_exact(api)
    services.customers_restore(ids=[made[0].pk, made[1].pk], by=None)
    assert_exact(api)
    other = services.group_create(name="Other", color_code="#000000", is_active=False)
    assert_exact(api)
    services.customers_move_to_group(ids=[made[2].pk], group_id=other.pk, by=None)
    services.group_update(group_id=other.pk, name="Other", color_code="#000000", is_active=True)
    assert_exact(api)
    empty = CustomerGroupFactory(name="Empty", is_active=False)
    assert_exact(api)
    services.group_delete(group_id=empty.pk)
    assert_exact(api)


def test_counts_follow_queryset_writes_outside_the_services(api, mixed):
    """Paths that bypass the services (bulk_create, update(), hard delete) are counted too."""
    group, _made = mixed
    now = timezone.now()
    Customer.objects.bulk_create(
        [
            Customer(
                first_name="B",
                username=f"b{i}@x.test",
                email=f"b{i}@x.test",
                mobile_number="1",
                password="!",
                customer_group=group,
                is_active=bool(i % 2),
                created_at=now - datetime.timedelta(hours=i),
            )
            for i in range(30)
        ]
    )
    assert_exact(api)
    Customer.objects.filter(email__startswith="b1").update(is_active=False)
    assert_exact(api)
    # Moving creation dates across days moves them between the day counters.
    Customer.objects.filter(email__startswith="b2").update(
        created_at=now - datetime.timedelta(days=3)
    )
    assert_exact(api)
    Customer.objects.filter(email__startswith="b3").delete()
    assert_exact(api)
    CustomerGroup.objects.filter(pk=group.pk).update(is_active=False)
    assert_exact(api)


def test_counts_follow_the_import_command_and_seed_demo(api, mixed, tmp_path):
    _group, made = mixed
    path = tmp_path / "in.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "Customer Id",
                "Customer Name",
                "User Name",
                "Email Id",
                "Mobile Number",
                "Group",
                "Status",
            ]
        )
        writer.writerow(["", "Ada King", "", made[3].email, "5550100", "", "0"])
        for i in range(5):
            writer.writerow(["", f"New {i}", "", f"new{i}@example.com", "5550101", "", str(i % 2)])
    call_command("import_customers", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert_exact(api)
    call_command(
        "seed_demo",
        customers=40,
        vendors=2,
        products=5,
        orders=10,
        views=10,
        visits=10,
        stdout=io.StringIO(),
    )
    assert_exact(api)


def test_admin_bulk_actions_keep_the_counts(api, mixed, client, superuser):
    _group, made = mixed
    client.force_login(superuser)
    response = client.post(
        "/admin/customers/customer/",
        {"action": "deactivate", "_selected_action": [made[0].pk, made[1].pk]},
    )
    assert response.status_code == 302
    assert Customer.objects.filter(pk__in=[made[0].pk, made[1].pk], is_active=False).count() == 2
    assert_exact(api)


@pytest.mark.parametrize("zone", ODD_ZONES)
def test_today_is_exact_at_the_local_midnight_of_an_odd_zone(api, group, settings, zone):
    settings.TIME_ZONE = zone
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    CustomerFactory(created_at=midnight)
    CustomerFactory(created_at=midnight + datetime.timedelta(hours=23, minutes=59, seconds=59))
    CustomerFactory(created_at=midnight - datetime.timedelta(microseconds=1))  # yesterday
    CustomerFactory(created_at=midnight + datetime.timedelta(days=1))  # tomorrow

    response = api.get("/api/customer/today-customercount")

    assert response.json()["data"] == {"customerCount": 2} == {"customerCount": today_by_rows()}


def test_a_range_off_the_quarter_hours_is_counted_from_the_rows(group):
    start = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=2)
    start = start.replace(minute=7)
    inside = CustomerFactory(created_at=start + datetime.timedelta(minutes=1))
    CustomerFactory(created_at=start - datetime.timedelta(minutes=1))

    assert counters.created_between(start, start + datetime.timedelta(hours=1)) == 1
    assert inside.is_deleted is False


def test_customer_count_and_today_are_one_query_whatever_the_size(
    api, group, django_assert_max_num_queries
):
    CustomerFactory.create_batch(25, customer_group=group)
    # The token's user, then one read of the counters.
    with django_assert_max_num_queries(2):
        api.get("/api/customer/customer-count")
    with django_assert_max_num_queries(2):
        api.get("/api/customer/today-customercount")


def test_rebuild_command_repairs_and_check_reports_drift(api, mixed):
    TableCounter.objects.update(total=0)
    CustomerCreatedCounter.objects.all().delete()
    with pytest.raises(CommandError, match="out of step"):
        call_command("rebuild_customer_counters", "--check", stdout=io.StringIO())

    out = io.StringIO()
    call_command("rebuild_customer_counters", stdout=out)

    assert "Counters rebuilt" in out.getvalue()
    call_command("rebuild_customer_counters", "--check", stdout=io.StringIO())
    assert_exact(api)


# --- PostgreSQL: concurrent writers, slots, TRUNCATE -----------------------------------------
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_counts_stay_exact_under_concurrent_api_writes():
    boss = make_staff("counter-boss", superuser=True)
    group = CustomerGroupFactory(name="Race")
    seeded = CustomerFactory.create_batch(72, customer_group=group)
    ids = [c.pk for c in seeded]
    random.Random(7).shuffle(ids)
    chunks = [ids[i::6] for i in range(6)]
    failures: list = []
    barrier = threading.Barrier(6)

    def worker(n: int) -> None:
        api = client_for(boss)
        mine = chunks[n]
        try:
            barrier.wait(timeout=20)
            for i in range(4):
                body = {
                    "customerGroupId": group.pk,
                    "username": "Racer",
                    "email": f"race-{n}-{i}@example.com",
                    "mobileNumber": "1234567",
                    "password": "Secret-pass1",
                    "confirmPassword": "Secret-pass1",
                    "mailStatus": 0,
                    "status": i % 2,
                }
                statuses = [api.post("/api/customer", body, format="json").status_code]
                statuses.append(
                    api.post(
                        "/api/customer/bulk-status",
                        {"customerIds": mine[i * 2 : i * 2 + 2], "statusId": i % 2},
                        format="json",
                    ).status_code
                )
                statuses.append(api.delete(f"/api/customer/{mine[8 + i]}").status_code)
                if set(statuses) != {200}:
                    failures.append((n, i, statuses))
            statuses = api.post(
                "/api/customer/delete-customer", {"customerId": mine[:2]}, format="json"
            ).status_code
            if statuses != 200:
                failures.append((n, "bulk", statuses))
        except BaseException as exc:  # reported by the assertion below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert not failures, failures

    assert counters.drift() == {}
    api = client_for(boss)
    assert api.get("/api/customer/customer-count").json()["data"] == full_counts()
    assert full_counts()["totalCustomer"] == 72 + 24 - 6 * (4 + 2)
    # The writers spread over several slots rather than queueing on one row.
    assert TableCounter.objects.filter(kind="customer").count() > 1


@pytest.mark.postgres
def test_truncate_clears_the_counters(api, group):
    CustomerFactory.create_batch(3, customer_group=group)
    with connection.cursor() as cursor:
        # The deferred foreign-key checks of the inserts must run before a TRUNCATE may.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE customers_customer CASCADE")
    assert counters.drift() == {}
    assert counters.totals()["customers_total"] == 0
