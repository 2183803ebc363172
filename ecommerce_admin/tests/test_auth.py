"""Staff JWT authentication (API.md §2): login, refresh rotation, logout, throttling, bad tokens."""

from datetime import timedelta

import jwt
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from conftest import client_for, make_staff

pytestmark = pytest.mark.django_db

LOGIN = "/api/auth/login"
REFRESH = "/api/auth/token/refresh"
LOGOUT = "/api/auth/logout"
GUARDED = "/api/test-guarded"
FAULTS = pytest.mark.urls("ecommerce_admin.tests.urls_faults")
PASSWORD = "Staff-pass-123"
INVALID_LOGIN = {"status": 0, "message": "Invalid username or password."}


def login(client: APIClient, username: str, password: str = PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, format="json", **extra)


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def assert_401(response) -> None:
    assert response.status_code == 401
    body = response.json()
    assert body["status"] == 0
    assert isinstance(body["message"], str)
    assert body["message"]
    assert set(body) == {"status", "message"}


# --- Login ------------------------------------------------------------------------------------


def test_login_returns_tokens_and_the_staff_user(anon):
    user = make_staff("clerk", "customers.view_customer", "customers.add_customer")
    user.first_name, user.last_name = "Ada", "Lovelace"
    user.save()

    response = login(anon, "clerk")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == 1
    assert body["message"] == "Loggedin successfully"
    assert set(body["data"]) == {"token", "refresh", "user", "permission"}
    assert body["data"]["user"] == {
        "id": user.id,
        "username": "clerk",
        "email": "clerk@staff.example.com",
        "firstName": "Ada",
        "lastName": "Lovelace",
        "isSuperuser": False,
        "permissions": ["customers.add_customer", "customers.view_customer"],
    }
    assert AccessToken(body["data"]["token"])["user_id"] == str(user.id)
    assert RefreshToken(body["data"]["refresh"])["user_id"] == str(user.id)
    user.refresh_from_db()
    assert user.last_login is not None


def test_login_of_a_superuser_says_so_and_lists_no_explicit_permissions_as_empty(anon):
    make_staff("plain")
    make_staff("root", superuser=True)

    plain = login(anon, "plain").json()["data"]["user"]
    root = login(anon, "root").json()["data"]["user"]

    assert plain["isSuperuser"] is False
    assert plain["permissions"] == []
    assert root["isSuperuser"] is True
    assert "customers.view_customer" in root["permissions"]


@FAULTS
def test_login_token_works_on_a_protected_route(anon):
    make_staff("clerk", "customers.view_customer")
    token = login(anon, "clerk").json()["data"]["token"]

    response = bearer(token).get(GUARDED)

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("username", "password", "staff", "active"),
    [
        pytest.param("clerk", "Wrong-pass-123", True, True, id="wrong-password"),
        pytest.param("nobody", PASSWORD, True, True, id="unknown-user"),
        pytest.param("clerk", PASSWORD, False, True, id="not-staff"),
        pytest.param("clerk", PASSWORD, True, False, id="inactive"),
    ],
)
def test_login_failures_are_one_indistinguishable_401(anon, username, password, staff, active):
    make_staff("clerk", is_active=active) if staff else get_user_model().objects.create_user(
        "clerk", password=PASSWORD, is_active=active
    )
    user = get_user_model().objects.get(username="clerk")
    user.is_staff = staff
    user.save()

    response = anon.post(LOGIN, {"username": username, "password": password}, format="json")

    assert response.status_code == 401
    assert response.json() == INVALID_LOGIN
    assert OutstandingToken.objects.count() == 0
    user.refresh_from_db()
    assert user.last_login is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"password": PASSWORD}, "username"),
        ({"username": "clerk"}, "password"),
        ({"username": "cl\x00erk", "password": PASSWORD}, "username"),
    ],
)
def test_login_with_a_malformed_body_is_422(anon, body, field):
    make_staff("clerk")

    response = anon.post(LOGIN, body, format="json")

    assert response.status_code == 422
    assert response.json()["status"] == 0
    assert field in response.json()["errors"]
    assert OutstandingToken.objects.count() == 0


def test_login_accepts_a_form_encoded_body(anon):
    make_staff("clerk")

    response = anon.post(LOGIN, {"username": "clerk", "password": PASSWORD})

    assert response.status_code == 200


