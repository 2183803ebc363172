"""The pages staff click, in a real headless Chromium: log in, search, filter, run an action,
import a CSV through the preview, and look at the dashboard's charts (a screenshot is saved)."""

import pytest
from django.utils import timezone

from analytics.tests.factories import CustomerVisitFactory, ProductViewLogFactory
from customers.models import Customer
from customers.tests.factories import CustomerFactory, CustomerGroupFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def changelist_emails(page) -> list[str]:
    return page.locator("#result_list tbody td.field-email").all_inner_texts()


def test_login_page_refuses_a_wrong_password(page, live_server, staff):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", staff.username)
    page.fill("#id_password", "wrong-password")
    page.click("input[type=submit]")

    assert "/admin/login/" in page.url
    assert page.locator(".errornote").is_visible()


def test_search_customers(logged_in, live_server):
    group = CustomerGroupFactory(name="Retail")
    CustomerFactory(customer_group=group, first_name="Ada", email="ada@example.com")
    CustomerFactory(customer_group=group, first_name="Grace", email="grace@example.com")
    page = logged_in

    page.goto(f"{live_server.url}/admin/customers/customer/")
    page.fill("#searchbar", "grace")
    page.press("#searchbar", "Enter")
    page.wait_for_url("**q=grace**")

    assert changelist_emails(page) == ["grace@example.com"]


def test_filter_customers_by_group(logged_in, live_server):
    retail = CustomerGroupFactory(name="Retail", color_code="#1a7f37")
    wholesale = CustomerGroupFactory(name="Wholesale")
    CustomerFactory(customer_group=retail, email="r@example.com")
    CustomerFactory(customer_group=wholesale, email="w@example.com")
    page = logged_in

    page.goto(f"{live_server.url}/admin/customers/customer/")
    page.locator("#changelist-filter").get_by_role("link", name="Wholesale").click()
    page.wait_for_url(f"**customer_group__id__exact={wholesale.pk}**")

    assert changelist_emails(page) == ["w@example.com"]
    badge = page.locator("#result_list .group-badge").first
    assert badge.inner_text() == "Wholesale"


def test_deactivate_action(logged_in, live_server):
    group = CustomerGroupFactory(name="Retail")
    target = CustomerFactory(customer_group=group, email="target@example.com")
    other = CustomerFactory(customer_group=group, email="other@example.com")
    page = logged_in

    page.goto(f"{live_server.url}/admin/customers/customer/")
    page.check(f"input.action-select[value='{target.pk}']")
    page.select_option("select[name=action]", "deactivate")
    page.click("button[name=index]")

    assert page.locator("ul.messagelist li.success").inner_text() == "1 customer(s) deactivated."
    target.refresh_from_db()
    other.refresh_from_db()
    assert target.is_active is False
    assert other.is_active is True


def test_import_csv_through_the_preview_then_confirm(logged_in, live_server, tmp_path):
    CustomerGroupFactory(name="Retail")
    csv = tmp_path / "customers.csv"
    csv.write_text(
        "first_name,last_name,email,mobile_number,customer_group\n"
        "Imported,Person,IMPORTED@example.com,+447900123456,Retail\n"
    )
    page = logged_in

    page.goto(f"{live_server.url}/admin/customers/customer/import/")
    page.set_input_files("input[name=import_file]", str(csv))
    page.select_option("select[name=format]", label="csv")
    page.click("input[type=submit]")

    summary = page.locator(".import-summary")
    assert "1 new" in " ".join(summary.inner_text().split())
    assert not Customer.objects.filter(email="imported@example.com").exists()

    page.click("input[name=confirm]")
    page.wait_for_url(f"{live_server.url}/admin/customers/customer/")

    message = page.locator("ul.messagelist li.success").inner_text()
    assert message.startswith("Import finished")
    customer = Customer.objects.get(email="imported@example.com")
    assert customer.first_name == "Imported"
    assert customer.password.startswith("!")


def test_dashboard_charts_render(logged_in, live_server, tmp_path):
    CustomerFactory.create_batch(3)
    CustomerVisitFactory.create_batch(4)
    ProductViewLogFactory.create_batch(2, product__name="Walnut desk lamp")
    page = logged_in

    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("link", name="Open the dashboard").click()
    page.wait_for_url("**/admin/dashboard/")

    charts = page.locator("svg.chart")
    assert charts.count() == 3
    for index in range(3):
        chart = charts.nth(index)
        box = chart.bounding_box()
        assert box["width"] > 300
        assert box["height"] > 30
        assert chart.get_attribute("role") == "img"
        assert chart.get_attribute("aria-label")
    today = timezone.localdate()
    todays_bar = page.locator("svg.chart rect.chart-bar-today").first
    assert todays_bar.locator("title").text_content().startswith(f"{today:%a %-d %b}: 4 visits")
    assert "Walnut desk lamp" in page.locator("svg.chart").nth(2).text_content()
    assert page.locator(".card-value").first.inner_text() == f"{Customer.objects.count():,}"
    screenshot = tmp_path / "dashboard.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 10_000
