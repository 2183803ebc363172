"""One rule, every door (issue 12): the same bad value sent through the API (add, update), the
admin's forms (add, change), the admin import, the import command and the import pipeline the
background job calls is refused by all of them, with the same message, and nothing changes."""

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from customers import rules
from customers.imports import bulk as imports
from customers.tests.conftest import db_state
from customers.tests.factories import CustomerFactory, CustomerGroupFactory

pytestmark = pytest.mark.django_db

# (rule, bad value, message)
BAD = [
    ("email", "not-an-email", rules.EMAIL_MESSAGE),
    ("email", "<script>alert(1)</script>@example.com", rules.EMAIL_MESSAGE),
    ("email", "a@example.com\nBcc: victim@example.org", rules.EMAIL_MESSAGE),
    ("email", "a" * 85 + "@example.com", "Ensure this field has no more than 96 characters."),
    ("mobile", "12", rules.MOBILE_MESSAGE),
    ("mobile", "12345abc", rules.MOBILE_MESSAGE),
    ("mobile", "+44 (0)12", rules.MOBILE_MESSAGE),
    ("first_name", "x" * 33, "Ensure this field has no more than 32 characters."),
    ("last_name", "y" * 97, "Ensure this field has no more than 96 characters."),
]
API_FIELD = {
    "email": "email",
    "mobile": "mobileNumber",
    "first_name": "username",
    "last_name": "lastName",
}
FORM_FIELD = {
    "email": "email",
    "mobile": "mobile_number",
    "first_name": "first_name",
    "last_name": "last_name",
}
COLUMN = {
    "email": "Email Id",
    "mobile": "Mobile Number",
    "first_name": "First Name",
    "last_name": "Last Name",
}
GOOD = {
    "email": "new@example.com",
    "mobile": "+447900111222",
    "first_name": "Ada",
    "last_name": "Lovelace",
}


@pytest.fixture
def world(db):
    group = CustomerGroupFactory(name="Retail")
    customer = CustomerFactory(customer_group=group, email="kept@example.com")
    return group, customer


def values(rule: str, value: str) -> dict:
    return GOOD | {rule: value}


def api_add(api, group, customer, rule, value, tmp_path) -> list[str]:
    data = values(rule, value)
    body = {
        "customerGroupId": group.pk,
        "username": data["first_name"],
        "lastName": data["last_name"],
        "email": data["email"],
        "mobileNumber": data["mobile"],
        "password": "Secret-pass1",
        "confirmPassword": "Secret-pass1",
        "mailStatus": 0,
        "status": 1,
    }
    response = api.post("/api/customer", body, format="json")
    assert response.status_code == 422
    return response.json()["errors"][API_FIELD[rule]]


def api_update(api, group, customer, rule, value, tmp_path) -> list[str]:
    data = values(rule, value)
    body = {
        "customerGroupId": group.pk,
        "username": data["first_name"],
        "lastName": data["last_name"],
        "email": data["email"] if rule == "email" else customer.email,
        "mobileNumber": data["mobile"],
        "mailStatus": 0,
        "status": 1,
    }
    response = api.put(f"/api/customer/{customer.pk}", body, format="json")
    assert response.status_code == 422
    return response.json()["errors"][API_FIELD[rule]]


def _admin(superuser) -> Client:
    client = Client()
    client.force_login(superuser)
    return client


def _form(group, data) -> dict:
    return {
        "first_name": data["first_name"],
        "last_name": data["last_name"],
        "email": data["email"],
        "mobile_number": data["mobile"],
        "customer_group": str(group.pk),
        "is_active": "on",
    }


def admin_add(superuser, group, customer, rule, value, tmp_path) -> list[str]:
    form = _form(group, values(rule, value)) | {
        "password1": "Secret-pass1",
        "password2": "Secret-pass1",
    }
    response = _admin(superuser).post(reverse("admin:customers_customer_add"), form)
    assert response.status_code == 200
    return response.context["adminform"].form.errors[FORM_FIELD[rule]]


