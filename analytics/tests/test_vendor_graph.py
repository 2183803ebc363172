"""GET /api/customer/vendor-graph-list (API.md §5)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from analytics.selectors import Period, period_bounds
from sales.models import OrderProduct, Vendor
from sales.tests.factories import OrderFactory, OrderProductFactory, ProductFactory, VendorFactory

pytestmark = pytest.mark.django_db

URL = "/api/customer/vendor-graph-list"


def test_figures_for_this_year(api, django_assert_max_num_queries):
    vendor = VendorFactory(company_name="Acme")
    other = VendorFactory()
    now = timezone.now()
    last_year = now.replace(year=now.year - 1)
    ProductFactory(vendor=vendor, is_approved=True, quantity=0)
    ProductFactory(vendor=vendor, is_approved=True, quantity=0)
    in_stock = ProductFactory(vendor=vendor, is_approved=True, quantity=4)
    ProductFactory(vendor=vendor, is_approved=False, quantity=0)  # counted, but not approved
    ProductFactory(vendor=vendor, is_approved=True, quantity=0, created_at=last_year)
    ProductFactory(vendor=other, quantity=0)
    paid = OrderFactory(is_paid=True)
    OrderProductFactory(order=paid, product=in_stock, quantity=3, status="delivered")
    OrderProductFactory(order=paid, product=in_stock, quantity=2, status="shipped")
    OrderProductFactory(order=OrderFactory(is_paid=False), product=in_stock, quantity=50)
    old_paid = OrderFactory(is_paid=True, created_at=last_year)
    OrderProductFactory(order=old_paid, product=in_stock, quantity=70, status="delivered")
    OrderProductFactory(order=paid, product=ProductFactory(vendor=other), quantity=9)

    with django_assert_max_num_queries(3):  # the token's user + two aggregate queries
        response = api.get(URL, {"vendorId": vendor.id, "duration": 4})

    assert response.status_code == 200
    assert response.json() == {
        "status": 1,
        "message": "Successfully got the vendor graph list",
        "data": {
            "vendorId": vendor.id,
            "companyName": "Acme",
            "productCount": 4,
            "productSoldCount": 5,
            "deliveryCount": 1,
            "outOfStockCount": 2,
            "pendingStockCount": 1,
        },
    }


def test_vendor_without_anything_has_zero_figures(api):
    vendor = VendorFactory()

    data = api.get(URL, {"vendorId": vendor.id, "duration": "1"}).json()["data"]

    assert data["productCount"] == data["productSoldCount"] == data["deliveryCount"] == 0
    assert data["outOfStockCount"] == data["pendingStockCount"] == 0


def test_vendor_zero_is_empty_data(api):
    response = api.get(URL, {"vendorId": "0", "duration": "2"})

    assert response.status_code == 200
    assert response.json() == {
        "status": 1,
        "message": "Successfully got the vendor graph list",
        "data": {},
    }


@pytest.mark.parametrize("vendor_id", ["987654", str(2**63 - 1)])
def test_unknown_vendor_is_400(api, vendor_id):
    response = api.get(
        "/api/admin-customer/vendor-graph-list", {"vendorId": vendor_id, "duration": 3}
    )

    assert response.status_code == 400
    assert response.json() == {"status": 0, "message": "Invalid Vendor."}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"duration": "1"}, "vendorId"),
        ({"vendorId": "1"}, "duration"),
        ({"vendorId": "-1", "duration": "1"}, "vendorId"),
        ({"vendorId": "x", "duration": "1"}, "vendorId"),
        ({"vendorId": "1", "duration": "0"}, "duration"),
        ({"vendorId": "1", "duration": "5"}, "duration"),
        ({"vendorId": "1", "duration": ""}, "duration"),
        ({"vendorId": "0", "duration": "9"}, "duration"),
        ({"vendorId": str(2**63), "duration": "1"}, "vendorId"),
        ({"vendorId": "1", "duration": "01x"}, "duration"),
    ],
)
def test_invalid_parameters_are_422(api, params, field):
    response = api.get(URL, params)

    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]


def test_permissions(anon, staff_factory):
    vendor = VendorFactory()
    _, without = staff_factory("no-vendor", "sales.view_orderproduct")
    _, allowed = staff_factory("vendor-viewer", "sales.view_vendor")
    params = {"vendorId": vendor.id, "duration": 1}

    assert anon.get(URL, params).status_code == 401
    assert without.get(URL, params).status_code == 403
    assert allowed.get(URL, params).status_code == 200
    assert Vendor.objects.count() == 1


@pytest.mark.parametrize(
    ("now", "period", "start", "end"),
    [
        # Sunday 23:30 in Auckland is still the ISO week that began on Monday the 16th.
        ("2026-11-22T10:30:00+00:00", Period.WEEK, "2026-11-16", "2026-11-23"),
        # Monday 00:30 in Auckland (Sunday 11:30 UTC) is already the next week.
        ("2026-11-22T11:30:00+00:00", Period.WEEK, "2026-11-23", "2026-11-30"),
        # ISO week spanning a year end: Thursday 2026-12-31 → Monday 2026-12-28 to 2027-01-04.
        ("2026-12-31T00:00:00+00:00", Period.WEEK, "2026-12-28", "2027-01-04"),
        ("2026-11-22T11:30:00+00:00", Period.TODAY, "2026-11-23", "2026-11-24"),
        ("2026-12-31T11:30:00+00:00", Period.MONTH, "2027-01-01", "2027-02-01"),
        ("2026-12-31T11:30:00+00:00", Period.YEAR, "2027-01-01", "2028-01-01"),
        ("2028-02-10T00:00:00+00:00", Period.MONTH, "2028-02-01", "2028-03-01"),
    ],
)
def test_period_bounds_use_time_zone(settings, now, period, start, end):
    settings.TIME_ZONE = "Pacific/Auckland"
    zone = ZoneInfo("Pacific/Auckland")

    bounds = period_bounds(period, now=dt.datetime.fromisoformat(now))

    assert bounds == (
        dt.datetime.fromisoformat(start).replace(tzinfo=zone),
        dt.datetime.fromisoformat(end).replace(tzinfo=zone),
    )


def test_week_boundary_through_the_api(api, settings):
    settings.TIME_ZONE = "America/New_York"
    zone = ZoneInfo("America/New_York")
    today = timezone.now().astimezone(zone).date()
    monday = dt.datetime.combine(today - dt.timedelta(days=today.weekday()), dt.time.min, zone)
    vendor = VendorFactory()
    ProductFactory(vendor=vendor, created_at=monday)  # first instant of the week: in
    ProductFactory(vendor=vendor, created_at=monday - dt.timedelta(microseconds=1))  # Sunday: out
    order = OrderFactory(created_at=monday - dt.timedelta(seconds=1))
    OrderProductFactory(order=order, product=ProductFactory(vendor=vendor, created_at=monday))

    data = api.get(URL, {"vendorId": vendor.id, "duration": 2}).json()["data"]

    assert data["productCount"] == 2
    assert data["productSoldCount"] == 0
    assert OrderProduct.objects.count() == 1
