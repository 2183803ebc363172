"""Token lifecycle (API.md §2; security finding 3): families, the session cap, reuse detection,
and revocation at once on logout, password change, deactivation and loss of staff status."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from conftest import make_staff
from ecommerce_admin.api.auth import StaffJWTAuthentication
from ecommerce_admin.models import TokenFamily

pytestmark = [pytest.mark.django_db, pytest.mark.urls("ecommerce_admin.tests.urls_faults")]

LOGIN = "/api/auth/login"
REFRESH = "/api/auth/token/refresh"
LOGOUT = "/api/auth/logout"
GUARDED = "/api/test-guarded"
PASSWORD = "Staff-pass-123"
VIEW = "customers.view_customer"


def login(username="clerk") -> dict:
    response = APIClient().post(LOGIN, {"username": username, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["data"]


def refresh(token: str):
    return APIClient().post(REFRESH, {"refresh": token}, format="json")


def get_with(access: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client.get(GUARDED).status_code


def alive(pair: dict) -> bool:
    """Both halves of a login answer: the access token on a route, the refresh token (spent)."""
    return get_with(pair["token"]) == 200 and refresh(pair["refresh"]).status_code == 200


@pytest.fixture
def clerk():
    return make_staff("clerk", VIEW)


def test_a_replayed_refresh_token_revokes_the_whole_login(clerk):
    first = login()
    second = refresh(first["refresh"]).json()["data"]
    third = refresh(second["refresh"]).json()["data"]
    other_login = login()

    replay = refresh(first["refresh"])  # the thief (or the owner) presents a rotated token

    assert replay.status_code == 401
    assert replay.json()["status"] == 0
    # Every token of that login is dead from now on, the newest descendant included.
    assert refresh(third["refresh"]).status_code == 401
    assert get_with(third["token"]) == 401
    assert get_with(first["token"]) == 401
    assert TokenFamily.objects.get(revoked_reason="reuse").user == clerk
    # Another login of the same user is a separate family.
    assert alive(other_login)


def test_refreshing_never_extends_the_session_past_its_cap(clerk, settings):
    settings.JWT_SESSION_MAX_HOURS = 1
    started = timezone.now()
    first = login()

    rotated = refresh(first["refresh"]).json()["data"]

    cap = (started + timedelta(hours=1, seconds=5)).timestamp()
    for token in (RefreshToken(rotated["refresh"]), AccessToken(rotated["token"])):
        assert token["exp"] <= cap
    assert RefreshToken(first["refresh"], verify=False)["exp"] <= cap


def test_a_login_past_its_session_cap_is_refused_with_every_token(clerk):
    pair = login()
    # The session's absolute end has passed (as if 24 hours had gone by).
    TokenFamily.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert refresh(pair["refresh"]).status_code == 401
    assert get_with(pair["token"]) == 401


def test_logout_refuses_the_access_token_at_once(clerk):
    pair = login()
    other = login()
    assert get_with(pair["token"]) == 200

    response = APIClient().post(LOGOUT, {"refresh": pair["refresh"]}, format="json")

    assert response.status_code == 200
    assert get_with(pair["token"]) == 401
    assert refresh(pair["refresh"]).status_code == 401
    assert alive(other)


def test_logout_with_a_rotated_refresh_token_is_401(clerk):
    pair = login()
    refresh(pair["refresh"])

    response = APIClient().post(LOGOUT, {"refresh": pair["refresh"]}, format="json")

    assert response.status_code == 401


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda user: user.set_password("A-brand-new-pass-456"), id="password"),
        pytest.param(lambda user: setattr(user, "is_active", False), id="deactivated"),
        pytest.param(lambda user: setattr(user, "is_staff", False), id="staff-removed"),
    ],
)
def test_a_password_or_status_change_revokes_every_token_of_the_user_at_once(clerk, change):
    sessions = [login(), login()]
    bystander = make_staff("bystander", VIEW)
    bystander_pair = login("bystander")
    clerk = get_user_model().objects.get(pk=clerk.pk)

    change(clerk)
    clerk.save()

    for pair in sessions:
        assert get_with(pair["token"]) == 401
        assert refresh(pair["refresh"]).status_code == 401
    # Undoing the change does not revive the old logins.
    clerk.is_active = clerk.is_staff = True
    clerk.save()
    for pair in sessions:
        assert get_with(pair["token"]) == 401
    assert alive(bystander_pair)
    assert bystander.pk


def test_a_password_changed_without_save_still_revokes_the_tokens(clerk):
    pair = login()

    get_user_model().objects.filter(pk=clerk.pk).update(password=make_password("Other-pass-789"))

    assert get_with(pair["token"]) == 401
    assert refresh(pair["refresh"]).status_code == 401


def test_a_password_changed_in_the_admin_revokes_the_tokens():
    boss = make_staff("boss", superuser=True)
    clerk = make_staff("clerk", VIEW)
    pair = login()
    browser = APIClient()
    browser.force_login(boss)

    response = browser.post(
        f"/admin/auth/user/{clerk.pk}/password/",
        {"password1": "Changed-by-admin-1", "password2": "Changed-by-admin-1"},
    )

    assert response.status_code == 302
    assert get_with(pair["token"]) == 401


def test_a_token_without_a_login_session_is_refused(clerk):
    # A token signed with the right key but minted outside a login (no family claim).
    assert get_with(str(AccessToken.for_user(clerk))) == 401
    assert refresh(str(RefreshToken.for_user(clerk))).status_code == 401


def test_authenticating_a_request_costs_one_query(clerk):
    access = login()["token"]
    request = APIRequestFactory().get(GUARDED, HTTP_AUTHORIZATION=f"Bearer {access}")

    with CaptureQueriesContext(connection) as queries:
        user, _ = StaffJWTAuthentication().authenticate(request)

    assert user == clerk
    assert len(queries) == 1
    assert "token" in queries[0]["sql"].lower()