def admin_change(superuser, group, customer, rule, value, tmp_path) -> list[str]:
    data = values(rule, value)
    if rule != "email":
        data["email"] = customer.email
    url = reverse("admin:customers_customer_change", args=[customer.pk])
    response = _admin(superuser).post(url, _form(group, data))
    assert response.status_code == 200
    return response.context["adminform"].form.errors[FORM_FIELD[rule]]


def _csv(rule, value) -> bytes:
    data = values(rule, value)
    header = "Email Id,First Name,Last Name,Mobile Number,Group\n"
    row = [data["email"], data["first_name"], data["last_name"], data["mobile"], "Retail"]
    # The csv module quotes the line break inside the e-mail.
    out = io.StringIO()
    csv.writer(out).writerow(row)
    return (header + out.getvalue()).encode()


def admin_import(superuser, group, customer, rule, value, tmp_path) -> list[str]:
    upload = SimpleUploadedFile("customers.csv", _csv(rule, value))
    response = _admin(superuser).post(
        reverse("admin:customers_customer_import"), {"format": "0", "import_file": upload}
    )
    result = response.context["result"]
    assert result.has_validation_errors()
    assert result.invalid_rows[0].number + 1 == 2  # the spreadsheet row (header = row 1)
    return result.invalid_rows[0].field_specific_errors[COLUMN[rule]]


def command_import(superuser, group, customer, rule, value, tmp_path) -> list[str]:
    path = tmp_path / "customers.csv"
    path.write_bytes(_csv(rule, value))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_customers", str(path), stdout=io.StringIO(), stderr=err)
    prefix = f"row 2: {COLUMN[rule]}: "
    return [line[len(prefix) :] for line in err.getvalue().splitlines() if line.startswith(prefix)]


def pipeline(superuser, group, customer, rule, value, tmp_path) -> list[str]:
    """The function the background import job calls."""
    path = Path(tmp_path) / "customers.csv"
    path.write_bytes(_csv(rule, value))
    report = imports.validate(path)
    return [e.message for e in report.errors if (e.row, e.column) == (2, COLUMN[rule])]


DOORS = [api_add, api_update, admin_add, admin_change, admin_import, command_import, pipeline]


@pytest.mark.parametrize("door", DOORS, ids=[door.__name__ for door in DOORS])
@pytest.mark.parametrize(
    ("rule", "value", "message"), BAD, ids=[f"{r}-{v!r:.24}" for r, v, _ in BAD]
)
def test_every_door_refuses_the_same_value_with_the_same_message(
    door, rule, value, message, world, api, superuser, tmp_path
):
    group, customer = world
    before = db_state()
    user = api if door in (api_add, api_update) else superuser

    messages = door(user, group, customer, rule, value, tmp_path)

    assert messages == [message]
    assert db_state() == before


def test_every_door_accepts_the_good_values(world, tmp_path):
    # The same values with nothing wrong pass the pipeline's check (the control case).
    path = tmp_path / "customers.csv"
    path.write_bytes(_csv("email", GOOD["email"]))

    assert imports.validate(path).errors == []


def test_the_job_entry_point_reports_in_the_contracts_summary_shape(world, tmp_path):
    path = tmp_path / "customers.csv"
    path.write_text(
        "Email Id,First Name,Mobile Number,Group\n"
        "kept@example.com,Kept,+447900111222,Retail\n"
        "bad-email,Ada,+447900111223,Retail\n"
        "new@example.com,Ada,+447900111224,No such group\n"
    )
    before = db_state()

    report = imports.import_file(path)

    assert report.summary() == {
        "created": 0,
        "updated": 0,
        "unchanged": 0,
        "failed": 2,
        "errors": [
            {"row": 3, "field": "Email Id", "message": rules.EMAIL_MESSAGE},
            {"row": 4, "field": "Group", "message": "No customer group named 'No such group'."},
        ],
    }
    assert db_state() == before

    report = imports.import_file(path, skip_invalid=True)

    assert (report.created, report.updated, report.unchanged, report.skipped) == (0, 1, 0, 2)
