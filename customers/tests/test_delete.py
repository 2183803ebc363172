"""DELETE /api/customer/{id} (API.md §3.6): soft delete, history kept, vendor rule."""

import pytest

from analytics.models import CustomerVisit
from customers.models import Customer
from customers.tests.conftest import db_state
from customers.tests.factories import CustomerFactory
from sales.models import Order, Product, Vendor

pytestmark = pytest.mark.django_db


def url(pk) -> str:
    return f"/api/customer/{pk}"


@pytest.mark.parametrize("path", ["/api/customer/{}", "/api/admin-customer/{}/"])
def test_delete_soft_deletes_and_keeps_the_history(api, customer, superuser, path):
    order = Order.objects.create(customer=customer, email=customer.email)
    visit = CustomerVisit.objects.create(customer=customer, session_key="s1")

    response = api.delete(path.format(customer.pk))

    assert response.status_code == 200
    assert response.json() == {"status": 1, "message": "Customer Deleted Successfully"}
    customer.refresh_from_db()
    assert customer.is_deleted is True
    assert customer.deleted_at is not None
    assert customer.modified_by == superuser
    assert Order.objects.get(pk=order.pk).customer_id == customer.pk
    assert CustomerVisit.objects.get(pk=visit.pk).customer_id == customer.pk


def test_a_deleted_customer_is_invisible_everywhere(api, customer):
    api.delete(url(customer.pk))

    assert api.get("/api/customer", {"limit": 10}).json()["data"] == []
    assert api.get("/api/customer", {"count": 1}).json()["data"] == 0
    assert api.get(f"/api/admin-customer/customer-detail/{customer.pk}").status_code == 400
    assert api.get("/api/customer/recent-customerlist").json()["data"] == []
    assert api.get("/api/customer/customer-count").json()["data"]["totalCustomer"] == 0
    assert api.get("/api/customer/today-customercount").json()["data"]["customerCount"] == 0
    again = api.delete(url(customer.pk))
    assert again.status_code == 400
    assert again.json() == {"status": 0, "message": "Invalid customer Id."}


@pytest.mark.parametrize("pk", [999_999, 2**63, 10**40])
def test_unknown_customer_is_400(api, customer, pk):
    before = db_state()

    response = api.delete(url(pk))

    assert response.status_code == 400
    assert response.json() == {"status": 0, "message": "Invalid customer Id."}
    assert db_state() == before


def test_a_vendor_with_products_cannot_be_deleted(api, customer):
    vendor = Vendor.objects.create(company_name="Acme", customer=customer)
    Product.objects.create(name="Anvil", vendor=vendor)
    before = db_state()

    response = api.delete(url(customer.pk))

    assert response.status_code == 400
    assert response.json() == {
        "status": 0,
        "message": "This customer have vendor account, you have to first delete the products "
        "mapped to this Vendor.",
    }
    assert db_state() == before


def test_a_vendor_without_products_can_be_deleted(api, customer):
    Vendor.objects.create(company_name="Acme", customer=customer)
    other_vendor = Vendor.objects.create(company_name="Other", customer=CustomerFactory())
    Product.objects.create(name="Anvil", vendor=other_vendor)

    response = api.delete(url(customer.pk))

    assert response.status_code == 200
    assert Customer.objects.get(pk=customer.pk).is_deleted


def test_delete_needs_a_token(anon, customer):
    assert anon.delete(url(customer.pk)).status_code == 401
    assert not Customer.objects.get(pk=customer.pk).is_deleted


def test_delete_needs_the_delete_permission(staff_factory, customer):
    _, editor = staff_factory("editor", "customers.change_customer", "customers.view_customer")
    _, deleter = staff_factory("deleter", "customers.delete_customer")

    assert editor.delete(url(customer.pk)).status_code == 403
    assert not Customer.objects.get(pk=customer.pk).is_deleted
    assert deleter.delete(url(customer.pk)).status_code == 200
