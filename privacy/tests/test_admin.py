"""The back office's personal-data tools (API.md §12), through real admin requests."""

import datetime
import io
import json
import zipfile

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from conftest import make_staff
from customers.models import Customer
from customers.tests.factories import CustomerFactory
from privacy.models import ErasureRequest
from privacy.tests.conftest import EMAIL

pytestmark = pytest.mark.django_db

ERASURES = reverse("admin:privacy_erasurerequest_changelist")
CUSTOMERS = reverse("admin:customers_customer_changelist")


def erase_url(pk) -> str:
    return reverse("admin:privacy_erase", args=[pk])


def data_url(pk) -> str:
    return reverse("admin:privacy_personal_data", args=[pk])


def change_url(pk) -> str:
    return reverse("admin:customers_customer_change", args=[pk])


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    return [m.message for m in get_messages(response.wsgi_request)]


def snapshot() -> tuple:
    return (
        list(Customer.objects.order_by("pk").values_list()),
        list(ErasureRequest.objects.order_by("pk").values_list()),
    )


@pytest.fixture
def customer(group) -> Customer:
    return CustomerFactory(customer_group=group, first_name="Ada", last_name="Lovelace")


def test_the_customer_page_offers_both_tools(admin_client, customer):
    page = admin_client.get(change_url(customer.pk)).content.decode()

    assert "Download personal data" in page
    assert data_url(customer.pk) in page
    assert "Erase…" in page
    assert erase_url(customer.pk) in page


def test_staff_without_the_permissions_see_neither_tool_and_are_refused(customer):
    clerk = make_staff(
        "clerk", "customers.view_customer", "customers.change_customer", "customers.delete_customer"
    )
    client = logged_in(clerk)
    before = snapshot()

    page = client.get(change_url(customer.pk)).content.decode()

    assert "Download personal data" not in page
    assert "Erase…" not in page
    assert client.get(erase_url(customer.pk)).status_code == 403
    assert (
        client.post(
            erase_url(customer.pk), {"reason": "r", "grace_days": 0, "confirm": "on"}
        ).status_code
        == 403
    )
    assert client.get(data_url(customer.pk)).status_code == 403
    assert client.get(ERASURES).status_code == 403
    assert snapshot() == before


def test_the_erase_page_warns_and_asks_for_reason_grace_and_confirmation(admin_client, customer):
    page = admin_client.get(erase_url(customer.pk)).content.decode()

    assert "cannot be undone" in page
    assert 'name="reason"' in page
    assert 'name="grace_days"' in page
    assert 'value="14"' in page
    assert 'name="confirm"' in page


@pytest.mark.parametrize(
    "form",
    [
        {"reason": "r", "grace_days": 0},  # not confirmed
        {"reason": "", "grace_days": 0, "confirm": "on"},
        {"reason": "x" * 501, "grace_days": 0, "confirm": "on"},
        {"reason": "r", "grace_days": 31, "confirm": "on"},
        {"reason": "r", "grace_days": -1, "confirm": "on"},
    ],
)
def test_an_invalid_erase_form_changes_nothing(admin_client, customer, form):
    before = snapshot()

    response = admin_client.post(erase_url(customer.pk), form)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert snapshot() == before


def test_erasing_now_from_the_admin(admin_client, customer, superuser):
    response = admin_client.post(
        erase_url(customer.pk), {"reason": "Asked in the shop", "grace_days": 0, "confirm": "on"}
    )

    assert response.status_code == 302
    assert response["Location"] == CUSTOMERS
    assert messages_of(response) == ["Customer erased."]
    customer.refresh_from_db()
    assert customer.erased_at is not None
    assert customer.email == f"erased-{customer.pk}@invalid"
    event = AuditEvent.objects.get(action="erase")
    assert event.source == "admin"
    assert event.actor == superuser
    # Gone from the admin: not listed (not even among the deleted), no page, no tools.
    for query in ("", "?deleted=yes"):
        listing = admin_client.get(CUSTOMERS + query).content.decode()
        assert change_url(customer.pk) not in listing
        assert "Erased customer" not in listing
    assert admin_client.get(change_url(customer.pk)).status_code == 302  # "does not exist"
    assert admin_client.get(erase_url(customer.pk)).status_code == 404
    assert admin_client.get(data_url(customer.pk)).status_code == 404


def test_the_restore_action_cannot_bring_an_erased_customer_back(admin_client, customer):
    admin_client.post(erase_url(customer.pk), {"reason": "r", "grace_days": 0, "confirm": "on"})
    before = snapshot()

    admin_client.post(
        CUSTOMERS + "?deleted=yes", {"action": "restore", ACTION_CHECKBOX_NAME: [customer.pk]}
    )

    assert snapshot() == before
    customer.refresh_from_db()
    assert customer.is_deleted is True