# --- Login throttling -------------------------------------------------------------------------


def assert_throttled(response) -> None:
    assert response.status_code == 429
    body = response.json()
    assert body["status"] == 0
    assert body["message"].startswith("Request was throttled.")
    assert set(body) == {"status", "message"}
    assert int(response["Retry-After"]) > 0


def test_eleventh_login_attempt_from_one_ip_in_a_minute_is_throttled(anon):
    make_staff("clerk")
    for attempt in range(10):
        response = login(anon, f"guess{attempt}", "Wrong-pass-123", REMOTE_ADDR="10.0.0.1")
        assert response.status_code == 401

    response = login(anon, "clerk", REMOTE_ADDR="10.0.0.1")

    assert_throttled(response)
    assert login(anon, "clerk", REMOTE_ADDR="10.0.0.2").status_code == 200


def test_eleventh_login_attempt_for_one_username_is_throttled_whatever_the_ip(anon):
    make_staff("clerk")
    for attempt in range(10):
        response = login(anon, "clerk", "Wrong-pass-123", REMOTE_ADDR=f"10.0.1.{attempt}")
        assert response.status_code == 401

    response = login(anon, " CLERK ", REMOTE_ADDR="10.0.2.1")

    assert_throttled(response)
    assert OutstandingToken.objects.count() == 0


def test_a_forged_x_forwarded_for_does_not_escape_the_ip_throttle(anon):
    for attempt in range(10):
        login(
            anon,
            f"guess{attempt}",
            "x",
            REMOTE_ADDR="10.0.0.9",
            HTTP_X_FORWARDED_FOR=f"1.2.3.{attempt}",
        )

    response = login(anon, "other", "x", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="9.9.9.9")

    assert_throttled(response)


def test_other_routes_are_not_throttled_by_default(api):
    for _ in range(30):
        assert api.get("/api/health").status_code == 200


# --- Refresh and logout -----------------------------------------------------------------------


