"""POST/DELETE /api/customer/{id}/erase (API.md §12): every rule through HTTP."""

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth.hashers import is_password_usable
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from analytics.models import CustomerVisit, ProductViewLog
from audit.models import AuditEvent
from customers.models import Address, Customer
from customers.services import customers_restore
from customers.tests.factories import CustomerFactory
from ecommerce_admin.errors import DomainError
from privacy.models import ErasureRequest
from privacy.tests.conftest import EMAIL, FIRST, IP
from sales.models import Order, OrderProduct

pytestmark = pytest.mark.django_db

ERASE_PERMS = ("customers.delete_customer", "customers.erase_customer")


def url(pk, prefix="customer") -> str:
    return f"/api/{prefix}/{pk}/erase"


def state() -> tuple:
    return (
        list(Customer.objects.order_by("pk").values_list()),
        list(ErasureRequest.objects.order_by("pk").values_list()),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def customer(group) -> Customer:
    return CustomerFactory(customer_group=group, first_name="Ada", last_name="Lovelace")


# --- scheduling ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path", ["/api/customer/{}/erase", "/api/customer/{}/erase/", "/api/admin-customer/{}/erase"]
)
def test_erasure_is_scheduled_14_days_ahead_by_default(api, customer, superuser, path):
    before = timezone.now()

    response = api.post(path.format(customer.pk), {"reason": "Customer asked"}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == 1
    assert body["message"] == "Erasure scheduled"
    assert body["data"]["customerId"] == customer.pk
    erase_after = parse_datetime(body["data"]["eraseAfter"])
    assert erase_after.tzinfo is not None
    assert (
        before + datetime.timedelta(days=14)
        <= erase_after
        <= timezone.now() + datetime.timedelta(days=14)
    )
    request = ErasureRequest.objects.get(customer=customer)
    assert request.status == "scheduled"
    assert request.reason == "Customer asked"
    assert request.requested_by == superuser
    assert request.erase_after == erase_after
    customer.refresh_from_db()
    assert customer.first_name == "Ada"  # nothing happens during the grace period
    assert customer.erased_at is None
    event = AuditEvent.objects.get(action="customer.erase_scheduled")
    assert event.object_ids == [customer.pk]
    assert event.extra["reason"] == "Customer asked"


@pytest.mark.parametrize(("sent", "days"), [(1, 1), ("30", 30), (None, 14), ("", 14)])
def test_grace_days_accepts_numbers_and_numeric_strings(api, customer, sent, days):
    response = api.post(url(customer.pk), {"reason": "x", "graceDays": sent}, format="json")

    assert response.status_code == 200
    erase_after = parse_datetime(response.json()["data"]["eraseAfter"])
    expected = timezone.now() + datetime.timedelta(days=days)
    assert abs((erase_after - expected).total_seconds()) < 60


def test_a_form_encoded_body_is_accepted(api, customer):
    response = api.post(url(customer.pk), {"reason": "By letter", "graceDays": "2"})

    assert response.status_code == 200
    assert response.json()["message"] == "Erasure scheduled"


def test_asking_again_replaces_the_scheduled_date_and_reason(api, customer):
    api.post(url(customer.pk), {"reason": "first", "graceDays": 10}, format="json")

    response = api.post(url(customer.pk), {"reason": "second", "graceDays": 2}, format="json")

    assert response.status_code == 200
    request = ErasureRequest.objects.get(customer=customer)
    assert request.reason == "second"
    assert request.erase_after < timezone.now() + datetime.timedelta(days=3)


# --- immediate erasure -------------------------------------------------------------------------
def test_grace_days_0_erases_at_once(api, person, superuser, django_capture_on_commit_callbacks):
    customer = person.customer
    lines_before = list(
        OrderProduct.objects.filter(order__customer=customer)
        .order_by("pk")
        .values_list("pk", "quantity", "price", "name")
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            url(customer.pk), {"reason": "GDPR request", "graceDays": 0}, format="json"
        )

    assert response.status_code == 200
    body = response.json()
    assert body["message"] == "Customer erased"
    assert body["data"]["customerId"] == customer.pk
    customer.refresh_from_db()
    erased = f"erased-{customer.pk}@invalid"
    assert customer.first_name == "Erased customer"
    assert customer.last_name is None
    assert customer.email == customer.username == erased
    assert customer.mobile_number == ""
    for name in ("address", "city", "pincode", "local", "country_id", "zone_id"):
        assert getattr(customer, name) is None, name
    assert customer.avatar is None
    assert customer.avatar_path is None
    assert customer.ip is None
    assert customer.real_name is None
    assert not is_password_usable(customer.password)
    assert customer.is_active is False
    assert customer.is_deleted is True
    assert customer.deleted_at is not None
    assert customer.erased_at is not None
    # The books still add up; only the buyer's e-mail went (guest orders with it too).
    assert set(Order.objects.filter(customer=customer).values_list("email", flat=True)) == {erased}
    person.guest_order.refresh_from_db()
    assert person.guest_order.email == erased
    assert (
        list(
            OrderProduct.objects.filter(order__customer=customer)
            .order_by("pk")
            .values_list("pk", "quantity", "price", "name")
        )
        == lines_before
    )
    assert lines_before[0][1:3] == (2, Decimal("19.90"))
    # Visits keep their day and customer, lose IP and user agent; product views are kept.
    for visit in CustomerVisit.objects.filter(pk__in=[v.pk for v in person.visits]):
        assert visit.customer_id == customer.pk
        assert visit.ip_address is None
        assert visit.user_agent == ""
    assert ProductViewLog.objects.filter(customer=customer).count() == 2
    assert not Address.objects.filter(customer=customer).exists()  # addresses go for real
    # One `erase` event: who, when, why.
    event = AuditEvent.objects.get(action="erase")
    assert event.actor == superuser
    assert event.object_ids == [customer.pk]
    assert event.extra["reason"] == "GDPR request"
    assert event.source == "api"
    # The history is kept (who did what, when) with personal values replaced.
    created = AuditEvent.objects.get(action="customer.create", object_ids=[customer.pk])
    assert created.actor == superuser
    assert created.changes["first_name"] == [None, "[erased]"]
    assert created.changes["email"] == [None, "[erased]"]
    assert created.changes["is_active"] == [None, True]


def test_an_erased_customer_is_never_listed_again_and_its_email_registers_again(api, person, group):
    customer = person.customer
    api.post(url(customer.pk), {"reason": "r", "graceDays": 0}, format="json")

    listed = api.get("/api/customer", {"limit": 1000}).json()["data"]
    assert customer.pk not in [row["id"] for row in listed]
    assert api.get("/api/customer", {"keyword": "Erased", "limit": 10}).json()["data"] == []
    assert api.get("/api/customer", {"email": "erased-", "limit": 10}).json()["data"] == []
    detail = api.get(f"/api/admin-customer/customer-detail/{customer.pk}")
    assert detail.json() == {"status": 0, "message": "invalid CustomerId"}
    total = api.get("/api/customer/customer-count").json()["data"]["totalCustomer"]
    assert total == Customer.objects.filter(is_deleted=False).count() == len(listed)
    again = api.post(
        "/api/customer",
        {
            "customerGroupId": group.pk,
            "username": FIRST,
            "email": EMAIL,
            "mobileNumber": "+447000000999",
            "password": "Secret-pass-1",
            "confirmPassword": "Secret-pass-1",
            "mailStatus": 0,
            "status": 1,
        },
        format="json",
    )
    assert again.status_code == 200, again.json()
    assert again.json()["data"]["id"] != customer.pk


def test_an_erased_customer_cannot_be_restored(api, customer, superuser):
    api.post(url(customer.pk), {"reason": "r", "graceDays": 0}, format="json")
    before = state()

    with pytest.raises(DomainError) as refused:
        customers_restore(ids=[customer.pk], by=superuser)

    assert refused.value.message == "Invalid customer Id."
    assert state() == before


def test_erasing_twice_is_refused_with_the_contract_message(api, customer):
    api.post(url(customer.pk), {"reason": "r", "graceDays": 0}, format="json")
    before = state()

    for body in ({"reason": "again", "graceDays": 0}, {"reason": "again"}):
        response = api.post(url(customer.pk), body, format="json")
        assert response.status_code == 400
        assert response.json() == {"status": 0, "message": "This customer has already been erased."}
    cancel = api.delete(url(customer.pk))
    assert cancel.status_code == 400
    assert cancel.json() == {"status": 0, "message": "Invalid customer Id."}
    assert state() == before


def test_a_deleted_customer_can_still_be_erased(api, customer):
    api.delete(f"/api/customer/{customer.pk}")

    response = api.post(url(customer.pk), {"reason": "r", "graceDays": 0}, format="json")

    assert response.status_code == 200
    customer.refresh_from_db()
    assert customer.erased_at is not None


# --- cancelling --------------------------------------------------------------------------------
@pytest.mark.parametrize("prefix", ["customer", "admin-customer"])
def test_a_scheduled_erasure_can_be_cancelled(api, customer, prefix):
    api.post(url(customer.pk), {"reason": "r", "graceDays": 1}, format="json")

    response = api.delete(url(customer.pk, prefix))

    assert response.status_code == 200
    assert response.json() == {"status": 1, "message": "Erasure cancelled"}
    request = ErasureRequest.objects.get(customer=customer)
    assert request.status == "cancelled"
    assert AuditEvent.objects.filter(action="customer.erase_cancelled").count() == 1
    # Past its date, a cancelled erasure is not carried out.
    ErasureRequest.objects.update(erase_after=timezone.now() - datetime.timedelta(hours=1))
    call_command("run_scheduled_erasures", stdout=io.StringIO())
    customer.refresh_from_db()
    assert customer.erased_at is None


def test_cancelling_when_nothing_is_scheduled_is_refused(api, customer):
    api.post(url(customer.pk), {"reason": "r", "graceDays": 1}, format="json")
    api.delete(url(customer.pk))
    before = state()

    response = api.delete(url(customer.pk))

    assert response.status_code == 400
    assert response.json() == {"status": 0, "message": "No erasure is scheduled for this customer."}
    assert state() == before


@pytest.mark.parametrize("pk", [999_999, 2**63, 10**40])
@pytest.mark.parametrize("method", ["post", "delete"])
def test_an_unknown_customer_is_400(api, customer, pk, method):
    before = state()

    response = getattr(api, method)(url(pk), {"reason": "r", "graceDays": 0}, format="json")

    assert response.status_code == 400
    assert response.json() == {"status": 0, "message": "Invalid customer Id."}
    assert state() == before


# --- scheduled erasures are carried out ----------------------------------------------------------
def test_due_erasures_are_carried_out_by_the_command(api, superuser, group):
    due, later = CustomerFactory(customer_group=group), CustomerFactory(customer_group=group)
    api.post(url(due.pk), {"reason": "due", "graceDays": 1}, format="json")
    api.post(url(later.pk), {"reason": "later", "graceDays": 2}, format="json")
    ErasureRequest.objects.filter(customer=due).update(
        erase_after=timezone.now() - datetime.timedelta(minutes=1)
    )
    out = io.StringIO()

    call_command("run_scheduled_erasures", stdout=out)

    assert "Erased 1 customer(s)" in out.getvalue()
    due.refresh_from_db()
    later.refresh_from_db()
    assert due.erased_at is not None
    assert due.email == f"erased-{due.pk}@invalid"
    assert later.erased_at is None
    assert ErasureRequest.objects.get(customer=due).status == "done"
    assert ErasureRequest.objects.get(customer=later).status == "scheduled"
    event = AuditEvent.objects.get(action="erase")
    assert event.extra["reason"] == "due"
    assert event.extra["requested_by"] == superuser.username
    assert event.source == "command"


# --- input -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "reason"),
        ({"reason": ""}, "reason"),
        ({"reason": "   "}, "reason"),
        ({"reason": "x" * 501}, "reason"),
        ({"reason": "a\x00b"}, "reason"),
        ({"reason": 12}, "reason"),
        ({"reason": None}, "reason"),
        ({"reason": "r", "graceDays": -1}, "graceDays"),
        ({"reason": "r", "graceDays": 31}, "graceDays"),
        ({"reason": "r", "graceDays": "abc"}, "graceDays"),
        ({"reason": "r", "graceDays": 1.5}, "graceDays"),
        ({"reason": "r", "graceDays": True}, "graceDays"),
        ({"reason": "r", "graceDays": "1e1"}, "graceDays"),
    ],
)
def test_invalid_bodies_are_422_and_change_nothing(api, customer, body, field):
    before = state()

    response = api.post(url(customer.pk), body, format="json")

    assert response.status_code == 422
    assert response.json()["status"] == 0
    assert field in response.json()["errors"]
    assert state() == before


