"""The admin import's confirm step (security finding 5): it imports only a preview this very
session made (a signed, session-bound name), never a client-chosen file; refused or abandoned
previews are deleted."""

import os
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from conftest import make_staff
from customers.models import Customer
from customers.tests.factories import CustomerGroupFactory
from ecommerce_admin.admin.import_previews import EXPIRED

pytestmark = pytest.mark.django_db

CUSTOMER_IMPORT = reverse("admin:customers_customer_import")
CUSTOMER_PROCESS = reverse("admin:customers_customer_process_import")
CSV = (
    b"first_name,last_name,email,mobile_number,customer_group,is_active,newsletter\n"
    b"Ada,Lovelace,ada@example.com,+447900111222,Retail,1,0\n"
)


@pytest.fixture
def retail():
    return CustomerGroupFactory(name="Retail")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin(superuser) -> Client:
    return logged_in(superuser)


def preview(client, content=CSV):
    return client.post(
        CUSTOMER_IMPORT,
        {"format": "0", "import_file": SimpleUploadedFile("customers.csv", content)},
    )


def confirm_data(response) -> dict:
    form = response.context["confirm_form"]
    return {name: form[name].value() for name in form.fields}


def previews(settings) -> list[str]:
    root = Path(settings.IMPORT_PREVIEW_ROOT)
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def test_the_confirm_step_refuses_a_client_chosen_file_name(admin, retail):
    # The attack: a file planted in the shared temp folder, named in the confirm form.
    planted = Path(tempfile.gettempdir()) / f"planted-{uuid.uuid4().hex}.csv"
    planted.write_bytes(CSV)
    try:
        response = admin.post(
            CUSTOMER_PROCESS,
            {
                "import_file_name": planted.name,
                "original_file_name": "x.csv",
                "format": "0",
                "resource": "",
            },
        )

        assert response.status_code == 200
        assert EXPIRED in response.content.decode()
        assert not Customer.objects.filter(email="ada@example.com").exists()
        assert planted.exists()  # neither imported nor deleted
    finally:
        planted.unlink(missing_ok=True)


def test_a_preview_cannot_be_confirmed_from_another_session(admin, retail, settings):
    made = preview(admin)
    data = confirm_data(made)
    other = logged_in(make_staff("other-boss", superuser=True))

    response = other.post(CUSTOMER_PROCESS, data)

    assert response.status_code == 200
    assert EXPIRED in response.content.decode()
    assert not Customer.objects.filter(email="ada@example.com").exists()
    # The owner still can, once; a replay of the same confirm is refused.
    assert admin.post(CUSTOMER_PROCESS, data, follow=True).status_code == 200
    assert Customer.objects.filter(email="ada@example.com").count() == 1
    assert previews(settings) == []
    assert EXPIRED in admin.post(CUSTOMER_PROCESS, data).content.decode()


def test_an_expired_signature_is_refused(admin, retail, settings):
    data = confirm_data(preview(admin))
    settings.IMPORT_PREVIEW_MAX_AGE_MINUTES = 0
    time.sleep(1.1)

    response = admin.post(CUSTOMER_PROCESS, data)

    assert EXPIRED in response.content.decode()
    assert not Customer.objects.filter(email="ada@example.com").exists()


def test_the_preview_is_kept_in_the_private_folder_until_confirmed(admin, retail, settings):
    made = preview(admin)

    assert len(previews(settings)) == 1
    assert previews(settings)[0] not in confirm_data(made)["import_file_name"].split(":")[0]


def test_a_refused_preview_is_deleted_at_once(admin, retail, settings):
    bad = CSV.replace(b",Retail,", b",Nope,")

    response = preview(admin, bad)

    result = response.context["result"]
    assert result.has_errors() or result.has_validation_errors()
    assert "confirm_form" not in response.context
    assert previews(settings) == []


def test_an_unreadable_upload_leaves_no_preview(admin, retail, settings):
    response = preview(admin, b"PK\x03\x04 not really a workbook")

    assert response.status_code == 200
    assert previews(settings) == []


def age(settings, name: str, seconds: int) -> None:
    path = Path(settings.IMPORT_PREVIEW_ROOT) / name
    past = time.time() - seconds
    os.utime(path, (past, past))


def test_abandoned_previews_are_deleted_by_age_on_the_next_import(admin, retail, settings):
    preview(admin)
    (abandoned,) = previews(settings)
    age(settings, abandoned, 61 * 60)

    preview(admin)

    remaining = previews(settings)
    assert abandoned not in remaining
    assert len(remaining) == 1


def test_the_purge_command_deletes_only_expired_previews(admin, retail, settings):
    preview(admin)
    preview(admin)
    old, fresh = previews(settings)
    age(settings, old, 61 * 60)

    call_command("purge_import_previews")

    assert previews(settings) == [fresh]
    call_command("purge_import_previews", max_age_minutes=0)
    assert previews(settings) == []
