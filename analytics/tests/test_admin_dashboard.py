"""The dashboard (cards and server-side SVG charts) and the changelist's estimating paginator."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from analytics.dashboard import Bar, bar_chart, column_chart
from analytics.tests.factories import CustomerVisitFactory, ProductViewLogFactory
from conftest import make_staff
from customers.models import Customer
from customers.tests.factories import CustomerFactory, CustomerGroupFactory
from ecommerce_admin.admin import paginator as admin_paginator
from ecommerce_admin.admin.paginator import EstimatedCountPaginator, paginator_for
from sales.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("admin-dashboard")


@pytest.fixture
def admin(superuser) -> Client:
    client = Client()
    client.force_login(superuser)
    return client


def card_values(html: str) -> dict[str, str]:
    pairs = re.findall(
        r'<span class="card-label">([^<]+)</span>\s*<span class="card-value">([^<]+)</span>', html
    )
    return dict(pairs)


def test_dashboard_cards_count_live_customers_and_groups(admin):
    group = CustomerGroupFactory(is_active=False)
    CustomerFactory.create_batch(3, customer_group=group)
    CustomerFactory(customer_group=group, is_active=False)
    CustomerFactory(customer_group=group, is_deleted=True)
    CustomerFactory(customer_group=group, created_at=timezone.now() - dt.timedelta(days=3))

    html = admin.get(DASHBOARD).content.decode()

    assert card_values(html) == {
        "Customers": "5",
        "Active": "4",
        "Inactive": "1",
        "New today": "4",
        "Groups": "2",  # the seeded default group and this one
    }
    assert "1 active" in html


def test_dashboard_charts_are_accessible_inline_svg_from_the_selectors(admin):
    product = ProductFactory(name="Walnut <lamp>")
    ProductViewLogFactory.create_batch(3, product=product)
    CustomerVisitFactory.create_batch(2)
    today = timezone.localdate()

    html = admin.get(DASHBOARD).content.decode()

    svgs = re.findall(r'<svg class="chart"[^>]*>', html)
    assert len(svgs) == 3
    assert all('role="img"' in svg and "aria-label=" in svg for svg in svgs)
    assert f"{today:%a %-d %b}: 2 visits, " in html
    assert "Walnut &lt;lamp&gt;: 3 views" in html
    assert "<lamp>" not in html
    assert html.count("<title>") >= 30 + 28
    assert "<script" not in html.split('id="content-main"', 1)[1]


def test_dashboard_needs_the_customer_view_permission_and_each_chart_its_own(db):
    nobody = make_staff("nobody")
    viewer = make_staff("viewer", "customers.view_customer")
    clients = {}
    for user in (nobody, viewer):
        clients[user.username] = Client()
        clients[user.username].force_login(user)

    assert clients["nobody"].get(DASHBOARD).status_code == 403
    html = clients["viewer"].get(DASHBOARD).content.decode()
    assert (
        html.count('<svg class="chart"') == 1
    )  # only new customers; visits and views need their permission
    assert Client().get(DASHBOARD).status_code == 302  # anonymous → login page


def test_dashboard_query_count_is_fixed(admin, django_assert_max_num_queries):
    CustomerFactory.create_batch(5)
    ProductViewLogFactory.create_batch(5)

    with django_assert_max_num_queries(10):
        admin.get(DASHBOARD)


def test_column_chart_scales_to_a_round_ceiling_and_escapes_titles():
    svg = column_chart(
        [Bar("1", 3, "<b>"), Bar("2", 7, "seven")], label='a "quoted" label', highlight=1
    )

    assert 'aria-label="a &quot;quoted&quot; label"' in svg
    assert "<title>&lt;b&gt;</title>" in svg
    assert ">8</text>" in svg  # 7 → top gridline 8
    assert ">4</text>" in svg
    assert svg.count('class="chart-bar chart-bar-today"') == 1


def test_bar_chart_says_so_when_empty():
    assert "No product views in this period." in bar_chart([], label="none")


def test_index_links_to_the_dashboard(admin):
    assert DASHBOARD in admin.get(reverse("admin:index")).content.decode()


# --- paginator ----------------------------------------------------------------------------------


def test_paginator_counts_exactly_off_postgresql_or_on_small_tables():
    CustomerFactory.create_batch(3)
    paginator = paginator_for(Customer.objects.filter(is_deleted=False))(
        Customer.objects.filter(is_deleted=False).order_by("pk"), 2
    )

    assert paginator.count == 3
    assert paginator.num_pages == 2


@pytest.mark.postgres
def test_paginator_uses_reltuples_for_the_unfiltered_list(monkeypatch):
    CustomerFactory.create_batch(4)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE customers_customer")
    monkeypatch.setattr(admin_paginator, "EXACT_COUNT_BELOW", 0)
    # Only the estimate is consulted: make the real count differ from it.
    Customer.objects.filter(pk=Customer.objects.first().pk).delete()
    baseline = Customer.objects.filter(is_deleted=False)

    unfiltered = paginator_for(baseline)(baseline.order_by("pk"), 50)
    filtered = paginator_for(baseline)(baseline.filter(is_active=True).order_by("pk"), 50)

    assert unfiltered.count == 4
    assert filtered.count == 3


@pytest.mark.postgres
def test_paginator_falls_back_to_the_planner_estimate_when_the_count_times_out(monkeypatch):
    CustomerFactory.create_batch(3)
    monkeypatch.setattr(admin_paginator, "EXACT_COUNT_BELOW", 0)
    monkeypatch.setattr(admin_paginator, "COUNT_TIMEOUT_MS", 1)
    slow = Customer.objects.extra(where=["pg_sleep(0.01) IS NOT NULL"])
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        before = cursor.fetchone()[0]  # the configured request limit (DJANGO_DB_*)

    count = EstimatedCountPaginator._count_with_timeout(slow)

    assert count >= 1  # the planner's guess, not an error
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == before
