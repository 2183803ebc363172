"""POST /api/customer (API.md §3.1)."""

from urllib.parse import urlencode

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from customers.models import Customer
from customers.tests.conftest import db_state
from customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

URL = "/api/customer"
SECRET_KEYS = {"password", "forgetPasswordKey", "linkExpires", "oauthData"}
FULL_KEYS = {
    "id", "firstName", "lastName", "username", "email", "mobileNumber", "address", "countryId",
    "zoneId", "city", "local", "pincode", "avatar", "avatarPath", "newsletter", "customerGroupId",
    "customerGroupName", "lastLogin", "safe", "ip", "mailStatus", "deleteFlag", "isActive",
    "realName", "customerNo", "lockedOn", "createdBy", "createdDate", "modifiedBy", "modifiedDate",
}  # fmt: skip


def body(group, **overrides):
    data = {
        "customerGroupId": group.pk,
        "username": "Grace",
        "lastName": "Hopper",
        "email": "Grace@Example.com",
        "mobileNumber": "+44 (0) 7700-900.123",
        "password": "Secret-pass1",
        "confirmPassword": "Secret-pass1",
        "newsletter": 1,
        "mailStatus": 0,
        "status": 1,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not ...}


@pytest.mark.parametrize("fmt", ["json", "urlencoded", "multipart"])
def test_add_creates_the_customer_in_every_body_encoding(api, superuser, group, fmt):
    data = body(group)
    if fmt == "urlencoded":
        response = api.generic(
            "POST",
            URL,
            urlencode(data),
            content_type="application/x-www-form-urlencoded",
        )
    else:
        response = api.post(URL, data, format=fmt)

    assert response.status_code == 200, response.json()
    payload = response.json()
    assert payload["status"] == 1
    assert payload["message"] == "Customer Created Successfully"
    data = payload["data"]
    assert set(data) == FULL_KEYS
    assert not SECRET_KEYS & set(data)
    customer = Customer.objects.get()
    assert data["id"] == customer.pk
    assert data["firstName"] == "Grace"
    assert data["lastName"] == "Hopper"
    assert data["email"] == data["username"] == "grace@example.com"
    assert data["mobileNumber"] == "+447700900123"
    assert data["customerGroupId"] == group.pk
    assert data["customerGroupName"] == "Retail"
    assert data["isActive"] == 1
    assert data["newsletter"] == 1
    assert data["mailStatus"] == 0
    assert data["deleteFlag"] == 0
    assert data["createdBy"] == data["modifiedBy"] == superuser.pk
    assert customer.password != "Secret-pass1"
    assert customer.password.startswith("md5$")  # hashed by Django's configured hasher
    assert customer.username == customer.email == "grace@example.com"
    assert customer.newsletter is True
    assert len(mail.outbox) == 0


def test_add_stores_a_verifiable_password_hash(api, group):
    from django.contrib.auth.hashers import check_password

    api.post(URL, body(group), format="json")

    assert check_password("Secret-pass1", Customer.objects.get().password)


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ({"status": "0", "mailStatus": "0", "newsletter": "0"}, (False, False)),
        ({"status": True, "mailStatus": False, "newsletter": True}, (True, True)),
        ({"status": 0, "mailStatus": 0, "newsletter": ...}, (False, False)),
    ],
)
def test_add_accepts_flags_as_numbers_strings_or_booleans(api, group, flags, expected):
    response = api.post(URL, body(group, **flags), format="json")

    assert response.status_code == 200, response.json()
    customer = Customer.objects.get()
    assert (customer.is_active, customer.newsletter) == expected
    assert response.json()["data"]["isActive"] == int(expected[0])


def test_add_accepts_the_mobile_number_as_a_json_number(api, group):
    response = api.post(URL, body(group, mobileNumber=4477009001), format="json")

    assert response.status_code == 200
    assert response.json()["data"]["mobileNumber"] == "4477009001"


def test_add_accepts_the_group_id_as_a_numeric_string(api, group):
    response = api.post(URL, body(group, customerGroupId=str(group.pk)), format="json")

    assert response.status_code == 200


