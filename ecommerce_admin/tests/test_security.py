"""Production security settings as the responses show them (PERFORMANCE-AND-SECURITY.md §A4)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from rest_framework.test import APIClient
from rest_framework.views import APIView

from ecommerce_admin.api.throttling import ApiUserThrottle

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
FAULTS = pytest.mark.urls("ecommerce_admin.tests.urls_faults")


def assert_security_headers(response) -> None:
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "includeSubDomains" in response["Strict-Transport-Security"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "http:" not in csp
    assert "https:" not in csp


@pytest.mark.parametrize(
    "path", ["/api/health", "/api/docs/", "/api/nothing-here", "/admin/login/"]
)
def test_api_docs_and_admin_responses_carry_the_security_headers(path):
    response = Client().get(path, secure=True)

    assert response.status_code in {200, 404}
    assert_security_headers(response)


def test_the_proxys_forwarded_proto_counts_as_https():
    response = Client().get("/api/health", HTTP_X_FORWARDED_PROTO="https")

    assert "Strict-Transport-Security" in response


def test_plain_http_is_redirected_to_https_when_the_redirect_is_on(settings):
    settings.SECURE_SSL_REDIRECT = True

    plain = Client().get("/api/health")
    proxied = Client().get("/api/health", HTTP_X_FORWARDED_PROTO="https")

    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/api/health"
    assert proxied.status_code == 200


def test_admin_cookies_are_secure_and_http_only(superuser):
    client = Client()
    login_page = client.get("/admin/login/", secure=True)
    token = login_page.cookies["csrftoken"]

    response = client.post(
        "/admin/login/",
        {
            "username": "boss",
            "password": "Staff-pass-123",
            "csrfmiddlewaretoken": token.value,
            "next": "/admin/",
        },
        secure=True,
        HTTP_REFERER="https://testserver/admin/login/",
    )

    assert response.status_code == 302
    assert token["secure"] is True
    session = response.cookies["sessionid"]
    assert session["secure"] is True
    assert session["httponly"] is True


def test_the_browsable_api_is_not_offered():
    response = Client().get("/api/health", HTTP_ACCEPT="text/html", secure=True)

    assert response["Content-Type"] == "application/json"


# --- Opt-in API-wide throttle (DJANGO_API_THROTTLE) -----------------------------------------


def test_the_api_throttle_env_var_turns_on_the_per_user_throttle():
    env = {**os.environ, "DJANGO_API_THROTTLE": "1000/min"}
    code = (
        "from ecommerce_admin import settings as s; rf = s.REST_FRAMEWORK;"
        "print(rf['DEFAULT_THROTTLE_CLASSES'], rf['DEFAULT_THROTTLE_RATES']['api_user'])"
    )

    on = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    env.pop("DJANGO_API_THROTTLE")
    off = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )

    assert on.stdout.strip() == "['ecommerce_admin.api.throttling.ApiUserThrottle'] 1000/min"
    assert off.stdout.strip() == "[] None"


@FAULTS
def test_with_the_api_throttle_on_a_user_past_the_rate_gets_the_429_envelope(
    monkeypatch, staff_factory
):
    # What DJANGO_API_THROTTLE does at import time (views read DEFAULT_THROTTLE_CLASSES then).
    monkeypatch.setattr(APIView, "throttle_classes", [ApiUserThrottle])
    monkeypatch.setattr(ApiUserThrottle, "THROTTLE_RATES", {"api_user": "3/min"})
    _, first = staff_factory("first", "customers.view_customer")
    _, second = staff_factory("second", "customers.view_customer")
    for _ in range(3):
        assert first.get("/api/test-guarded").status_code == 200

    response = first.get("/api/test-guarded")

    assert response.status_code == 429
    assert response.json()["status"] == 0
    assert response.json()["message"].startswith("Request was throttled.")
    assert int(response["Retry-After"]) >= 1
    assert second.get("/api/test-guarded").status_code == 200


# --- The admin's login form shares the API login throttle -------------------------------------


def admin_login(client: Client, username: str, password: str, **extra):
    return client.post(
        "/admin/login/",
        {"username": username, "password": password, "next": "/admin/"},
        secure=True,
        **extra,
    )


def test_the_eleventh_admin_login_attempt_is_throttled_even_with_the_right_password(superuser):
    client = Client()
    for _ in range(10):
        assert admin_login(client, "boss", "wrong-password").status_code == 200  # form again

    response = admin_login(client, "boss", "Staff-pass-123")

    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert "sessionid" not in response.cookies


def test_admin_and_api_login_attempts_count_together(superuser):
    api = APIClient()
    for _ in range(5):
        api.post("/api/auth/login", {"username": "boss", "password": "x"}, format="json")
    for _ in range(5):
        admin_login(Client(), "boss", "wrong-password", REMOTE_ADDR="10.9.9.9")

    admin = admin_login(Client(), "boss", "Staff-pass-123", REMOTE_ADDR="10.8.8.8")
    api_response = api.post(
        "/api/auth/login", {"username": "boss", "password": "Staff-pass-123"}, format="json"
    )

    assert admin.status_code == 429
    assert api_response.status_code == 429


def test_an_admin_login_within_the_limit_works(superuser):
    response = admin_login(Client(), "boss", "Staff-pass-123")

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
