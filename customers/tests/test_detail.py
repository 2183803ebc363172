"""GET /api/admin-customer/customer-detail/{id} and /api/customer/customer-detail/{id} (§3.3)."""

import pytest

from customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

PATHS = ["/api/admin-customer/customer-detail/{}", "/api/customer/customer-detail/{}/"]


@pytest.mark.parametrize("path", PATHS)
def test_detail_returns_the_full_customer_object(api, customer, path, superuser):
    customer.created_by = superuser
    customer.save()

    response = api.get(path.format(customer.pk))

    assert response.status_code == 200
    payload = response.json()
    assert payload["message"] == "successfully got Customer details."
    data = payload["data"]
    assert data["id"] == customer.pk
    assert data["firstName"] == "Ada"
    assert data["lastName"] == "Lovelace"
    assert data["customerGroupName"] == "Retail"
    assert data["customerGroupId"] == customer.customer_group_id
    assert data["isActive"] == 1
    assert data["deleteFlag"] == 0
    assert data["mailStatus"] == 0
    assert data["createdBy"] == superuser.pk
    assert data["address"] is None
    assert data["lastLogin"] is None
    for secret in ("password", "forgetPasswordKey", "linkExpires", "oauthData"):
        assert secret not in data
    assert customer.password not in response.content.decode()


def test_detail_of_a_customer_without_group_names_no_group(api, group):
    lonely = CustomerFactory(customer_group=None)

    data = api.get(PATHS[0].format(lonely.pk)).json()["data"]

    assert data["customerGroupName"] == ""
    assert data["customerGroupId"] is None


@pytest.mark.parametrize("customer_id", ["999999", str(2**63), str(10**30)])
def test_unknown_ids_are_400(api, customer, customer_id):
    response = api.get(PATHS[0].format(customer_id))

    assert response.status_code == 400
    assert response.json() == {"status": 0, "message": "invalid CustomerId"}


def test_a_deleted_customer_is_not_found(api, group):
    gone = CustomerFactory(is_deleted=True)

    response = api.get(PATHS[0].format(gone.pk))

    assert response.status_code == 400
    assert response.json()["message"] == "invalid CustomerId"


@pytest.mark.parametrize("tail", ["abc", "-1", "1.5", "1e3"])
def test_non_digit_ids_are_not_routed(api, tail):
    response = api.get(f"/api/admin-customer/customer-detail/{tail}")

    assert response.status_code == 404
    assert response.json() == {"status": 0, "message": "Not found."}


def test_detail_needs_a_token(anon, customer):
    assert anon.get(PATHS[0].format(customer.pk)).status_code == 401


def test_detail_needs_the_view_permission(staff_factory, customer):
    _, other = staff_factory("other", "customers.change_customer")
    _, viewer = staff_factory("viewer", "customers.view_customer")

    assert other.get(PATHS[0].format(customer.pk)).status_code == 403
    assert viewer.get(PATHS[0].format(customer.pk)).status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_wrong_method_on_detail_is_405(api, customer, method):
    response = getattr(api, method)(PATHS[0].format(customer.pk))

    assert response.status_code == 405
