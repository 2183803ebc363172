"""GET /api/customer/customer-visit-list (API.md §5)."""

import datetime as dt

import pytest

from analytics.models import CustomerVisit
from analytics.selectors import visits_per_day
from analytics.tests.factories import CustomerVisitFactory
from customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

URL = "/api/customer/customer-visit-list"


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def visit(when: str, *, customer=None, session_key="", ip_address=None):
    return CustomerVisitFactory(
        created_at=at(when), customer=customer, session_key=session_key, ip_address=ip_address
    )


def test_one_zero_filled_entry_per_day(api, django_assert_max_num_queries):
    alice = CustomerFactory()
    visit("2026-03-05T09:00:00+00:00", customer=alice, session_key="s1")
    visit("2026-03-05T10:00:00+00:00", customer=alice, session_key="s2")  # same visitor
    visit("2026-03-05T11:00:00+00:00", session_key="s1")  # anonymous session s1
    visit("2026-03-05T12:00:00+00:00", session_key="s1")
    visit("2026-03-05T13:00:00+00:00", ip_address="203.0.113.9")
    visit("2026-03-05T14:00:00+00:00", ip_address="203.0.113.9")
    visit("2026-03-05T15:00:00+00:00")  # nobody known: a visit, not a visitor
    visit("2026-03-31T23:59:59+00:00", customer=alice)
    visit("2026-04-01T00:00:00+00:00", customer=alice)  # next month
    visit("2026-02-28T23:59:59+00:00", customer=alice)  # previous month

    with django_assert_max_num_queries(2):  # the token's user + one grouped query
        response = api.get(URL, {"month": 3, "year": 2026})

    body = response.json()
    assert response.status_code == 200
    assert body["message"] == "Successfully got the customer visit list"
    assert len(body["data"]) == 31
    assert [entry["dayOfMonth"] for entry in body["data"]] == list(range(1, 32))
    assert body["data"][4] == {
        "dayOfMonth": 5,
        "month": 3,
        "year": 2026,
        "visitCount": 7,
        "uniqueVisitors": 3,
    }
    assert body["data"][0] == {
        "dayOfMonth": 1,
        "month": 3,
        "year": 2026,
        "visitCount": 0,
        "uniqueVisitors": 0,
    }
    assert body["data"][30]["visitCount"] == 1
    assert sum(entry["visitCount"] for entry in body["data"]) == 8


def test_customer_id_never_collides_with_a_session_key(api):
    customer = CustomerFactory()
    visit("2026-03-05T09:00:00+00:00", customer=customer)
    visit("2026-03-05T10:00:00+00:00", session_key=str(customer.id))

    day = api.get(URL, {"month": 3, "year": 2026}).json()["data"][4]

    assert day["uniqueVisitors"] == 2


def test_days_are_counted_in_time_zone(api, settings):
    settings.TIME_ZONE = "Asia/Tokyo"  # UTC+9
    # 23:30 UTC on 31 January is 08:30 on 1 February in Tokyo.
    visit("2026-01-31T23:30:00+00:00", session_key="late")
    visit("2026-01-31T14:59:59+00:00", session_key="jan")  # 23:59:59 on the 31st in Tokyo

    january = api.get(URL, {"month": 1, "year": 2026}).json()["data"]
    february = api.get(URL, {"month": 2, "year": 2026}).json()["data"]

    assert january[30]["visitCount"] == 1
    assert sum(entry["visitCount"] for entry in january) == 1
    assert february[0] == {
        "dayOfMonth": 1,
        "month": 2,
        "year": 2026,
        "visitCount": 1,
        "uniqueVisitors": 1,
    }


def test_days_are_counted_in_a_zone_behind_utc(settings):
    settings.TIME_ZONE = "America/Los_Angeles"
    visit("2026-07-01T05:00:00+00:00", session_key="a")  # 22:00 on 30 June locally

    june = visits_per_day(year=2026, month=6)
    july = visits_per_day(year=2026, month=7)

    assert june[29].visit_count == 1
    assert sum(day.visit_count for day in july) == 0


def test_leap_year_february_has_29_days(api):
    visit("2028-02-29T12:00:00+00:00", session_key="leap")

    data = api.get(URL, {"month": "2", "year": "2028"}).json()["data"]

    assert len(data) == 29
    assert data[28]["visitCount"] == 1
    assert len(api.get(URL, {"month": 2, "year": 2027}).json()["data"]) == 28


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"year": "2026"}, "month"),
        ({"month": "3"}, "year"),
        ({"month": "0", "year": "2026"}, "month"),
        ({"month": "13", "year": "2026"}, "month"),
        ({"month": "3", "year": "1999"}, "year"),
        ({"month": "3", "year": "2101"}, "year"),
        ({"month": "+3", "year": "2026"}, "month"),
        ({"month": "3", "year": "20x6"}, "year"),
    ],
)
def test_invalid_parameters_are_422(api, params, field):
    response = api.get(URL, params)

    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]


def test_permissions(anon, staff_factory):
    _, without = staff_factory("no-visits", "analytics.view_productviewlog")
    _, allowed = staff_factory("visits", "analytics.view_customervisit")
    params = {"month": 1, "year": 2026}

    assert anon.get(URL, params).status_code == 401
    assert without.get(URL, params).status_code == 403
    assert allowed.get("/api/admin-customer/customer-visit-list/", params).status_code == 200
    assert CustomerVisit.objects.count() == 0
