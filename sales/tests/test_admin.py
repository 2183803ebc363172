"""Admin smoke tests: the read-only sales and analytics pages render with data."""

import pytest
from django.test import Client

from analytics.tests.factories import CustomerVisitFactory, ProductViewLogFactory
from sales.tests.factories import OrderProductFactory

pytestmark = pytest.mark.django_db

PAGES = [
    "sales/vendor",
    "sales/product",
    "sales/order",
    "sales/orderproduct",
    "analytics/customervisit",
    "analytics/productviewlog",
]


@pytest.fixture
def admin_client(superuser) -> Client:
    client = Client()
    client.force_login(superuser)
    return client


@pytest.mark.parametrize("page", PAGES)
def test_changelist_and_detail_render(admin_client, page, django_assert_max_num_queries):
    line = OrderProductFactory()
    view = ProductViewLogFactory(product=line.product)
    visit = CustomerVisitFactory()
    ids = {
        "sales/vendor": line.product.vendor_id,
        "sales/product": line.product_id,
        "sales/order": line.order_id,
        "sales/orderproduct": line.id,
        "analytics/customervisit": visit.id,
        "analytics/productviewlog": view.id,
    }

    with django_assert_max_num_queries(12):
        listing = admin_client.get(f"/admin/{page}/")
    detail = admin_client.get(f"/admin/{page}/{ids[page]}/change/")

    assert listing.status_code == 200
    assert detail.status_code == 200


@pytest.mark.parametrize("page", PAGES)
def test_pages_are_read_only(admin_client, page):
    assert admin_client.get(f"/admin/{page}/add/").status_code == 403
