"""Login by e-mail and the permission map of the login answer (API.md §9.5)."""

import pytest
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from conftest import make_staff
from ecommerce_admin.api.permission_map import CLIENT_PERMISSIONS

LOGIN = "/api/auth/login"
PASSWORD = "Staff-pass-123"
INVALID = "Invalid username or password."


def login(client, username, password=PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password}, format="json")


@pytest.mark.parametrize("typed", ["ada@shop.example", "  ADA@Shop.Example  ", "Ada@shop.example"])
def test_an_active_staff_user_logs_in_with_their_email(anon, db, typed):
    user = make_staff("ada", email="Ada@Shop.example")

    response = login(anon, typed)

    assert response.status_code == 200
    assert response.json()["data"]["user"]["id"] == user.pk


def test_the_username_wins_over_an_email_that_looks_the_same(anon, db):
    owner = make_staff("x@shop.example", email="other@shop.example")
    make_staff("someone", email="x@shop.example")

    response = login(anon, "x@shop.example")

    assert response.status_code == 200
    assert response.json()["data"]["user"]["id"] == owner.pk


def test_an_email_shared_by_two_active_staff_users_logs_nobody_in(anon, db):
    make_staff("one", email="team@shop.example")
    make_staff("two", email="TEAM@shop.example")

    by_email = login(anon, "team@shop.example")
    by_username = login(anon, "one")

    assert by_email.status_code == 401
    assert by_email.json() == {"status": 0, "message": INVALID}
    assert by_username.status_code == 200
    assert OutstandingToken.objects.count() == 1


def test_an_inactive_or_non_staff_namesake_does_not_block_the_email(anon, db):
    make_staff("gone", email="desk@shop.example", is_active=False)
    make_staff("shopper", email="desk@shop.example", is_staff=False)
    active = make_staff("desk", email="desk@shop.example")

    response = login(anon, "desk@shop.example")

    assert response.status_code == 200
    assert response.json()["data"]["user"]["id"] == active.pk


@pytest.mark.parametrize(
    ("username", "password", "staff"),
    [
        ("nobody@shop.example", PASSWORD, True),  # no such e-mail
        ("ada@shop.example", "Wrong-pass-123", True),  # wrong password
        ("ada@shop.example", PASSWORD, False),  # not staff
    ],
)
def test_every_failure_is_the_same_401(anon, db, username, password, staff):
    make_staff("ada", email="ada@shop.example", is_staff=staff)

    response = login(anon, username, password)

    assert response.status_code == 401
    assert response.json() == {"status": 0, "message": INVALID}
    assert OutstandingToken.objects.count() == 0


def test_the_throttle_counts_the_email_as_typed_case_insensitively(anon, db):
    make_staff("ada", email="ada@shop.example")
    for index in range(10):
        anon.post(
            LOGIN,
            {"username": "ADA@shop.example" if index % 2 else "ada@shop.example", "password": "x"},
            format="json",
            REMOTE_ADDR=f"10.0.0.{index}",
        )

    response = anon.post(
        LOGIN, {"username": "Ada@Shop.example", "password": PASSWORD}, REMOTE_ADDR="10.0.1.1"
    )

    assert response.status_code == 429


def test_the_permission_map_has_exactly_the_fifteen_keys(anon, db):
    make_staff("boss", superuser=True)
    make_staff("plain")
    make_staff(
        "clerk",
        "customers.view_customer",
        "customers.change_customer",
        "customers.export_customer",
        "customers.delete_customergroup",
    )

    everything = login(anon, "boss").json()["data"]["permission"]
    nothing = login(anon, "plain").json()["data"]["permission"]
    some = login(anon, "clerk").json()["data"]["permission"]

    assert len(CLIENT_PERMISSIONS) == 15
    assert everything == dict.fromkeys(CLIENT_PERMISSIONS, True)
    assert nothing == dict.fromkeys(CLIENT_PERMISSIONS, False)
    assert {key for key, granted in some.items() if granted} == {
        "list-buyer",
        "view-buyer",
        "edit-buyer",
        "update-buyer",
        "export-buyer",
        "delete-customer-group",
    }
    assert set(some) == set(CLIENT_PERMISSIONS)
    assert all(isinstance(value, bool) for value in some.values())


def test_permissions_granted_through_a_group_count(anon, db):
    from django.contrib.auth.models import Group, Permission

    team = Group.objects.create(name="Clerks")
    team.permissions.add(Permission.objects.get(codename="add_customer"))
    user = make_staff("member")
    user.groups.add(team)

    permission = login(anon, "member").json()["data"]["permission"]

    assert permission["create-buyer"] is True
    assert permission["edit-buyer"] is False
