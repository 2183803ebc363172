"""`emailId` on the customer view page's lists (API.md §9.4)."""

import pytest

from analytics.tests.factories import ProductViewLogFactory
from customers.tests.factories import CustomerFactory
from sales.tests.factories import OrderFactory, OrderProductFactory

ORDERS = "/api/admin-customer/order-product-list"
VIEWS = "/api/customer/product-view-log-list"


@pytest.fixture
def history(db):
    ada = CustomerFactory(email="ada@example.com")
    bob = CustomerFactory(email="bob@example.com")
    own = OrderProductFactory(order=OrderFactory(customer=ada))
    guest = OrderProductFactory(order=OrderFactory(customer=None, email="  ADA@Example.com "))
    OrderProductFactory(order=OrderFactory(customer=bob))
    OrderProductFactory(order=OrderFactory(customer=None, email="ada@example.com.evil"))
    ada_view = ProductViewLogFactory(customer=ada)
    ProductViewLogFactory(customer=bob)
    return {"ada": ada, "bob": bob, "own": own, "guest": guest, "ada_view": ada_view}


def ids(response, key):
    assert response.status_code == 200
    return sorted(row[key] for row in response.json()["data"])


def test_order_lines_by_the_orders_email(api, history):
    lines = api.get(ORDERS, {"limit": 10, "offset": 0, "count": 0, "emailId": " Ada@example.com"})
    count = api.get(ORDERS, {"limit": 10, "offset": 0, "count": 1, "emailId": "ada@example.com"})

    assert ids(lines, "orderProductId") == sorted([history["own"].pk, history["guest"].pk])
    assert count.json()["data"] == 2


def test_views_by_the_customers_email_deleted_customers_included(api, history):
    history["ada"].is_deleted = True
    history["ada"].save()

    views = api.get(VIEWS, {"limit": 10, "emailId": "ADA@example.com"})

    assert ids(views, "id") == [history["ada_view"].pk]


def test_email_and_customer_id_combine_and_empty_means_no_filter(api, history):
    both = api.get(
        ORDERS, {"limit": 10, "emailId": "ada@example.com", "customerId": history["bob"].pk}
    )
    empty = api.get(f"{ORDERS}?limit=10&emailId=")
    nobody = api.get(VIEWS, {"count": "true", "emailId": "nobody@example.com"})

    assert both.json()["data"] == []
    assert len(empty.json()["data"]) == 4
    assert nobody.json()["data"] == 0


def test_a_bad_email_is_422_with_data_message(api, history):
    response = api.get(VIEWS, {"limit": 10, "emailId": "a\x00b"})

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["emailId"]
    assert response.json()["data"] == {"message": response.json()["message"]}
