"""POST /api/customer/delete-customer (§3.7) and POST /api/customer/bulk-status (§3.13)."""

from urllib.parse import urlencode

import pytest

from customers.models import Customer
from customers.tests.conftest import db_state
from customers.tests.factories import CustomerFactory
from sales.models import Product, Vendor

pytestmark = pytest.mark.django_db

DELETE_URL = "/api/customer/delete-customer"
STATUS_URL = "/api/customer/bulk-status"


@pytest.fixture
def three(group) -> list[Customer]:
    return CustomerFactory.create_batch(3, customer_group=group)


def alive_ids() -> set[int]:
    return set(Customer.objects.alive().values_list("pk", flat=True))


def form_post(client, url, pairs):
    return client.generic(
        "POST", url, urlencode(pairs), content_type="application/x-www-form-urlencoded"
    )


# --- Bulk delete -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda ids: {"customerId": ids}, id="json-array"),
        pytest.param(lambda ids: {"customerId": ",".join(map(str, ids))}, id="json-comma-string"),
        pytest.param(lambda ids: {"customerId": f"[{','.join(map(str, ids))}]"}, id="bracketed"),
        pytest.param(lambda ids: {"customerId": [str(i) for i in ids]}, id="json-string-items"),
    ],
)
def test_bulk_delete_accepts_every_json_id_format(api, three, encode):
    keep, *delete = three

    response = api.post(DELETE_URL, encode([c.pk for c in delete]), format="json")

    assert response.status_code == 200, response.json()
    assert response.json() == {"status": 1, "message": "Successfully deleted customer."}
    assert alive_ids() == {keep.pk}


@pytest.mark.parametrize(
    "pairs",
    [
        pytest.param(lambda ids: [("customerId", ",".join(map(str, ids)))], id="comma"),
        pytest.param(lambda ids: [("customerId", f"[{','.join(map(str, ids))}]")], id="bracket"),
        pytest.param(lambda ids: [("customerId", i) for i in ids], id="repeated"),
    ],
)
def test_bulk_delete_accepts_urlencoded_bodies(api, three, pairs):
    keep, *delete = three

    response = form_post(api, DELETE_URL, pairs([c.pk for c in delete]))

    assert response.status_code == 200, response.json()
    assert alive_ids() == {keep.pk}


def test_bulk_delete_via_multipart_and_the_alias(api, three):
    response = api.post(
        "/api/admin-customer/delete-customer/",
        {"customerId": [three[0].pk, three[1].pk]},
        format="multipart",
    )

    assert response.status_code == 200
    assert alive_ids() == {three[2].pk}


def test_duplicate_ids_count_once(api, three):
    pk = three[0].pk

    response = api.post(DELETE_URL, {"customerId": [pk, pk, pk]}, format="json")

    assert response.status_code == 200
    assert pk not in alive_ids()


@pytest.mark.parametrize("bad", ["unknown", "deleted", "huge"])
def test_one_unknown_or_deleted_id_deletes_nothing(api, three, bad):
    extra = {
        "unknown": 999_999,
        "deleted": CustomerFactory(is_deleted=True).pk,
        "huge": 2**63 - 1,
    }[bad]
    before = db_state()

    response = api.post(
        DELETE_URL, {"customerId": [three[0].pk, extra, three[1].pk]}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "status": 0,
        "message": "Please choose a Customer that you want to delete.",
    }
    assert db_state() == before


def test_one_vendor_with_products_deletes_nothing(api, three):
    vendor = Vendor.objects.create(company_name="Acme", customer=three[1])
    Product.objects.create(name="Anvil", vendor=vendor)
    before = db_state()

    response = api.post(DELETE_URL, {"customerId": [c.pk for c in three]}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "status": 0,
        "message": "Choosen customer have vendor account, you have to first delete the products "
        "mapped to this Vendor.",
    }
    assert db_state() == before


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"customerId": []},
        {"customerId": ""},
        {"customerId": "[]"},
        {"customerId": None},
        {"customerId": "1,abc"},
        {"customerId": [1, "x"]},
        {"customerId": [1.5]},
        {"customerId": [True]},
        {"customerId": [0]},
        {"customerId": [-3]},
        {"customerId": [2**63]},
        {"customerId": [{"id": 1}]},
        {"customerId": {"id": 1}},
        {"customerId": "1\x002"},
        {"customerId": list(range(1, 10_002))},
    ],
)
def test_malformed_id_lists_are_422(api, three, payload):
    before = db_state()

    response = api.post(DELETE_URL, payload, format="json")

    assert response.status_code == 422, response.json()
    assert "customerId" in response.json()["errors"]
    assert db_state() == before


