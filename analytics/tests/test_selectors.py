"""Dashboard selectors (reused by the admin): most viewed products, new customers per day."""

import datetime as dt

import pytest
from django.utils import timezone

from analytics.selectors import most_viewed_products, new_customers_per_day
from analytics.tests.factories import ProductViewLogFactory
from customers.tests.factories import CustomerFactory
from sales.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_most_viewed_products(django_assert_num_queries):
    now = timezone.now()
    teapot, lamp, mug = ProductFactory(name="Teapot"), ProductFactory(name="Lamp"), ProductFactory()
    ProductViewLogFactory.create_batch(3, product=lamp)
    ProductViewLogFactory.create_batch(2, product=teapot)
    ProductViewLogFactory.create_batch(5, product=mug, created_at=now - dt.timedelta(days=40))
    ProductViewLogFactory(product=None)

    with django_assert_num_queries(1):
        top = most_viewed_products(since=now - dt.timedelta(days=30), limit=5)

    assert top == [
        {"product_id": lamp.id, "name": "Lamp", "views": 3},
        {"product_id": teapot.id, "name": "Teapot", "views": 2},
    ]


def test_new_customers_per_day_in_time_zone(settings, django_assert_num_queries):
    settings.TIME_ZONE = "Asia/Tokyo"
    now = dt.datetime(2026, 3, 10, 3, 0, tzinfo=dt.UTC)  # 12:00 on 10 March in Tokyo
    CustomerFactory(created_at=dt.datetime(2026, 3, 9, 15, 30, tzinfo=dt.UTC))  # 10th, 00:30
    CustomerFactory(created_at=dt.datetime(2026, 3, 9, 14, 30, tzinfo=dt.UTC))  # 9th, 23:30
    CustomerFactory(created_at=dt.datetime(2026, 3, 9, 14, 0, tzinfo=dt.UTC), is_deleted=True)
    CustomerFactory(created_at=dt.datetime(2026, 3, 1, 0, 0, tzinfo=dt.UTC))  # too old

    with django_assert_num_queries(1):
        days = new_customers_per_day(days=3, now=now)

    assert days == [
        (dt.date(2026, 3, 8), 0),
        (dt.date(2026, 3, 9), 1),
        (dt.date(2026, 3, 10), 1),
    ]