def test_500_characters_is_the_longest_reason(api, customer):
    response = api.post(url(customer.pk), {"reason": "x" * 500}, format="json")

    assert response.status_code == 200


# --- permissions -------------------------------------------------------------------------------
def test_without_a_token_it_is_401(anon, customer):
    for method in ("post", "delete"):
        response = getattr(anon, method)(url(customer.pk), {"reason": "r"}, format="json")
        assert response.status_code == 401
        assert response.json()["status"] == 0


@pytest.mark.parametrize(
    "permissions",
    [
        (),
        ("customers.delete_customer",),
        ("customers.erase_customer",),
        ("customers.change_customer", "customers.view_customer", "customers.export_customer"),
    ],
)
def test_both_permissions_are_needed(staff_factory, customer, permissions):
    _, client = staff_factory("clerk", *permissions)
    before = state()

    for method in ("post", "delete"):
        response = getattr(client, method)(
            url(customer.pk), {"reason": "r", "graceDays": 0}, format="json"
        )
        assert response.status_code == 403
        assert response.json() == {
            "status": 0,
            "message": "You do not have permission to perform this action.",
        }
    assert state() == before


def test_with_both_permissions_a_staff_user_erases(staff_factory, customer):
    _, client = staff_factory("dpo", *ERASE_PERMS)

    assert client.post(url(customer.pk), {"reason": "r"}, format="json").status_code == 200
    assert client.delete(url(customer.pk)).status_code == 200


