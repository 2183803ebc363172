"""The API's hot path (issue 17): admin-only middleware passed through, django-filter skipped
when there is nothing to filter, and every check the API needs still in place."""

import pytest
from django.test import Client

from customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_api_answers_touch_no_session_and_set_no_cookie(api, client, superuser):
    CustomerFactory()
    # Even with a browser session cookie, an API request neither reads nor renews it.
    client.force_login(superuser)
    api.cookies = client.cookies

    response = api.get("/api/customer?limit=20")

    assert response.status_code == 200
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")
    assert response.wsgi_request.user == superuser  # DRF's token user, not the session's


def test_a_session_without_a_token_is_still_refused_on_the_api(client, superuser):
    client.force_login(superuser)

    response = client.get("/api/customer?limit=20")

    assert response.status_code == 401


def test_the_admin_keeps_sessions_csrf_and_messages(client, superuser):
    login = Client(enforce_csrf_checks=True)
    page = login.get("/admin/login/")
    assert "csrftoken" in page.cookies

    refused = login.post("/admin/login/", {"username": "boss", "password": "Staff-pass-123"})
    assert refused.status_code == 403  # no CSRF token: still refused

    token = page.cookies["csrftoken"].value
    response = login.post(
        "/admin/login/",
        {"username": "boss", "password": "Staff-pass-123", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert "sessionid" in response.cookies


@pytest.mark.parametrize(
    "query", ["status=2", "status=", "name=" + "x" * 256, "customerGroup=abc", "date=2026-13"]
)
def test_filters_still_validate_whenever_a_filter_parameter_is_sent(api, query):
    response = api.get(f"/api/customer?limit=20&{query}")

    assert response.status_code == (200 if query == "status=" else 422)


def test_unknown_parameters_neither_filter_nor_fail(api):
    CustomerFactory.create_batch(2)

    response = api.get("/api/customer?limit=20&Name=zzz&unknown=1")

    assert response.status_code == 200
    assert len(response.json()["data"]) == 2
