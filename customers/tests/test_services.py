"""The services called outside the API (admin, commands): same rules, no request needed."""

import base64
import io
from pathlib import Path

import pytest
from PIL import Image

from customers import avatars, services
from customers.models import Customer, CustomerGroup
from customers.tests.conftest import db_state
from customers.tests.factories import CustomerFactory
from ecommerce_admin.errors import DomainError

pytestmark = pytest.mark.django_db


def png() -> avatars.AvatarImage:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2)).save(buffer, format="PNG")
    uri = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    return avatars.avatar_decode(uri)


def media_files(settings) -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def test_customer_create_without_a_staff_user(group):
    customer = services.customer_create(
        group_id=group.pk,
        first_name="Cli",
        email=" CLI@Example.com ",
        mobile_number="1234567",
        password="Secret-pass1",
        confirm_password="Secret-pass1",
        is_active=True,
    )

    assert customer.email == customer.username == "cli@example.com"
    assert customer.created_by is None


def test_a_refused_service_call_raises_the_contract_message_and_changes_nothing(group):
    CustomerFactory(email="dup@example.com")
    before = db_state()

    with pytest.raises(DomainError) as refused:
        services.customer_create(
            group_id=group.pk,
            first_name="X",
            email="dup@example.com",
            mobile_number="1234567",
            password="Secret-pass1",
            confirm_password="Secret-pass1",
            is_active=True,
        )

    assert refused.value.message == "A Customer is already registered with this email Id."
    assert db_state() == before


def test_an_avatar_written_before_a_failed_save_is_removed(customer, settings, monkeypatch):
    # Another customer takes the number between the check and the save (a race): the unique
    # index refuses the row after the avatar file was written, and the file must go too.
    CustomerFactory(customer_no="RACE-1")
    from customers.services import customers as customer_services

    real = customer_services._customer_no_taken
    first_check = iter([False])
    monkeypatch.setattr(
        customer_services,
        "_customer_no_taken",
        lambda *a, **k: next(first_check, None) or real(*a, **k),
    )
    before = db_state()

    with pytest.raises(DomainError, match="Customer number is already in use"):
        services.customer_update(
            customer_id=customer.pk,
            group_id=customer.customer_group_id,
            first_name="Ada",
            mobile_number="1234567",
            is_active=True,
            mail_status=False,
            customer_no="RACE-1",
            avatar=png(),
        )

    assert db_state() == before
    assert media_files(settings) == []


def test_bulk_services_report_how_many_rows_changed(group):
    customers = CustomerFactory.create_batch(3, customer_group=group)
    ids = [c.pk for c in customers]

    assert services.customers_bulk_set_status(ids=ids + ids, is_active=False) == 3
    assert services.customers_bulk_soft_delete(ids=ids) == 3
    assert Customer.objects.alive().count() == 0


def test_group_services(db):
    group = services.group_create(name=" VIP ", color_code="#123", is_active=True)

    assert group.name == "VIP"
    updated = services.group_update(
        group_id=group.pk, name="VIP+", color_code="#456", is_active=False
    )
    assert (updated.name, updated.description) == ("VIP+", "")
    services.group_delete(group_id=group.pk)
    assert not CustomerGroup.objects.filter(pk=group.pk).exists()


@pytest.mark.parametrize(
    "uri",
    [
        "data:image/svg+xml;base64,PHN2Zy8+",
        "data:image/png;base64,AAAA",
        "data:image/bmp;base64,Qk0=",
    ],
)
def test_avatar_decode_refuses_what_is_not_an_allowed_image(uri):
    with pytest.raises(avatars.InvalidAvatar):
        avatars.avatar_decode(uri)