def test_the_erase_permission_exists_and_no_group_has_it():
    permission = Permission.objects.get(
        content_type__app_label="customers", codename="erase_customer"
    )

    assert not Group.objects.filter(permissions=permission).exists()


def test_other_methods_are_405(api, customer):
    response = api.get(url(customer.pk))

    assert response.status_code == 405
    assert response.json()["status"] == 0


def test_the_routes_are_in_the_schema(anon):
    schema = anon.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    for prefix in ("customer", "admin-customer"):
        operations = schema["paths"][f"/api/{prefix}/{{id}}/erase/"]
        assert {"post", "delete"} <= set(operations)
        post = operations["post"]
        ref = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        body = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
        assert body["required"] == ["reason"]
        assert body["properties"]["reason"]["maxLength"] == 500
        assert body["properties"]["graceDays"]["maximum"] == 30
        data = post["responses"]["200"]["content"]["application/json"]["schema"]
        assert "data" in data["properties"]


def test_visits_lose_ip_but_keep_their_day(api, person):
    days = sorted(v.created_at for v in person.visits)

    api.post(url(person.customer.pk), {"reason": "r", "graceDays": 0}, format="json")

    visits = CustomerVisit.objects.filter(customer=person.customer)
    assert sorted(v.created_at for v in visits) == days
    assert not visits.filter(ip_address=IP).exists()
