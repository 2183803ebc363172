"""Sales and analytics admin pages are read-only and filterable; permissions gate every action."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from analytics.models import CustomerVisit
from analytics.tests.factories import CustomerVisitFactory
from conftest import make_staff
from customers.admin import actions as customer_admin
from customers.models import Customer
from customers.tests.factories import CustomerFactory
from sales.models import Order, Product
from sales.tests.factories import OrderFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(superuser) -> Client:
    client = Client()
    client.force_login(superuser)
    return client


def listed(response) -> list[int]:
    return sorted(row.pk for row in response.context["cl"].result_list)


@pytest.mark.parametrize(
    "name", ["sales_order", "sales_orderproduct", "sales_product", "sales_vendor"]
)
def test_sales_pages_cannot_add_change_or_delete(admin, name):
    order = OrderFactory()
    ProductFactory()
    model_pk = {
        "sales_order": order.pk,
        "sales_orderproduct": None,
        "sales_product": Product.objects.first().pk,
        "sales_vendor": Product.objects.first().vendor_id,
    }[name]

    assert admin.get(reverse(f"admin:{name}_add")).status_code == 403
    if model_pk is not None:
        before = list(Order.objects.values_list()), list(Product.objects.values_list())
        change = admin.post(reverse(f"admin:{name}_change", args=[model_pk]), {"email": "x@y.z"})
        delete = admin.post(reverse(f"admin:{name}_delete", args=[model_pk]), {"post": "yes"})
        assert change.status_code == 403
        assert delete.status_code == 403
        assert (list(Order.objects.values_list()), list(Product.objects.values_list())) == before


def test_order_list_filters_by_created_range_and_payment(admin):
    recent = OrderFactory(is_paid=True)
    OrderFactory(is_paid=False)
    OrderFactory(is_paid=True, created_at=timezone.now() - dt.timedelta(days=40))
    url = reverse("admin:sales_order_changelist")

    response = admin.get(url, {"created": "30d", "is_paid__exact": "1"})

    assert listed(response) == [recent.pk]
    assert response.context["cl"].full_result_count is None


def test_product_stock_filter(admin):
    empty = ProductFactory(quantity=0)
    stocked = ProductFactory(quantity=3)
    url = reverse("admin:sales_product_changelist")

    assert listed(admin.get(url, {"stock": "out"})) == [empty.pk]
    assert listed(admin.get(url, {"stock": "in"})) == [stocked.pk]


def test_visit_list_separates_known_and_anonymous_visitors(admin):
    known = CustomerVisitFactory()
    anonymous = CustomerVisitFactory(customer=None)
    url = reverse("admin:analytics_customervisit_changelist")

    assert listed(admin.get(url, {"visitor": "customer"})) == [known.pk]
    assert listed(admin.get(url, {"visitor": "anonymous"})) == [anonymous.pk]
    assert CustomerVisit.objects.count() == 2


def test_view_only_staff_sees_no_write_actions_and_cannot_post_them(db):
    customer = CustomerFactory()
    user = make_staff("viewer", "customers.view_customer")
    client = Client()
    client.force_login(user)
    url = reverse("admin:customers_customer_changelist")
    before = list(Customer.objects.values_list())

    page = client.get(url)
    posted = client.post(url, {"action": "deactivate", "_selected_action": [str(customer.pk)]})

    assert page.status_code == 200
    assert "action_form" not in page.context or page.context["action_form"] is None
    assert posted.status_code in (200, 302, 403)
    assert list(Customer.objects.values_list()) == before


def test_actions_refuse_more_than_the_bulk_cap(admin, monkeypatch):
    monkeypatch.setattr(customer_admin, "MAX_IDS", 2)
    customers = CustomerFactory.create_batch(3)
    before = list(Customer.objects.values_list())

    response = admin.post(
        reverse("admin:customers_customer_changelist"),
        {"action": "deactivate", "_selected_action": [str(c.pk) for c in customers]},
        follow=True,
    )

    messages = [m.message for m in response.context["messages"]]
    assert "Select at most 2 customers for this action." in messages
    assert list(Customer.objects.values_list()) == before
