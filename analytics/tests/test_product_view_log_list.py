"""GET /api/customer/product-view-log-list (API.md §5)."""

import datetime as dt

import pytest

from analytics.models import ProductViewLog
from analytics.tests.factories import ProductViewLogFactory
from customers.tests.factories import CustomerFactory
from sales.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

URL = "/api/customer/product-view-log-list"


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def test_rows_newest_first_with_product_fields(api, django_assert_max_num_queries):
    customer = CustomerFactory()
    product = ProductFactory(name="Teapot", image="Img_7.png", container_name="product/")
    older = ProductViewLogFactory(
        customer=customer, product=product, created_at=at("2026-05-01T08:00:00+00:00")
    )
    same_time_a = ProductViewLogFactory(product=None, created_at=at("2026-06-01T08:00:00+00:00"))
    same_time_b = ProductViewLogFactory(created_at=at("2026-06-01T08:00:00+00:00"))

    with django_assert_max_num_queries(2):
        response = api.get(URL, {"limit": 10})

    body = response.json()
    assert response.status_code == 200
    assert body["message"] == "Successfully got product view log list"
    assert [row["id"] for row in body["data"]] == [same_time_b.id, same_time_a.id, older.id]
    assert body["data"][2] == {
        "id": older.id,
        "customerId": customer.id,
        "productId": product.id,
        "productName": "Teapot",
        "image": "Img_7.png",
        "containerName": "product/",
        "createdDate": "2026-05-01T08:00:00.000000Z",
    }
    assert body["data"][1]["productId"] is None
    assert body["data"][1]["productName"] is None
    assert body["data"][1]["image"] is None


def test_customer_filter_and_count(api):
    gone = CustomerFactory(is_deleted=True)
    ProductViewLogFactory.create_batch(2, customer=gone)
    ProductViewLogFactory()

    rows = api.get(URL, {"limit": 10, "customerId": str(gone.id)}).json()["data"]
    count = api.get(URL, {"count": "1", "customerId": gone.id}).json()
    total = api.get(URL, {"count": "TRUE"}).json()

    assert {row["customerId"] for row in rows} == {gone.id}
    assert len(rows) == 2
    assert count == {
        "status": 1,
        "message": "Successfully got the count of product view log list",
        "data": 2,
    }
    assert total["data"] == 3


def test_unknown_customer_is_an_empty_list(api):
    ProductViewLogFactory()

    response = api.get(URL, {"limit": 10, "customerId": 999999})

    assert response.status_code == 200
    assert response.json()["data"] == []


@pytest.mark.parametrize(
    "params",
    [{}, {"limit": "abc"}, {"limit": "10", "customerId": "1e3"}, {"limit": "10", "offset": "x"}],
)
def test_invalid_parameters_are_422(api, params):
    response = api.get(URL, params)

    assert response.status_code == 422
    assert response.json()["status"] == 0


def test_permissions(anon, staff_factory):
    _, without = staff_factory("orders-only", "sales.view_orderproduct")
    _, allowed = staff_factory("views", "analytics.view_productviewlog")

    assert anon.get(URL, {"limit": 1}).status_code == 401
    assert without.get(URL, {"limit": 1}).status_code == 403
    assert (
        allowed.get("/api/admin-customer/product-view-log-list/", {"limit": 1}).status_code == 200
    )
    assert ProductViewLog.objects.count() == 0