def test_scheduling_listing_and_cancelling_from_the_admin(admin_client, customer):
    response = admin_client.post(
        erase_url(customer.pk), {"reason": "By letter", "grace_days": 7, "confirm": "on"}
    )

    assert response.status_code == 302
    assert response["Location"] == change_url(customer.pk)
    assert messages_of(response)[0].startswith("Erasure scheduled for ")
    request = ErasureRequest.objects.get(customer=customer)
    assert request.status == "scheduled"
    listing = admin_client.get(ERASURES).content.decode()
    assert "By letter" in listing
    assert "Ada Lovelace" in listing
    # The erase page shows it, with a cancel button.
    page = admin_client.get(erase_url(customer.pk)).content.decode()
    assert "already scheduled" in page

    cancelled = admin_client.post(
        ERASURES, {"action": "cancel_erasures", ACTION_CHECKBOX_NAME: [request.pk]}
    )

    assert cancelled.status_code == 302
    request.refresh_from_db()
    assert request.status == "cancelled"
    assert "By letter" not in admin_client.get(ERASURES).content.decode()
    assert "By letter" in admin_client.get(ERASURES + "?status=cancelled").content.decode()


def test_the_cancel_button_of_the_erase_page(admin_client, customer):
    admin_client.post(erase_url(customer.pk), {"reason": "r", "grace_days": 3, "confirm": "on"})

    response = admin_client.post(erase_url(customer.pk), {"cancel": "1"})

    assert response.status_code == 302
    assert ErasureRequest.objects.get(customer=customer).status == "cancelled"
    assert messages_of(response)[-1] == "Erasure cancelled."


def test_a_due_erasure_scheduled_in_the_admin_is_carried_out(admin_client, customer):
    admin_client.post(erase_url(customer.pk), {"reason": "r", "grace_days": 1, "confirm": "on"})
    ErasureRequest.objects.update(erase_after=timezone.now() - datetime.timedelta(seconds=1))
    call_command("run_scheduled_erasures", stdout=io.StringIO())

    customer.refresh_from_db()
    assert customer.erased_at is not None
    assert ErasureRequest.objects.get().status == "done"
    assert "Ada Lovelace" not in admin_client.get(ERASURES + "?status=done").content.decode()


def test_download_personal_data(admin_client, person, superuser):
    response = admin_client.get(data_url(person.customer.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="PersonalData_{person.customer.pk}_'
    )
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    customer = json.loads(archive.read("customer.json"))
    assert customer["email"] == EMAIL
    assert "password" not in customer
    event = AuditEvent.objects.get(action="customer.data_export")
    assert event.actor == superuser
    assert event.object_ids == [person.customer.pk]
    assert event.extra["visits"] == 3


def test_a_deleted_customers_personal_data_is_not_downloadable(admin_client, customer):
    Customer.objects.filter(pk=customer.pk).update(is_deleted=True, deleted_at=timezone.now())

    assert admin_client.get(data_url(customer.pk)).status_code == 404
    assert admin_client.get(data_url(2**63)).status_code == 404
    assert admin_client.get(erase_url(2**63)).status_code == 404


def test_the_erasure_list_is_read_only(admin_client, customer):
    admin_client.post(erase_url(customer.pk), {"reason": "r", "grace_days": 3, "confirm": "on"})
    request = ErasureRequest.objects.get()

    assert admin_client.get(reverse("admin:privacy_erasurerequest_add")).status_code == 403
    page = admin_client.get(reverse("admin:privacy_erasurerequest_change", args=[request.pk]))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content


def test_the_customer_page_shows_a_scheduled_erasure(admin_client, customer):
    admin_client.post(
        erase_url(customer.pk), {"reason": "Letter of 3 May", "grace_days": 5, "confirm": "on"}
    )

    page = admin_client.get(change_url(customer.pk)).content.decode()

    assert "Scheduled erasure" in page
    assert "Letter of 3 May" in page


# --- "Data export in background" ---------------------------------------------------------------
def job_url(pk) -> str:
    return reverse("admin:privacy_personal_data_job", args=[pk])


def test_data_export_in_background_queues_a_job_and_opens_the_jobs_page(
    admin_client, customer, superuser, run_jobs
):
    from jobs import signing
    from jobs.models import Job

    page = admin_client.get(change_url(customer.pk)).content.decode()
    assert "Data export in background" in page
    assert job_url(customer.pk) in page

    with run_jobs():
        response = admin_client.post(job_url(customer.pk))

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:jobs_job_changelist")
    job = Job.objects.get()
    assert job.kind == Job.Kind.CUSTOMER_DATA_EXPORT
    assert job.source == "admin"
    assert job.created_by == superuser
    assert job.status == Job.Status.DONE
    assert f"Data export job #{job.pk} queued" in " ".join(messages_of(response))
    jobs_page = admin_client.get(response["Location"]).content.decode()
    assert signing.download_path(job).replace("&", "&amp;") in jobs_page


def test_data_export_in_background_needs_both_permissions_and_a_post(customer, queue_only):
    from jobs.models import Job

    clerk = make_staff("clerk", "customers.view_customer", "customers.change_customer")
    with queue_only():
        assert logged_in(clerk).post(job_url(customer.pk)).status_code == 403
    assert (
        "Data export in background"
        not in logged_in(clerk).get(change_url(customer.pk)).content.decode()
    )
    boss = make_staff("boss2", "customers.view_customer", "customers.export_customer")
    with queue_only():
        assert logged_in(boss).get(job_url(customer.pk)).status_code == 405
        Customer.objects.filter(pk=customer.pk).update(is_deleted=True)
        assert logged_in(boss).post(job_url(customer.pk)).status_code == 404
    assert not Job.objects.exists()