def test_bulk_delete_of_many_ids_is_a_constant_number_of_queries(
    api, group, django_assert_max_num_queries
):
    customers = CustomerFactory.create_batch(60, customer_group=group)

    # Auth + lock/select the ids + vendor check + one UPDATE + the audit event and its target
    # rows (one bulk insert) (+ savepoint bookkeeping).
    with django_assert_max_num_queries(8):
        response = api.post(DELETE_URL, {"customerId": [c.pk for c in customers]}, format="json")

    assert response.status_code == 200
    assert alive_ids() == set()


def test_bulk_delete_needs_a_token(anon, three):
    before = db_state()

    assert anon.post(DELETE_URL, {"customerId": [three[0].pk]}, format="json").status_code == 401
    assert db_state() == before


def test_bulk_delete_needs_the_delete_permission(staff_factory, three):
    _, editor = staff_factory("editor", "customers.change_customer")
    before = db_state()

    response = editor.post(DELETE_URL, {"customerId": [three[0].pk]}, format="json")

    assert response.status_code == 403
    assert db_state() == before


def test_get_on_bulk_delete_is_405(api):
    assert api.get(DELETE_URL).status_code == 405


# --- Bulk status -------------------------------------------------------------------------------
@pytest.mark.parametrize("status_value", [0, "0", False])
def test_bulk_status_sets_every_customer(api, three, superuser, status_value):
    response = api.post(
        STATUS_URL,
        {"customerIds": [c.pk for c in three[:2]], "statusId": status_value},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json() == {
        "status": 1,
        "message": "Successfully updated the bulk customer status",
    }
    states = dict(Customer.objects.values_list("pk", "is_active"))
    assert states == {three[0].pk: False, three[1].pk: False, three[2].pk: True}
    assert Customer.objects.get(pk=three[0].pk).modified_by == superuser


def test_bulk_status_accepts_urlencoded_and_the_alias(api, three):
    response = form_post(
        api,
        "/api/admin-customer/bulk-status",
        [("customerIds", f"{three[0].pk},{three[1].pk}"), ("statusId", "0")],
    )

    assert response.status_code == 200
    assert Customer.objects.filter(is_active=False).count() == 2


@pytest.mark.parametrize("bad", ["unknown", "deleted"])
def test_bulk_status_with_an_unknown_or_deleted_id_changes_nothing(api, three, bad):
    extra = 999_999 if bad == "unknown" else CustomerFactory(is_deleted=True).pk
    before = db_state()

    response = api.post(
        STATUS_URL, {"customerIds": [three[0].pk, extra], "statusId": 0}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"status": 0, "message": "Invalid customer Id."}
    assert db_state() == before


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"statusId": 1}, "customerIds"),
        ({"customerIds": [], "statusId": 1}, "customerIds"),
        ({"customerIds": "a,b", "statusId": 1}, "customerIds"),
        ({"customerIds": [1]}, "statusId"),
        ({"customerIds": [1], "statusId": 2}, "statusId"),
        ({"customerIds": [1], "statusId": "active"}, "statusId"),
    ],
)
def test_bulk_status_validation_is_422(api, three, payload, field):
    before = db_state()

    response = api.post(STATUS_URL, payload, format="json")

    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert db_state() == before


def test_bulk_status_is_a_constant_number_of_queries(api, group, django_assert_max_num_queries):
    customers = CustomerFactory.create_batch(50, customer_group=group)

    # Auth + lock + the ids whose status changes + one UPDATE + the audit event and its
    # target rows (one bulk insert).
    with django_assert_max_num_queries(8):
        response = api.post(
            STATUS_URL, {"customerIds": [c.pk for c in customers], "statusId": 0}, format="json"
        )

    assert response.status_code == 200


def test_bulk_status_needs_a_token_and_the_change_permission(anon, staff_factory, three):
    _, viewer = staff_factory("viewer", "customers.view_customer", "customers.delete_customer")
    payload = {"customerIds": [three[0].pk], "statusId": 0}
    before = db_state()

    assert anon.post(STATUS_URL, payload, format="json").status_code == 401
    assert viewer.post(STATUS_URL, payload, format="json").status_code == 403
    assert db_state() == before
