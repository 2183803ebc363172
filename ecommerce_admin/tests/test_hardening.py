"""Hardening (security finding 8): a strict CSP outside the API docs page, `no-store` on API
answers and exports, the public schema computed once per process, admin sessions with an idle
timeout and an absolute cap."""

import time

import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from conftest import make_staff
from ecommerce_admin.api.docs import CachedSchemaView
from ecommerce_admin.security_middleware import ADMIN_SEEN, ADMIN_STARTED

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parsed = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


@pytest.mark.parametrize("path", ["/admin/login/", "/api/health", "/api/customer", "/admin/"])
def test_no_inline_script_or_style_element_is_allowed_outside_the_docs(path, superuser):
    client = Client()
    if path == "/admin/":
        client.force_login(superuser)

    policy = directives(client.get(path))

    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert not [name for name, values in policy.items() if "'unsafe-inline'" in values]
    assert policy["object-src"] == ["'none'"]


def test_the_docs_page_alone_allows_inline_styles_and_still_no_inline_script():
    policy = directives(Client().get("/api/docs/"))

    assert "'unsafe-inline'" in policy["style-src"]
    assert policy["script-src"] == ["'self'"]


def test_the_policy_built_once_is_the_one_django_csp_builds_and_follows_the_settings(settings):
    from csp.utils import build_policy

    assert Client().get("/api/health")["Content-Security-Policy"] == build_policy()

    settings.CONTENT_SECURITY_POLICY = {
        "EXCLUDE_URL_PREFIXES": ["/api/schema"],
        "DIRECTIVES": {"default-src": ["'none'"]},
    }
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"img-src": ["'self'"]}}
    changed = Client().get("/api/health")

    assert changed["Content-Security-Policy"] == "default-src 'none'"
    assert changed["Content-Security-Policy-Report-Only"] == build_policy(report_only=True)
    assert "img-src 'self'" in changed["Content-Security-Policy-Report-Only"]
    assert "Content-Security-Policy" not in Client().get("/api/schema/")


def test_the_admin_pages_have_no_inline_script(superuser):
    client = Client()
    client.force_login(superuser)
    for path in ["/admin/", "/admin/customers/customer/", "/admin/customers/customer/add/"]:
        html = client.get(path).content.decode()
        assert "<script>" not in html, path
        assert "onclick=" not in html, path


def assert_no_store(response) -> None:
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control
    assert "private" in cache_control
    assert response["Expires"]


def test_api_answers_and_exports_are_never_stored(api, anon):
    assert_no_store(api.get("/api/customer"))
    assert_no_store(api.get("/api/customer-group"))
    assert_no_store(anon.get("/api/customer"))  # a 401 envelope too
    assert_no_store(api.get("/api/customer/allcustomer-excel-list"))
    assert_no_store(api.get("/api/customer/allcustomer-excel-list?format=csv"))


def test_the_public_schema_is_generated_once_per_process(anon, monkeypatch):
    calls = []
    original = SchemaGenerator.get_schema

    def counting(self, *args, **kwargs):
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counting)
    monkeypatch.setattr(CachedSchemaView, "_schemas", {})

    first = anon.get("/api/schema/")
    second = anon.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert first.status_code == second.status_code == 200
    assert first.content.startswith(b"openapi: 3.")
    assert second.json()["openapi"].startswith("3.")
    assert len(calls) == 1


# --- Admin sessions ----------------------------------------------------------------------------


@pytest.fixture
def admin_client():
    client = Client()
    client.force_login(make_staff("boss", superuser=True))
    return client


def set_clock(client, **stamps) -> None:
    session = client.session
    session.update(stamps)
    session.save()


def test_an_active_admin_session_continues(admin_client):
    assert admin_client.get("/admin/").status_code == 200
    now = int(time.time())
    set_clock(admin_client, **{ADMIN_SEEN: now - 29 * 60, ADMIN_STARTED: now - 11 * 3600})

    assert admin_client.get("/admin/").status_code == 200


@pytest.mark.parametrize(
    ("idle_minutes", "age_hours"),
    [pytest.param(31, 1, id="idle-timeout"), pytest.param(1, 13, id="absolute-cap")],
)
def test_an_idle_or_too_old_admin_session_asks_for_the_login_again(
    admin_client, idle_minutes, age_hours
):
    now = int(time.time())
    set_clock(
        admin_client,
        **{ADMIN_SEEN: now - idle_minutes * 60, ADMIN_STARTED: now - age_hours * 3600},
    )

    response = admin_client.get("/admin/customers/customer/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert "_auth_user_id" not in admin_client.session
    assert admin_client.get("/admin/").status_code == 302


def test_the_admin_session_limits_come_from_the_settings(admin_client, settings):
    settings.ADMIN_SESSION_IDLE_MINUTES = 5
    set_clock(admin_client, **{ADMIN_SEEN: int(time.time()) - 6 * 60})

    assert admin_client.get("/admin/").status_code == 302


def test_the_session_cookie_never_outlives_the_absolute_cap(settings):
    make_staff("clerk", superuser=True)
    response = Client().post(
        "/admin/login/?next=/admin/", {"username": "clerk", "password": "Staff-pass-123"}
    )

    assert response.status_code == 302
    assert int(response.cookies["sessionid"]["max-age"]) <= settings.ADMIN_SESSION_MAX_HOURS * 3600
