"""The mobile-number rule (customers/rules.py): a `(0)` trunk prefix after the country code is
dropped, whichever door the number comes through."""

import pytest

from customers import rules
from customers.models import Customer


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("+44 (0)20 7946-0958", "+442079460958"),
        ("+44(0)2079460958", "+442079460958"),
        ("+44 (0) 7700-900.123", "+447700900123"),
        ("+49 (0) 30 901820", "+4930901820"),
        ("+353 (0)1 234 5678", "+35312345678"),
        # A 0 that is not a trunk prefix right after the country code stays a digit.
        ("+44 20 (0)7946 0958", "+4420079460958"),
        ("020 7946 0958", "02079460958"),
        ("(0)20 7946 0958", "02079460958"),
        ("+44 (020) 7946 0958", "+4402079460958"),
    ],
)
def test_trunk_prefix_after_the_country_code_is_dropped(raw, stored):
    assert rules.normalise_mobile(raw) == stored


def test_the_six_to_fifteen_digit_rule_still_applies_after_the_trunk_prefix():
    assert rules.normalise_mobile("+44 (0)1234") == "+441234"
    assert rules.normalise_mobile("+44 (0)123") is None  # 6 digits only with the dropped 0


@pytest.mark.django_db
def test_api_add_stores_the_number_without_the_trunk_prefix(api, group):
    response = api.post(
        "/api/customer",
        {
            "customerGroupId": group.pk,
            "username": "Ada",
            "email": "ada@example.com",
            "mobileNumber": "+44 (0)20 7946-0958",
            "password": "Secret-pass1",
            "confirmPassword": "Secret-pass1",
            "mailStatus": 0,
            "status": 1,
        },
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["data"]["mobileNumber"] == "+442079460958"
    assert Customer.objects.get().mobile_number == "+442079460958"