@FAULTS
def test_refresh_rotates_and_the_old_refresh_token_is_dead(anon):
    make_staff("clerk", "customers.view_customer")
    first = login(anon, "clerk").json()["data"]

    response = anon.post(REFRESH, {"refresh": first["refresh"]}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == 1
    assert body["message"] == "Token refreshed"
    assert set(body["data"]) == {"token", "refresh"}
    assert body["data"]["refresh"] != first["refresh"]
    assert bearer(body["data"]["token"]).get(GUARDED).status_code == 200
    second = anon.post(REFRESH, {"refresh": body["data"]["refresh"]}, format="json")
    assert second.status_code == 200
    assert second.json()["data"]["refresh"] != body["data"]["refresh"]
    # Replaying a rotated token is answered 401 (and ends the login: test_token_lifecycle.py).
    assert_401(anon.post(REFRESH, {"refresh": first["refresh"]}, format="json"))


def test_refresh_with_an_access_token_or_garbage_is_401(anon):
    make_staff("clerk")
    tokens = login(anon, "clerk").json()["data"]

    assert_401(anon.post(REFRESH, {"refresh": tokens["token"]}, format="json"))
    assert_401(anon.post(REFRESH, {"refresh": "not-a-token"}, format="json"))


def test_refresh_of_a_deactivated_user_is_401(anon):
    user = make_staff("clerk")
    refresh = login(anon, "clerk").json()["data"]["refresh"]
    user.is_active = False
    user.save()

    assert_401(anon.post(REFRESH, {"refresh": refresh}, format="json"))


def test_refresh_of_a_deleted_user_is_401_not_500(anon):
    user = make_staff("clerk")
    refresh = login(anon, "clerk").json()["data"]["refresh"]
    user.delete()

    assert_401(anon.post(REFRESH, {"refresh": refresh}, format="json"))


def test_refresh_without_a_body_is_422(anon):
    response = anon.post(REFRESH, {}, format="json")

    assert response.status_code == 422
    assert "refresh" in response.json()["errors"]


def test_logout_blacklists_the_refresh_token(anon):
    make_staff("clerk")
    refresh = login(anon, "clerk").json()["data"]["refresh"]

    response = anon.post(LOGOUT, {"refresh": refresh}, format="json")

    assert response.status_code == 200
    assert response.json() == {"status": 1, "message": "Successfully logged out"}
    assert BlacklistedToken.objects.count() == 1
    assert_401(anon.post(REFRESH, {"refresh": refresh}, format="json"))
    assert_401(anon.post(LOGOUT, {"refresh": refresh}, format="json"))
    assert BlacklistedToken.objects.count() == 1


def test_logout_with_an_invalid_token_is_401_and_blacklists_nothing(anon):
    assert_401(anon.post(LOGOUT, {"refresh": "garbage"}, format="json"))
    assert BlacklistedToken.objects.count() == 0


# --- Access tokens on protected routes --------------------------------------------------------


@FAULTS
def test_no_token_is_401_with_drfs_message(anon):
    response = anon.get(GUARDED)

    assert response.status_code == 401
    assert response.json() == {
        "status": 0,
        "message": "Authentication credentials were not provided.",
    }
    assert response["WWW-Authenticate"].startswith("Bearer")


def wrong_key_token(user) -> str:
    token = AccessToken.for_user(user)
    return jwt.encode(token.payload, "some-other-key-entirely-0123456789abcdef", algorithm="HS256")


def alg_none_token(user) -> str:
    token = AccessToken.for_user(user)
    return jwt.encode(token.payload, None, algorithm="none")


def expired_token(user) -> str:
    token = AccessToken.for_user(user)
    token.set_exp(from_time=timezone.now() - timedelta(hours=1), lifetime=timedelta(minutes=1))
    return str(token)


def secret_key_token(user) -> str:
    """Signed with SECRET_KEY where the JWT has its own signing key."""
    token = AccessToken.for_user(user)
    return jwt.encode(token.payload, settings.SECRET_KEY, algorithm="HS256")


def other_audience_token(user) -> str:
    token = AccessToken.for_user(user)
    token["aud"] = "someone-else"
    return jwt.encode(token.payload, settings.SIMPLE_JWT["SIGNING_KEY"], algorithm="HS256")


@FAULTS
@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda user: "not.a.jwt", id="garbage"),
        pytest.param(expired_token, id="expired"),
        pytest.param(wrong_key_token, id="wrong-key"),
        pytest.param(secret_key_token, id="secret-key-instead-of-jwt-key"),
        pytest.param(alg_none_token, id="alg-none"),
        pytest.param(other_audience_token, id="wrong-audience"),
        pytest.param(lambda user: str(RefreshToken.for_user(user)), id="refresh-as-access"),
    ],
)
def test_bad_access_tokens_are_401(make_token):
    user = make_staff("boss", superuser=True)

    response = bearer(make_token(user)).get(GUARDED)

    assert_401(response)


def test_the_jwt_key_is_not_the_secret_key():
    assert settings.SIMPLE_JWT["SIGNING_KEY"] != settings.SECRET_KEY
    assert settings.SIMPLE_JWT["ALGORITHM"] == "HS256"


@FAULTS
@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"is_active": False}, id="inactive"),
        pytest.param({"is_staff": False}, id="no-longer-staff"),
    ],
)
def test_a_token_stops_working_when_its_user_loses_access(change):
    user = make_staff("boss", superuser=True)
    client = client_for(user)
    assert client.get(GUARDED).status_code == 200
    get_user_model().objects.filter(pk=user.pk).update(**change)

    assert_401(client.get(GUARDED))


@FAULTS
def test_a_token_of_a_deleted_user_is_401():
    user = make_staff("boss", superuser=True)
    client = client_for(user)
    user.delete()

    assert_401(client.get(GUARDED))


@FAULTS
def test_staff_without_the_routes_permission_is_403(staff_factory):
    _, client = staff_factory("clerk", "customers.add_customer")

    response = client.get(GUARDED)

    assert response.status_code == 403
    assert response.json() == {
        "status": 0,
        "message": "You do not have permission to perform this action.",
    }


@FAULTS
def test_staff_with_the_routes_permission_passes(staff_factory):
    _, client = staff_factory("clerk", "customers.view_customer")

    response = client.get(GUARDED)

    assert response.status_code == 200
    assert response.json() == {"status": 1, "message": "guarded", "data": {"ok": True}}


@FAULTS
def test_a_method_without_a_declared_permission_is_refused_even_to_a_superuser(api):
    response = api.delete(GUARDED)

    assert response.status_code == 403
    assert response.json()["status"] == 0
