"""The strict Content Security Policy breaks nothing a person sees (security finding 8): the
admin pages and the API docs render in Chromium with no CSP violation reported."""

import pytest

from customers.tests.factories import CustomerFactory, CustomerGroupFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def record_violations(page) -> list[str]:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    return violations


def test_admin_pages_render_without_csp_violations(logged_in, live_server):
    group = CustomerGroupFactory(name="Retail", color_code="#c03a2b")
    CustomerFactory(customer_group=group, first_name="Ada", email="ada@example.com")
    page = logged_in
    violations = record_violations(page)

    for path in [
        "/admin/",
        "/admin/dashboard/",
        "/admin/customers/customer/",
        f"/admin/customers/customer/{group.customers.first().pk}/change/",
        "/admin/customers/customergroup/",
        "/admin/customers/customer/import/",
    ]:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")

    assert violations == []
    page.goto(f"{live_server.url}/admin/customers/customer/")
    # The group badge keeps its colour (from the colours stylesheet, no inline style).
    colour = page.locator(".group-badge").first.evaluate(
        "element => getComputedStyle(element).backgroundColor"
    )
    assert colour == "rgb(192, 58, 43)"


def test_the_api_docs_render_without_csp_violations(page, live_server):
    violations = record_violations(page)

    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".opblock", timeout=20_000)

    assert page.locator(".opblock").count() > 10
    assert violations == []
