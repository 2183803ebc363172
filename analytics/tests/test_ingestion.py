"""POST /api/analytics/visits and /api/analytics/product-views (API.md §6.2)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from analytics.models import CustomerVisit, ProductViewLog
from customers.tests.factories import CustomerFactory
from sales.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

VISITS = "/api/analytics/visits"
VIEWS = "/api/analytics/product-views"


def test_one_visit(api):
    customer = CustomerFactory()

    response = api.post(
        VISITS,
        {
            "customerId": customer.id,
            "sessionKey": "abc",
            "ipAddress": "203.0.113.5",
            "userAgent": "Mozilla/5.0",
            "occurredAt": "2026-03-05T09:00:00+01:00",
        },
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == 1
    assert body["message"] == "Event recorded"
    saved = CustomerVisit.objects.get()
    assert body["data"] == {"id": saved.id}
    assert saved.customer_id == customer.id
    assert saved.session_key == "abc"
    assert saved.ip_address == "203.0.113.5"
    assert saved.created_at == dt.datetime(2026, 3, 5, 8, 0, tzinfo=dt.UTC)


def test_anonymous_visit_from_a_form_defaults_to_now(api):
    before = timezone.now()

    response = api.post(VISITS, {"sessionKey": "s-1", "userAgent": "x" * 600})

    assert response.status_code == 201
    saved = CustomerVisit.objects.get()
    assert saved.customer_id is None
    assert saved.ip_address is None
    assert len(saved.user_agent) == 512
    assert before <= saved.created_at <= timezone.now()


def test_bulk_visits_are_one_insert_and_one_customer_query(api):
    customers = CustomerFactory.create_batch(3)
    events = [
        {"customerId": customers[index % 3].id, "sessionKey": f"s{index}"} for index in range(1000)
    ]

    with CaptureQueriesContext(connection) as queries:
        response = api.post(VISITS, events, format="json")

    assert response.status_code == 201
    assert response.json() == {"status": 1, "message": "Events recorded", "data": {"created": 1000}}
    assert CustomerVisit.objects.count() == 1000
    customer_queries = [q for q in queries if "customers_customer" in q["sql"]]
    assert len(customer_queries) == 1
    # SQLite splits one bulk_create into batches of 999 parameters; PostgreSQL sends one INSERT.
    inserts = [q for q in queries if q["sql"].startswith("INSERT")]
    assert len(inserts) <= 6


def test_bulk_product_views(api):
    customer = CustomerFactory()
    products = ProductFactory.create_batch(2)
    events = [
        {"customerId": customer.id, "productId": products[0].id},
        {"customerId": str(customer.id), "productId": str(products[1].id)},
    ]

    response = api.post(VIEWS, events, format="json")

    assert response.status_code == 201
    assert response.json()["data"] == {"created": 2}
    assert set(ProductViewLog.objects.values_list("product_id", flat=True)) == {
        products[0].id,
        products[1].id,
    }


def test_bulk_product_views_check_ids_in_one_query_each(api):
    customers = CustomerFactory.create_batch(4)
    products = ProductFactory.create_batch(5)
    events = [
        {"customerId": customers[i % 4].id, "productId": products[i % 5].id} for i in range(500)
    ]

    with CaptureQueriesContext(connection) as queries:
        response = api.post(VIEWS, events, format="json")

    assert response.status_code == 201
    assert response.json()["data"] == {"created": 500}
    selects = [q["sql"] for q in queries if q["sql"].startswith("SELECT")]
    assert len([sql for sql in selects if "customers_customer" in sql]) == 1
    assert len([sql for sql in selects if "sales_product" in sql]) == 1


def test_one_product_view(api):
    customer, product = CustomerFactory(), ProductFactory()

    response = api.post(VIEWS, {"customerId": customer.id, "productId": product.id}, format="json")

    assert response.status_code == 201
    assert response.json()["message"] == "Event recorded"
    assert response.json()["data"] == {"id": ProductViewLog.objects.get().id}


@pytest.mark.parametrize("deleted", [False, True])
def test_one_unknown_customer_in_a_bulk_inserts_nothing(api, deleted):
    good = CustomerFactory()
    bad = CustomerFactory(is_deleted=True).id if deleted else 999999
    events = [{"customerId": good.id}] * 5 + [{"customerId": bad}]

    response = api.post(VISITS, events, format="json")

    assert response.status_code == 400
    assert response.json() == {"status": 0, "message": "Invalid customer Id."}
    assert CustomerVisit.objects.count() == 0


def test_unknown_product_inserts_nothing(api):
    customer, product = CustomerFactory(), ProductFactory()
    events = [
        {"customerId": customer.id, "productId": product.id},
        {"customerId": customer.id, "productId": 999999},
    ]

    response = api.post(VIEWS, events, format="json")

    assert response.status_code == 400
    assert response.json() == {"status": 0, "message": "Invalid product Id."}
    assert ProductViewLog.objects.count() == 0


def test_unknown_customer_and_product_gives_the_customer_message(api):
    response = api.post(VIEWS, {"customerId": 999998, "productId": 999999}, format="json")

    assert response.status_code == 400
    assert response.json()["message"] == "Invalid customer Id."
    assert ProductViewLog.objects.count() == 0


def test_more_than_1000_events_is_422(api):
    customer = CustomerFactory()

    response = api.post(VISITS, [{"customerId": customer.id}] * 1001, format="json")

    assert response.status_code == 422
    assert response.json()["message"] == "At most 1000 events are allowed per request."
    assert CustomerVisit.objects.count() == 0


def test_future_event_is_422_but_five_minutes_ahead_is_fine(api):
    customer = CustomerFactory()
    soon = (timezone.now() + dt.timedelta(minutes=4)).isoformat()
    late = (timezone.now() + dt.timedelta(minutes=6)).isoformat()

    refused = api.post(VISITS, {"customerId": customer.id, "occurredAt": late}, format="json")
    accepted = api.post(VISITS, {"customerId": customer.id, "occurredAt": soon}, format="json")

    assert refused.status_code == 422
    assert refused.json()["errors"] == {
        "occurredAt": ["Must not be more than 5 minutes in the future."]
    }
    assert accepted.status_code == 201
    assert CustomerVisit.objects.count() == 1


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        (VISITS, {"customerId": "abc"}, "customerId"),
        (VISITS, {"customerId": -1}, "customerId"),
        (VISITS, {"customerId": 2**63}, "customerId"),
        (VISITS, {"customerId": True}, "customerId"),
        (VISITS, {"ipAddress": "999.1.1.1"}, "ipAddress"),
        (VISITS, {"sessionKey": "k" * 65}, "sessionKey"),
        (VISITS, {"sessionKey": "a\x00b"}, "sessionKey"),
        (VISITS, {"occurredAt": "yesterday"}, "occurredAt"),
        (VIEWS, {"productId": 1}, "customerId"),
        (VIEWS, {"customerId": 1}, "productId"),
        (VIEWS, [{"customerId": 1, "productId": 1}, {"customerId": 1}], "[1].productId"),
        (VIEWS, [{"customerId": 1, "productId": 1}, "junk"], "[1]"),
        (VIEWS, [], "non_field_errors"),
        (VIEWS, "just text", "non_field_errors"),
        (VIEWS, 42, "non_field_errors"),
    ],
)
def test_malformed_events_are_422(api, url, body, field):
    response = api.post(url, body, format="json")

    assert response.status_code == 422
    assert response.json()["status"] == 0
    assert field in response.json()["errors"]
    assert CustomerVisit.objects.count() == 0
    assert ProductViewLog.objects.count() == 0


def test_malformed_json_is_422_or_400_never_500(api):
    response = api.generic("POST", VISITS, "[{", content_type="application/json")

    assert response.status_code in {400, 422}
    assert response.json()["status"] == 0


def test_permissions(anon, staff_factory):
    customer, product = CustomerFactory(), ProductFactory()
    _, reader = staff_factory("reader", "analytics.view_customervisit")
    _, visits_only = staff_factory("visits-writer", "analytics.add_customervisit")
    _, views_only = staff_factory("views-writer", "analytics.add_productviewlog")
    view = {"customerId": customer.id, "productId": product.id}

    assert anon.post(VISITS, {}, format="json").status_code == 401
    assert reader.post(VISITS, {}, format="json").status_code == 403
    assert views_only.post(VISITS, {}, format="json").status_code == 403
    assert visits_only.post(VIEWS, view, format="json").status_code == 403
    assert CustomerVisit.objects.count() == ProductViewLog.objects.count() == 0
    assert visits_only.post(VISITS, {}, format="json").status_code == 201
    assert views_only.post(VIEWS, view, format="json").status_code == 201


def test_get_is_405(api):
    response = api.get(VISITS)

    assert response.status_code == 405
    assert response.json()["status"] == 0


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", VIEWS),
        ("put", VISITS),
        ("post", "/api/customer/order-product-list"),
        ("delete", "/api/customer/customer-visit-list"),
    ],
)
def test_wrong_method_is_405_even_without_token(anon, method, path):
    response = getattr(anon, method)(path)

    assert response.status_code == 405
    assert response.json() == {"status": 0, "message": f'Method "{method.upper()}" not allowed.'}
