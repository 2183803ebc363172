"""The back office's finish (issue 12), through the admin's pages: dashboard totals and labels,
the front page's order, what staff see, the "API docs" link, the favicon, "Recent actions" fed
from the audit trail. The browser tests (tests/browser) check how the same pages look."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from analytics.tests.factories import ProductViewLogFactory
from conftest import make_staff
from customers.tests.factories import CustomerFactory, CustomerGroupFactory
from sales.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("admin-dashboard")
INDEX = reverse("admin:index")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin(superuser) -> Client:
    return logged_in(superuser)


def test_dashboard_total_counts_every_view_not_only_the_top_ten(admin):
    for index in range(12):
        ProductViewLogFactory.create_batch(index + 1, product=ProductFactory(name=f"P{index}"))

    html = admin.get(DASHBOARD).content.decode()

    # 1 + 2 + ... + 12 = 78 views in all; the top ten alone (3 + ... + 12) hold 75.
    chart = html.split("Most viewed products", 1)[1]
    assert re.search(r"Total: <strong>78</strong> views · top 10 products shown", chart)


def test_dashboard_product_labels_keep_long_names_whole(admin):
    name = "Handmade walnut reading lamp, brass"
    ProductViewLogFactory(product=ProductFactory(name=name))

    html = admin.get(DASHBOARD).content.decode()

    label = re.search(
        r'<text class="chart-label" x="([^"]+)"[^>]*text-anchor="start">([^<]+)<', html
    )
    assert label is not None
    assert float(label.group(1)) >= 0  # starts inside the picture, never left of it
    assert label.group(2) == name


def test_index_lists_customers_first(admin):
    html = admin.get(INDEX).content.decode()

    sections = re.findall(r'<caption>\s*<a href="[^"]*" class="section"[^>]*>([^<]+)</a>', html)
    assert sections[0] == "Customers"
    models = re.findall(r'<th scope="row" id="customers-([a-z]+)">', html)
    assert models[:2] == ["customer", "customergroup"]


def test_token_blacklist_is_hidden_from_staff_and_refused_by_url():
    staff = make_staff("staff", "token_blacklist.view_outstandingtoken", "customers.view_customer")
    client = logged_in(staff)
    url = reverse("admin:token_blacklist_outstandingtoken_changelist")

    assert "Token Blacklist" not in client.get(INDEX).content.decode()
    assert client.get(url).status_code == 403


def test_superusers_still_see_the_token_blacklist(admin):
    assert "Token Blacklist" in admin.get(INDEX).content.decode()
    url = reverse("admin:token_blacklist_outstandingtoken_changelist")
    assert admin.get(url).status_code == 200


def test_view_site_link_opens_the_api_docs(admin):
    html = admin.get(INDEX).content.decode()

    assert '<a href="/api/docs/" class="api-docs-link">API docs</a>' in html
    assert "View site" not in html
    assert admin.get("/api/docs/").status_code == 200


def test_every_admin_page_names_a_favicon_that_exists(admin):
    html = admin.get(INDEX).content.decode()

    href = re.search(r'<link rel="icon" type="image/svg\+xml" href="([^"]+)">', html).group(1)
    assert href.endswith("ecommerce_admin/favicon.svg")
    response = Client().get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == href


def test_recent_actions_list_api_writes_from_the_audit_trail(superuser, api):
    group = CustomerGroupFactory(name="Retail")
    customer = CustomerFactory(customer_group=group)
    body = {
        "customerGroupId": group.pk,
        "username": "Renamed",
        "mobileNumber": customer.mobile_number,
        "mailStatus": 0,
        "status": 1,
    }
    assert api.put(f"/api/customer/{customer.pk}", body, format="json").status_code == 200

    html = logged_in(superuser).get(INDEX).content.decode()

    sidebar = html.split('id="recent-actions-module"', 1)[1]
    change = reverse("admin:customers_customer_change", args=[customer.pk])
    assert f'<a href="{change}">Customer #{customer.pk}</a>' in sidebar
    assert "API ·" in sidebar
    assert "None available" not in sidebar


def test_recent_actions_show_only_the_users_own(superuser, api):
    other = make_staff("other")
    html = logged_in(other).get(INDEX).content.decode()

    assert "None available" in html.split('id="recent-actions-module"', 1)[1]
