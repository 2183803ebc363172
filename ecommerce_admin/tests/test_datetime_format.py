"""One datetime format in every API answer (API.md §1): UTC, microseconds, `Z`, written in one
place (the renderer), whatever the endpoint family or TIME_ZONE."""

import datetime
import json
import re

import pytest

from analytics.tests.factories import ProductViewLogFactory
from customers.tests.factories import CustomerFactory, CustomerGroupFactory
from sales.tests.factories import OrderFactory, OrderProductFactory

pytestmark = pytest.mark.django_db

ONE_FORMAT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
LOOKS_LIKE_A_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
# A whole second (no microseconds) in a zone other than UTC: the hardest case for one format.
CREATED = datetime.datetime(2026, 11, 26, 21, 2, 25, tzinfo=datetime.UTC)


def datetimes(node) -> list[str]:
    if isinstance(node, dict):
        return [value for child in node.values() for value in datetimes(child)]
    if isinstance(node, list):
        return [value for child in node for value in datetimes(child)]
    if isinstance(node, str) and LOOKS_LIKE_A_DATETIME.match(node):
        return [node]
    return []


@pytest.fixture
def data(settings):
    settings.TIME_ZONE = "Asia/Kolkata"
    group = CustomerGroupFactory(name="Retail")
    customer = CustomerFactory(customer_group=group, created_at=CREATED, last_login=CREATED)
    OrderProductFactory(order=OrderFactory(customer=customer, created_at=CREATED))
    ProductViewLogFactory(customer=customer, created_at=CREATED)
    return group, customer


def add_body(group):
    return {
        "customerGroupId": group.pk,
        "username": "Grace",
        "email": "grace@example.com",
        "mobileNumber": "+447700900123",
        "password": "Secret-pass1",
        "confirmPassword": "Secret-pass1",
        "mailStatus": 0,
        "status": 1,
    }


CALLS = {
    "customer list": lambda api, g, c: api.get("/api/customer?limit=10"),
    "customer list (admin-customer)": lambda api, g, c: api.get("/api/admin-customer?limit=10"),
    "recent customers": lambda api, g, c: api.get("/api/customer/recent-customerlist"),
    "customer detail": lambda api, g, c: api.get(f"/api/admin-customer/customer-detail/{c.pk}"),
    "customer add": lambda api, g, c: api.post("/api/customer", add_body(g), format="json"),
    "customer update": lambda api, g, c: api.put(
        f"/api/customer/{c.pk}",
        {
            "customerGroupId": g.pk,
            "username": "Ada",
            "mobileNumber": "+447700900124",
            "mailStatus": 0,
            "status": 1,
        },
        format="json",
    ),
    "group list": lambda api, g, c: api.get("/api/customer-group?limit=10"),
    "group detail": lambda api, g, c: api.get(f"/api/customer-group/{g.pk}"),
    "group create": lambda api, g, c: api.post(
        "/api/customer-group",
        {"name": "Wholesale", "colorcode": "#123456", "status": 1},
        format="json",
    ),
    "group update": lambda api, g, c: api.put(
        f"/api/customer-group/{g.pk}",
        {"name": "Retail", "colorcode": "#654321", "status": 1},
        format="json",
    ),
    "order products": lambda api, g, c: api.get("/api/customer/order-product-list?limit=10"),
    "product views": lambda api, g, c: api.get("/api/customer/product-view-log-list?limit=10"),
}


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_every_answer_writes_datetimes_in_the_one_format(api, data, call):
    group, customer = data

    response = call(api, group, customer)

    assert response.status_code == 200, response.json()
    found = datetimes(response.json()["data"])
    assert found, "the answer should carry at least one datetime"
    assert [value for value in found if not ONE_FORMAT.match(value)] == []


def test_stored_instants_come_back_in_utc_with_microseconds(api, data):
    _, customer = data

    row = api.get(f"/api/customer?limit=10&email={customer.email}").json()["data"][0]
    detail = api.get(f"/api/admin-customer/customer-detail/{customer.pk}").json()["data"]

    assert row["createdDate"] == detail["createdDate"] == "2026-11-26T21:02:25.000000Z"
    assert detail["lastLogin"] == "2026-11-26T21:02:25.000000Z"


def test_the_schema_documents_the_format(anon):
    response = anon.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    schema = json.loads(response.content)
    row = schema["components"]["schemas"]["CustomerRow"]["properties"]["createdDate"]

    assert row["example"] == "2026-11-26T21:02:25.123456Z"
    assert "UTC" in row["description"]
    assert re.fullmatch(row["pattern"], "2026-11-26T21:02:25.123456Z")
