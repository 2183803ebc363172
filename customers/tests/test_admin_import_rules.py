"""Security finding 6 (issue 18): the admin import applies the API's input rules. Hostile e-mails
are refused with the API's message, and a blank flag cell keeps the stored value instead of
re-activating a customer or resetting the newsletter."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from customers.models import Customer
from customers.tests.factories import CustomerFactory, CustomerGroupFactory

pytestmark = pytest.mark.django_db

CUSTOMER_IMPORT = reverse("admin:customers_customer_import")


@pytest.fixture
def admin(superuser) -> Client:
    client = Client()
    client.force_login(superuser)
    return client


def preview(client, csv: str):
    upload = SimpleUploadedFile("customers.csv", csv.encode())
    return client.post(CUSTOMER_IMPORT, {"format": "0", "import_file": upload})


def confirm(client, response):
    form = response.context["confirm_form"]
    url = reverse("admin:customers_customer_process_import")
    return client.post(url, {name: form[name].value() for name in form.fields}, follow=True)


@pytest.mark.parametrize(
    "email",
    [
        "<script>alert(1)</script>@example.com",
        '"a@example.com\r\nBcc: victim@example.org"',
        "not-an-email",
        "a" * 90 + "@example.com",
    ],
)
def test_hostile_or_invalid_emails_are_refused_with_the_apis_message(admin, email, api):
    CustomerGroupFactory(name="Retail")
    csv = f"first_name,email,mobile_number,customer_group\nAda,{email},+447900111222,Retail\n"

    response = preview(admin, csv)

    result = response.context["result"]
    assert result.has_validation_errors()
    errors = result.invalid_rows[0].field_specific_errors["Email Id"]
    body = {
        "customerGroupId": 1,
        "username": "Ada",
        "email": email.strip('"') if "\r\n" in email else email,
        "mobileNumber": "+447900111222",
        "password": "Secret-pass1",
        "confirmPassword": "Secret-pass1",
        "mailStatus": 0,
        "status": 1,
    }
    api_errors = api.post("/api/customer", body, format="json").json()["errors"]["email"]
    assert errors == api_errors
    assert Customer.objects.count() == 0


def test_blank_flags_keep_the_stored_values(admin):
    retail = CustomerGroupFactory(name="Retail")
    customer = CustomerFactory(
        customer_group=retail,
        email="kept@example.com",
        first_name="Kept",
        is_active=False,
        newsletter=True,
    )
    csv = (
        "first_name,email,mobile_number,customer_group,is_active,newsletter\n"
        f"Renamed,kept@example.com,{customer.mobile_number},Retail,,\n"
    )

    done = confirm(admin, preview(admin, csv))

    assert done.status_code == 200
    customer.refresh_from_db()
    assert customer.first_name == "Renamed"
    assert (customer.is_active, customer.newsletter) == (False, True)


def test_blank_flags_of_a_new_customer_take_the_defaults(admin):
    CustomerGroupFactory(name="Retail")
    csv = (
        "first_name,email,mobile_number,customer_group,is_active,newsletter\n"
        "New,new@example.com,+447900111222,Retail,,\n"
    )

    confirm(admin, preview(admin, csv))

    customer = Customer.objects.get(email="new@example.com")
    assert (customer.is_active, customer.newsletter) == (True, False)
