"""Cross-origin requests for the original admin served from another origin (API.md §9.6)."""

import pytest
from django.test import override_settings

from conftest import client_for, make_staff

ADMIN_ORIGIN = "http://admin.example:4200"
OTHER_ORIGIN = "http://evil.example"
LISTED = override_settings(CORS_ALLOWED_ORIGINS=[ADMIN_ORIGIN, "https://shop.example"])


def preflight(client, path, origin=ADMIN_ORIGIN, method="PUT"):
    return client.options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization,content-type",
    )


@LISTED
@pytest.mark.parametrize(
    "path", ["/api/admin-customer/7", "/api/address", "/api/customer-group/", "/api/nowhere"]
)
def test_a_preflight_from_a_listed_origin_needs_no_token(anon, db, path):
    response = preflight(anon, path)

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ADMIN_ORIGIN
    methods = {m.strip() for m in response["Access-Control-Allow-Methods"].upper().split(",")}
    assert {"GET", "POST", "PUT", "DELETE"} <= methods
    headers = {h.strip() for h in response["Access-Control-Allow-Headers"].lower().split(",")}
    assert {"authorization", "content-type"} <= headers
    assert "Access-Control-Allow-Credentials" not in response


@LISTED
@pytest.mark.parametrize(
    ("who", "path", "status"),
    [
        ("clerk", "/api/admin-customer?limit=1", 200),
        ("clerk", "/api/admin-customer?limit=abc", 422),
        ("clerk", "/api/admin-customer/customer-detail/999", 400),
        ("nobody", "/api/admin-customer?limit=1", 401),
        ("plain", "/api/admin-customer?limit=1", 403),
        ("clerk", "/api/nowhere", 404),
    ],
)
def test_every_answer_to_a_listed_origin_is_readable(anon, db, who, path, status):
    clients = {
        "clerk": client_for(make_staff("clerk", "customers.view_customer")),
        "plain": client_for(make_staff("plain")),
        "nobody": anon,
    }

    response = clients[who].get(path, HTTP_ORIGIN=ADMIN_ORIGIN)

    assert response.status_code == status
    assert response["Access-Control-Allow-Origin"] == ADMIN_ORIGIN
    assert "origin" in {v.strip().lower() for v in response["Vary"].split(",")}
    assert "Access-Control-Allow-Credentials" not in response


@LISTED
def test_an_unlisted_origin_gets_no_cors_headers(api):
    answer = api.get("/api/admin-customer?limit=1", HTTP_ORIGIN=OTHER_ORIGIN)
    refused = preflight(api, "/api/admin-customer", origin=OTHER_ORIGIN)

    assert answer.status_code == 200
    assert "Access-Control-Allow-Origin" not in answer
    assert "Access-Control-Allow-Origin" not in refused


@LISTED
def test_only_the_api_answers_cross_origin(admin_client):
    response = admin_client.get("/admin/", HTTP_ORIGIN=ADMIN_ORIGIN)

    assert "Access-Control-Allow-Origin" not in response


def test_off_by_default(api, settings):
    assert settings.CORS_ALLOWED_ORIGINS == []
    answer = api.get("/api/admin-customer?limit=1", HTTP_ORIGIN=ADMIN_ORIGIN)
    refused = preflight(api, "/api/admin-customer")

    assert "Access-Control-Allow-Origin" not in answer
    assert "Access-Control-Allow-Origin" not in refused
    assert settings.CORS_ALLOW_ALL_ORIGINS is False
    assert settings.CORS_ALLOW_CREDENTIALS is False


def test_the_origins_come_from_the_environment(monkeypatch):
    import importlib

    from ecommerce_admin import settings as project_settings

    monkeypatch.setenv(
        "DJANGO_CORS_ALLOWED_ORIGINS", " http://a.example:4200 ,, https://b.example ,"
    )
    try:
        reloaded = importlib.reload(project_settings)
        assert reloaded.CORS_ALLOWED_ORIGINS == ["http://a.example:4200", "https://b.example"]
    finally:
        monkeypatch.delenv("DJANGO_CORS_ALLOWED_ORIGINS")
        importlib.reload(project_settings)


def test_cors_middleware_comes_first(settings):
    assert settings.MIDDLEWARE[0] == "corsheaders.middleware.CorsMiddleware"
