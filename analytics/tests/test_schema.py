"""The analytics routes are described in the OpenAPI schema, and the documented row shapes are
the ones the views send."""

import pytest

from analytics import serializers as out
from analytics.tests.factories import ProductViewLogFactory
from sales.tests.factories import OrderProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(anon):
    response = anon.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize(
    ("path", "method", "parameters"),
    [
        (
            "/customer/order-product-list/",
            "get",
            {"limit", "offset", "count", "customerId", "emailId"},
        ),
        (
            "/admin-customer/order-product-list/",
            "get",
            {"limit", "offset", "count", "customerId", "emailId"},
        ),
        (
            "/customer/product-view-log-list/",
            "get",
            {"limit", "offset", "count", "customerId", "emailId"},
        ),
        ("/customer/vendor-graph-list/", "get", {"vendorId", "duration"}),
        ("/admin-customer/vendor-graph-list/", "get", {"vendorId", "duration"}),
        ("/customer/customer-visit-list/", "get", {"month", "year"}),
        ("/analytics/visits/", "post", set()),
        ("/analytics/product-views/", "post", set()),
    ],
)
def test_routes_are_documented(schema, path, method, parameters):
    operation = schema["paths"][f"/api{path}"][method]

    assert {parameter["name"] for parameter in operation.get("parameters", [])} == parameters
    success = "201" if method == "post" else "200"
    envelope = operation["responses"][success]["content"]["application/json"]["schema"]
    assert set(envelope["properties"]) == {"status", "message", "data"}
    assert {"400", "401", "403", "422"} <= set(operation["responses"])


def test_ingestion_body_is_one_event_or_an_array(schema):
    body = schema["components"]["schemas"]["ProductViewEventBodyRequest"]

    assert body["oneOf"][0] == {"$ref": "#/components/schemas/ProductViewEventRequest"}
    assert body["oneOf"][1]["type"] == "array"
    assert set(schema["components"]["schemas"]["ProductViewEventRequest"]["required"]) == {
        "customerId",
        "productId",
    }


def test_list_data_is_rows_or_a_count(schema):
    data = schema["components"]["schemas"]["OrderProductListData"]

    assert data["oneOf"][0]["items"] == {"$ref": "#/components/schemas/OrderProductRow"}
    assert schema["components"]["schemas"]["Count"]["type"] == "integer"


def test_documented_rows_match_the_rows_sent(api):
    OrderProductFactory()
    ProductViewLogFactory()

    order_row = api.get("/api/customer/order-product-list", {"limit": 1}).json()["data"][0]
    view_row = api.get("/api/customer/product-view-log-list", {"limit": 1}).json()["data"][0]

    assert list(order_row) == list(out.OrderProductRowSerializer().fields)
    assert list(view_row) == list(out.ProductViewRowSerializer().fields)


def test_documented_figures_match_the_figures_sent(api):
    vendor_id = OrderProductFactory().product.vendor_id

    figures = api.get("/api/customer/vendor-graph-list", {"vendorId": vendor_id, "duration": 4})
    days = api.get("/api/customer/customer-visit-list", {"month": 1, "year": 2026})

    assert list(figures.json()["data"]) == list(out.VendorGraphSerializer().fields)
    assert list(days.json()["data"][0]) == list(out.VisitDaySerializer().fields)