def test_add_with_mail_status_sends_a_welcome_mail_after_commit(
    api, group, settings, django_capture_on_commit_callbacks
):
    settings.SHOP_NAME = "Tea & Things"

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(URL, body(group, mailStatus=1), format="json")

    assert response.status_code == 200
    assert response.json()["message"] == (
        "Successfully created new customer with email Id and password and email sent."
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["grace@example.com"]
    assert "Tea & Things" in message.subject
    assert "Tea & Things" in message.body
    assert "grace@example.com" in message.body
    assert "Secret-pass1" not in message.body
    assert "Secret-pass1" not in message.subject


def test_add_without_mail_status_sends_nothing(api, group, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        api.post(URL, body(group, mailStatus=0), format="json")

    assert mail.outbox == []


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("SMTP server down")


def test_a_mail_failure_never_fails_the_add(
    api, group, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "customers.tests.test_add.BrokenBackend"

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(URL, body(group, mailStatus=1), format="json")

    assert response.status_code == 200
    assert Customer.objects.count() == 1


def test_duplicate_email_among_live_customers_is_refused(api, group):
    CustomerFactory(email="grace@example.com")
    before = db_state()

    response = api.post(URL, body(group, email="  GRACE@example.COM "), format="json")

    assert response.status_code == 400
    assert response.json() == {
        "status": 0,
        "message": "A Customer is already registered with this email Id.",
    }
    assert db_state() == before


def test_the_email_of_a_deleted_customer_may_be_registered_again(api, group):
    CustomerFactory(email="grace@example.com", is_deleted=True)

    response = api.post(URL, body(group), format="json")

    assert response.status_code == 200
    assert Customer.objects.filter(email="grace@example.com").count() == 2


def test_passwords_that_differ_are_refused(api, group):
    before = db_state()

    response = api.post(URL, body(group, confirmPassword="Secret-pass2"), format="json")

    assert response.status_code == 400
    assert response.json() == {"status": 0, "message": "Password does not match."}
    assert db_state() == before


@pytest.mark.parametrize("group_id", [999_999, 0, -5])
def test_an_unknown_group_is_refused(api, group, group_id):
    before = db_state()

    response = api.post(URL, body(group, customerGroupId=group_id), format="json")

    assert response.status_code == 400
    assert response.json() == {"status": 0, "message": "Invalid customer group Id."}
    assert db_state() == before


def test_duplicate_email_is_checked_before_the_password_match(api, group):
    CustomerFactory(email="grace@example.com")

    response = api.post(URL, body(group, confirmPassword="Other-pass1"), format="json")

    assert response.json()["message"] == "A Customer is already registered with this email Id."


def test_password_match_is_checked_before_the_group(api, group):
    response = api.post(
        URL, body(group, confirmPassword="Other-pass1", customerGroupId=999), format="json"
    )

    assert response.json()["message"] == "Password does not match."


def test_validation_comes_before_business_rules(api, group):
    CustomerFactory(email="grace@example.com")

    response = api.post(URL, body(group, mobileNumber="12"), format="json")

    assert response.status_code == 422


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"customerGroupId": ...}, "customerGroupId"),
        ({"customerGroupId": "abc"}, "customerGroupId"),
        ({"customerGroupId": 1.5}, "customerGroupId"),
        ({"customerGroupId": True}, "customerGroupId"),
        ({"customerGroupId": 2**63}, "customerGroupId"),
        ({"customerGroupId": "99999999999999999999999"}, "customerGroupId"),
        ({"username": ...}, "username"),
        ({"username": "   "}, "username"),
        ({"username": "x" * 33}, "username"),
        ({"username": "Gr\x00ace"}, "username"),
        ({"lastName": "x" * 97}, "lastName"),
        ({"lastName": "a\x00b"}, "lastName"),
        ({"email": ...}, "email"),
        ({"email": "not-an-email"}, "email"),
        ({"email": ("x" * 90) + "@example.com"}, "email"),
        ({"email": "a\x00b@example.com"}, "email"),
        ({"mobileNumber": ...}, "mobileNumber"),
        ({"mobileNumber": "12345"}, "mobileNumber"),
        ({"mobileNumber": "1234567890123456"}, "mobileNumber"),
        ({"mobileNumber": "12345abc"}, "mobileNumber"),
        ({"mobileNumber": "12+345678"}, "mobileNumber"),
        ({"mobileNumber": -1234567}, "mobileNumber"),
        ({"mobileNumber": 12345678.5}, "mobileNumber"),
        ({"mobileNumber": True}, "mobileNumber"),
        ({"mobileNumber": "1234567\x00"}, "mobileNumber"),
        ({"password": ...}, "password"),
        ({"password": "short1A", "confirmPassword": "short1A"}, "password"),
        ({"password": "alllowercase1", "confirmPassword": "alllowercase1"}, "password"),
        ({"password": "ALLUPPERCASE1", "confirmPassword": "ALLUPPERCASE1"}, "password"),
        ({"password": "NoDigitOrSymbol", "confirmPassword": "NoDigitOrSymbol"}, "password"),
        ({"password": "Aa1" + "x" * 126, "confirmPassword": "Aa1" + "x" * 126}, "password"),
        ({"password": "Secret-pass1\x00", "confirmPassword": "Secret-pass1\x00"}, "password"),
        ({"confirmPassword": ...}, "confirmPassword"),
        ({"newsletter": 2}, "newsletter"),
        ({"mailStatus": ...}, "mailStatus"),
        ({"mailStatus": "yes"}, "mailStatus"),
        ({"status": ...}, "status"),
        ({"status": -1}, "status"),
        ({"status": "2"}, "status"),
        ({"status": None}, "status"),
    ],
)
def test_invalid_fields_are_422_naming_the_request_field(api, group, overrides, field):
    before = db_state()

    response = api.post(URL, body(group, **overrides), format="json")

    assert response.status_code == 422, response.json()
    payload = response.json()
    assert payload["status"] == 0
    assert field in payload["errors"]
    assert payload["message"].startswith(f"{field}:")
    assert db_state() == before


