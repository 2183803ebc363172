"""`manage.py seed_demo`: volumes, determinism and consistency of the demo data."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F, Max, Min

from analytics.models import CustomerVisit, ProductViewLog
from customers.models import Customer
from sales.models import Order, OrderProduct, Product, Vendor

pytestmark = pytest.mark.django_db

SMALL = {
    "customers": 60,
    "vendors": 5,
    "products": 40,
    "orders": 120,
    "views": 400,
    "visits": 500,
}


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", **{**SMALL, **options}, stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    return {
        "vendors": list(Vendor.objects.order_by("id").values_list("company_name", "is_active")),
        "products": list(
            Product.objects.order_by("id").values_list("name", "quantity", "is_approved", "price")
        ),
        "lines": list(
            OrderProduct.objects.order_by("id").values_list("name", "quantity", "status")
        ),
        "visits": list(CustomerVisit.objects.order_by("id").values_list("session_key")[:50]),
    }


def test_seeds_every_kind_of_row():
    output = seed()

    assert Customer.objects.count() == 60
    assert Vendor.objects.count() == 5
    assert Product.objects.count() == 40
    assert Order.objects.count() == 120
    assert OrderProduct.objects.count() >= 120
    assert ProductViewLog.objects.count() == 400
    assert CustomerVisit.objects.count() == 500
    assert "120 orders" in output
    assert Product.objects.filter(is_approved=True).exists()
    assert Product.objects.filter(is_approved=False).exists()
    assert Product.objects.filter(quantity=0).exists()
    assert Product.objects.filter(quantity__gt=0).exists()
    assert OrderProduct.objects.filter(status="delivered", order__is_paid=True).exists()


def test_timestamps_span_two_years_and_follow_their_dependencies():
    seed()

    span = CustomerVisit.objects.aggregate(first=Min("created_at"), last=Max("created_at"))
    assert span["last"] - span["first"] > dt.timedelta(days=300)
    assert span["last"] - span["first"] <= dt.timedelta(days=731)
    assert not Order.objects.filter(created_at__lt=F("customer__created_at")).exists()
    assert not OrderProduct.objects.exclude(created_at=F("order__created_at")).exists()
    assert not OrderProduct.objects.exclude(price=F("product__price")).exists()


def test_same_seed_same_data():
    seed(seed=7)
    first = snapshot()
    for model in (CustomerVisit, ProductViewLog, OrderProduct, Order, Product, Vendor, Customer):
        model.objects.all().delete()

    seed(seed=7)

    assert snapshot() == first


def test_if_empty_does_nothing_the_second_time():
    seed()

    output = seed(if_empty=True)

    assert "nothing to do" in output
    assert Order.objects.count() == 120


def test_negative_counts_are_refused():
    with pytest.raises(CommandError):
        seed(orders=-1)

    assert Order.objects.count() == 0
