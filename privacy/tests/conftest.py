"""A customer with personal data in every place the project keeps it, built through the API."""

import base64
import io
from dataclasses import dataclass

import pytest
from django.test import Client
from PIL import Image

from analytics.tests.factories import CustomerVisitFactory, ProductViewLogFactory
from customers.models import Customer, CustomerGroup
from customers.tests.factories import CustomerGroupFactory

# The jobs app's fixtures: data-export jobs run eagerly, or stay queued.
from jobs.tests.conftest import eager, queue_only, run_jobs  # noqa: F401
from sales.tests.factories import OrderFactory, OrderProductFactory, ProductFactory

FIRST = "Quennell"
LAST = "Zabriskie-Ottoway"
EMAIL = "qzo.private@example.org"
OLD_EMAIL = "quennell.first@example.net"
PHONE = "+447911123456"
OLD_PHONE = "+447911654321"
IP = "203.0.113.77"
REAL_NAME = "Quennell Q. Zabriskie"
CUSTOMER_NO = "CUST-QZO-991"
USER_AGENT = "QZO-Browser/9.9 (unique agent)"
STREET = "42 Secret Orchard Road"
OLD_STREET = "9 Former Quarry Lane"
ADDRESS_PHONE = "+447911000777"

NEEDLES = (
    FIRST,
    LAST,
    EMAIL,
    OLD_EMAIL,
    PHONE,
    OLD_PHONE,
    IP,
    REAL_NAME,
    CUSTOMER_NO,
    STREET,
    OLD_STREET,
    ADDRESS_PHONE,
)


def png_uri() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (10, 200, 10)).save(buffer, format="PNG")
    return f"data:image/png;base64,{base64.b64encode(buffer.getvalue()).decode()}"


@dataclass
class Person:
    customer: Customer
    orders: list
    guest_order: object
    visits: list
    views: list


@pytest.fixture
def group(db) -> CustomerGroup:
    return CustomerGroupFactory(name="Retail")


@pytest.fixture
def admin_client(superuser) -> Client:
    client = Client()
    client.force_login(superuser)
    return client


@pytest.fixture
def person(api, group, admin_client, django_capture_on_commit_callbacks) -> Person:
    """Created, changed and exported through the API and the admin, so that the audit trail,
    the export log and the admin's log all hold personal values."""
    created = api.post(
        "/api/customer",
        {
            "customerGroupId": group.pk,
            "username": FIRST,
            "lastName": LAST,
            "email": OLD_EMAIL,
            "mobileNumber": OLD_PHONE,
            "password": "Secret-pass-1",
            "confirmPassword": "Secret-pass-1",
            "mailStatus": 0,
            "status": 1,
        },
        format="json",
    )
    assert created.status_code == 200, created.json()
    customer_id = created.json()["data"]["id"]
    with django_capture_on_commit_callbacks(execute=True):
        updated = api.put(
            f"/api/customer/{customer_id}",
            {
                "customerGroupId": group.pk,
                "username": FIRST,
                "lastName": LAST,
                "email": EMAIL,
                "mobileNumber": PHONE,
                "mailStatus": 0,
                "status": 1,
                "realName": REAL_NAME,
                "customerNo": CUSTOMER_NO,
                "avatar": png_uri(),
            },
            format="json",
        )
    assert updated.status_code == 200, updated.json()
    # Exports that name the customer: by selection, and by a filter on the e-mail.
    assert (
        api.get("/api/customer/customer-excel-list", {"customerId": customer_id}).status_code == 200
    )
    assert api.get("/api/customer/allcustomer-excel-list", {"email": EMAIL}).status_code == 200
    # A change through the admin writes the admin's own log (object_repr names the customer).
    customer = Customer.objects.get(pk=customer_id)
    Customer.objects.filter(pk=customer_id).update(
        ip=IP, address="1 Secret Lane", city="Hiddenville", pincode="HV1 2XX"
    )
    page = admin_client.post(
        f"/admin/customers/customer/{customer_id}/change/",
        {
            "first_name": FIRST,
            "last_name": LAST,
            "email": EMAIL,
            "mobile_number": PHONE,
            "customer_group": group.pk,
            "is_active": "on",
            "real_name": REAL_NAME,
            "customer_no": CUSTOMER_NO,
        },
    )
    assert page.status_code in (200, 302)
    customer.refresh_from_db()
    # Addresses (API.md §9.7): one kept, one deleted before the erasure (its history stays).
    for street in (STREET, OLD_STREET):
        address = api.post(
            "/api/address",
            {
                "customerId": customer_id,
                "address1": street,
                "city": "Chennai",
                "countryId": 356,
                "addressType": 1,
                "phoneNumber": ADDRESS_PHONE,
                "postcode": "600001",
            },
            format="json",
        )
        assert address.status_code == 200, address.json()
    assert api.delete(f"/api/address/{address.json()['data']['addressId']}").status_code == 200

    product = ProductFactory(name="Teapot")
    orders = [OrderFactory(customer=customer, email=EMAIL) for _ in range(2)]
    for order in orders:
        OrderProductFactory(order=order, product=product, quantity=2)
    guest_order = OrderFactory(customer=None, email=EMAIL.upper())
    visits = [
        CustomerVisitFactory(customer=customer, ip_address=IP, user_agent=USER_AGENT)
        for _ in range(3)
    ]
    views = [ProductViewLogFactory(customer=customer, product=product) for _ in range(2)]
    return Person(customer, orders, guest_order, visits, views)
