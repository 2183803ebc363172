"""GET /api/customer/order-product-list (API.md §5)."""

import datetime as dt
from decimal import Decimal

import pytest

from customers.tests.factories import CustomerFactory
from sales.models import OrderProduct
from sales.tests.factories import OrderFactory, OrderProductFactory, ProductFactory

pytestmark = pytest.mark.django_db

URL = "/api/customer/order-product-list"
UTC = dt.UTC


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def test_rows_are_joined_and_newest_order_first(api, django_assert_max_num_queries):
    alice, bob = CustomerFactory(), CustomerFactory()
    old = OrderFactory(customer=alice, created_at=at("2026-01-01T10:00:00+00:00"))
    new = OrderFactory(customer=bob, created_at=at("2026-02-01T10:00:00+00:00"))
    product = ProductFactory(image="Img_1.jpg", container_name="product/", price=Decimal("19.90"))
    first = OrderProductFactory(order=old, product=product, name="Mug (old name)", quantity=3)
    second = OrderProductFactory(order=new, product=product, quantity=1, price=Decimal("5"))
    third = OrderProductFactory(order=new, product=None, name="Deleted lamp", price=Decimal("7.5"))

    with django_assert_max_num_queries(2):  # the token's user + one joined query
        response = api.get(URL, {"limit": 10})

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == 1
    assert body["message"] == "Successfully got order product list"
    assert [row["orderProductId"] for row in body["data"]] == [third.id, second.id, first.id]
    assert body["data"][2] == {
        "orderProductId": first.id,
        "orderId": old.id,
        "customerId": alice.id,
        "email": alice.email,
        "productId": product.id,
        "productName": "Mug (old name)",
        "quantity": 3,
        "price": "19.90",
        "total": "59.70",
        "image": "Img_1.jpg",
        "containerName": "product/",
        "createdDate": "2026-01-01T10:00:00.000000Z",
    }
    assert body["data"][0]["productId"] is None
    assert body["data"][0]["image"] is None
    assert body["data"][0]["containerName"] is None
    assert body["data"][0]["price"] == "7.50"
    assert body["data"][1]["total"] == "5.00"


def test_empty_image_is_null(api):
    OrderProductFactory(product=ProductFactory(image="", container_name=""))

    row = api.get(URL, {"limit": 1}).json()["data"][0]

    assert row["image"] is None
    assert row["containerName"] is None


def test_customer_filter_includes_deleted_customers(api):
    kept = CustomerFactory(is_deleted=True, deleted_at=at("2026-03-01T00:00:00+00:00"))
    mine = OrderProductFactory(order=OrderFactory(customer=kept))
    OrderProductFactory()

    response = api.get(URL, {"limit": 10, "customerId": kept.id})

    assert [row["orderProductId"] for row in response.json()["data"]] == [mine.id]


def test_limit_offset_and_stable_order(api):
    order = OrderFactory()
    lines = [OrderProductFactory(order=order) for _ in range(5)]

    data = api.get(URL, {"limit": 2, "offset": 1}).json()["data"]

    assert [row["orderProductId"] for row in data] == [lines[3].id, lines[2].id]


def test_count(api, django_assert_max_num_queries):
    customer = CustomerFactory()
    OrderProductFactory.create_batch(3, order=OrderFactory(customer=customer))
    OrderProductFactory()

    with django_assert_max_num_queries(2):
        everyone = api.get(URL, {"count": 1, "limit": "junk"}).json()
    mine = api.get(URL, {"count": "true", "customerId": customer.id}).json()

    assert everyone == {
        "status": 1,
        "message": "Successfully got the count of order product count",
        "data": 4,
    }
    assert mine["data"] == 3


def test_head_is_served_with_the_get_permission(staff_factory):
    _, allowed = staff_factory("seller", "sales.view_orderproduct")

    assert allowed.head(URL, {"limit": 1}).status_code == 200


def test_admin_customer_alias_and_trailing_slash(api):
    OrderProductFactory()

    for path in ["/api/admin-customer/order-product-list", "/api/customer/order-product-list/"]:
        response = api.get(path, {"limit": 5})
        assert response.status_code == 200
        assert len(response.json()["data"]) == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"limit": "1001"}, "limit"),
        ({"limit": "1.5"}, "limit"),
        ({"limit": "10", "offset": "-1"}, "offset"),
        ({"limit": "10", "customerId": "abc"}, "customerId"),
        ({"limit": "10", "customerId": "-3"}, "customerId"),
        ({"limit": "10", "customerId": ""}, "customerId"),
        ({"limit": "10", "customerId": "99999999999999999999"}, "customerId"),
        ({"count": "yes"}, "count"),
    ],
)
def test_invalid_parameters_are_422(api, params, field):
    response = api.get(URL, params)

    assert response.status_code == 422
    assert response.json()["status"] == 0
    assert field in response.json()["errors"]


def test_permissions(anon, staff_factory):
    OrderProductFactory()
    _, without = staff_factory("nobody", "analytics.view_productviewlog")
    _, allowed = staff_factory("seller", "sales.view_orderproduct")

    assert anon.get(URL, {"limit": 1}).status_code == 401
    denied = without.get(URL, {"limit": 1})
    assert denied.status_code == 403
    assert denied.json() == {
        "status": 0,
        "message": "You do not have permission to perform this action.",
    }
    assert allowed.get(URL, {"limit": 1}).status_code == 200
    assert OrderProduct.objects.count() == 1


def test_page_of_many_lines_is_one_query(api, django_assert_max_num_queries):
    products = ProductFactory.create_batch(3)
    for index in range(30):
        OrderProductFactory(product=products[index % 3] if index % 4 else None)

    with django_assert_max_num_queries(2):
        response = api.get(URL, {"limit": 1000})

    assert len(response.json()["data"]) == 30
