"""`seed_demo` makes only data the product's own rules accept: a PUT that echoes a demo
customer's (or group's) stored values succeeds, and so does saving it unchanged in the admin."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from customers import demo
from customers.models import Customer, CustomerGroup

pytestmark = pytest.mark.django_db

DEMO = {"customers": 80, "vendors": 3, "products": 10, "orders": 10, "views": 10, "visits": 10}


@pytest.fixture
def demo_data(db):
    call_command("seed_demo", **DEMO, stdout=StringIO())


def echo(customer: Customer) -> dict:
    return {
        "customerGroupId": customer.customer_group_id,
        "username": customer.first_name,
        "lastName": customer.last_name,
        "email": customer.email,
        "mobileNumber": customer.mobile_number,
        "newsletter": int(customer.newsletter),
        "realName": customer.real_name,
        "customerNo": customer.customer_no,
        "mailStatus": int(customer.mail_status),
        "status": int(customer.is_active),
    }


def admin_echo(customer: Customer) -> dict:
    """The change form as the admin shows it for this customer, submitted unchanged."""
    form = {
        "first_name": customer.first_name,
        "last_name": customer.last_name or "",
        "email": customer.email,
        "mobile_number": customer.mobile_number,
        "customer_group": str(customer.customer_group_id or ""),
        "real_name": customer.real_name or "",
        "customer_no": customer.customer_no or "",
        "address": customer.address or "",
        "city": customer.city or "",
        "pincode": customer.pincode or "",
        "country_id": customer.country_id or "",
        "zone_id": customer.zone_id or "",
        "local": customer.local or "",
    }
    for flag in ("is_active", "mail_status", "newsletter"):
        if getattr(customer, flag):
            form[flag] = "on"
    return form


def test_every_demo_name_makes_an_email_the_api_accepts():
    from rest_framework import serializers

    field = serializers.EmailField(max_length=96)
    for first in demo.FIRST_NAMES:
        for last in demo.LAST_NAMES:
            email = demo.demo_email(first, last, 999_999)
            assert field.run_validation(email) == email


def test_a_put_echoing_each_demo_customer_is_accepted(api, demo_data):
    refused = []
    for customer in Customer.objects.order_by("id"):
        response = api.put(f"/api/customer/{customer.pk}", echo(customer), format="json")
        if response.status_code != 200:
            refused.append((customer.email, response.json()))

    assert refused == []


def test_a_put_echoing_each_demo_group_is_accepted(api, demo_data):
    refused = []
    for group in CustomerGroup.objects.order_by("id"):
        body = {
            "name": group.name,
            "description": group.description,
            "colorcode": group.color_code,
            "status": int(group.is_active),
        }
        response = api.put(f"/api/customer-group/{group.pk}", body, format="json")
        if response.status_code != 200:
            refused.append((group.name, response.json()))

    assert refused == []


def test_saving_each_demo_customer_unchanged_in_the_admin_works(superuser, demo_data):
    client = Client()
    client.force_login(superuser)
    refused = []
    for customer in Customer.objects.order_by("id"):
        url = reverse("admin:customers_customer_change", args=[customer.pk])
        response = client.post(url, admin_echo(customer))
        if response.status_code != 302:
            refused.append((customer.email, response.context["adminform"].form.errors))

    assert refused == []