def test_the_password_message_is_the_contract_rule(api, group):
    response = api.post(URL, body(group, password="weakpass", confirmPassword="weakpass"))

    assert response.json()["errors"]["password"] == [
        "Password must contain at least one number or one symbol and one uppercase and "
        "lowercase letter, and at least 8 and at most 128 characters"
    ]


def test_a_symbol_instead_of_a_digit_is_a_valid_password(api, group):
    response = api.post(
        URL, body(group, password="Secret#pass", confirmPassword="Secret#pass"), format="json"
    )

    assert response.status_code == 200


def test_add_is_served_under_the_admin_customer_alias(api, group):
    response = api.post("/api/admin-customer/", body(group), format="json")

    assert response.status_code == 200
    assert response.json()["message"] == "Customer Created Successfully"


def test_add_needs_a_token(anon, group):
    response = anon.post(URL, body(group), format="json")

    assert response.status_code == 401
    assert response.json()["status"] == 0
    assert Customer.objects.count() == 0


def test_add_needs_the_add_permission(staff_factory, group):
    _, viewer = staff_factory("viewer", "customers.view_customer", "customers.change_customer")

    response = viewer.post(URL, body(group), format="json")

    assert response.status_code == 403
    assert response.json() == {
        "status": 0,
        "message": "You do not have permission to perform this action.",
    }
    assert Customer.objects.count() == 0


def test_add_with_only_the_add_permission_works(staff_factory, group):
    _, adder = staff_factory("adder", "customers.add_customer")

    response = adder.post(URL, body(group), format="json")

    assert response.status_code == 200


@pytest.mark.parametrize("method", ["patch", "delete", "put"])
def test_wrong_method_on_the_collection_is_405(api, method):
    response = getattr(api, method)(URL)

    assert response.status_code == 405
    assert response.json() == {
        "status": 0,
        "message": f'Method "{method.upper()}" not allowed.',
    }


def test_losing_the_race_on_the_unique_index_is_the_same_400(api, group, monkeypatch):
    # The pre-check sees no duplicate (as when another request inserts in between); the partial
    # unique index on email then decides, and the loser still gets the contract's 400.
    from customers.services import customers as customer_services

    CustomerFactory(email="grace@example.com")
    checks = iter([False])
    real = customer_services._email_taken
    monkeypatch.setattr(
        customer_services,
        "_email_taken",
        lambda email, **kw: next(checks, None) or real(email, **kw),
    )
    before = db_state()

    response = api.post(URL, body(group), format="json")

    assert response.status_code == 400
    assert response.json()["message"] == "A Customer is already registered with this email Id."
    assert db_state() == before
