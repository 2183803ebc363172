"""POST /api/customer/{id}/data-export (API.md §12) as a background job (§11), through HTTP:
the job, its ZIP through the jobs download route, permissions, refusals, and erasure's cleanup.
The periodic tasks of §12 (scheduled erasures, retention) are run as Celery runs them."""

import datetime
import io
import json
import re
import zipfile

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from audit.models import AuditEvent
from customers.models import Customer
from customers.tests.factories import CustomerFactory
from jobs.models import Job
from privacy import tasks
from privacy.models import ErasureRequest
from privacy.tests.conftest import EMAIL, FIRST, PHONE, STREET

pytestmark = pytest.mark.django_db

PERMS = ("customers.view_customer", "customers.export_customer")
FILES = {
    "customer.json",
    "orders.json",
    "product_views.json",
    "visits.json",
    "audit.json",
    "README.txt",
}


def url(pk, prefix="customer", slash="") -> str:
    return f"/api/{prefix}/{pk}/data-export{slash}"


def request_export(client, runner, pk, **kwargs):
    with runner():
        return client.post(url(pk, **kwargs), format="json")


def download(client, job_id):
    return client.get(f"/api/jobs/{job_id}/download")


def archive_of(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def state() -> tuple:
    return Job.objects.count(), AuditEvent.objects.count()


@pytest.fixture
def customer(group) -> Customer:
    return CustomerFactory(customer_group=group, first_name="Ada", last_name="Lovelace")


# --- the job ---------------------------------------------------------------------------------
def test_answers_202_with_a_queued_data_export_job(api, customer, superuser, queue_only):
    with queue_only():
        response = api.post(url(customer.pk), format="json")

    assert response.status_code == 202
    body = response.json()
    assert body["status"] == 1
    assert body["message"] == "Data export queued"
    job = body["data"]
    assert job["kind"] == "customer-data-export"
    assert job["status"] == "queued"
    assert job["format"] == "zip"
    assert job["downloadUrl"] is None
    assert Job.objects.get(pk=job["jobId"]).params["customerId"] == customer.pk
    created = AuditEvent.objects.filter(action="job.create").latest("pk")
    assert created.extra["kind"] == "customer-data-export"
    assert created.extra["customerId"] == customer.pk


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"slash": "/"}, {"prefix": "admin-customer"}, {"prefix": "admin-customer", "slash": "/"}],
)
def test_the_zip_holds_the_contracts_files_and_no_password(api, person, run_jobs, kwargs):
    pk = person.customer.pk
    response = request_export(api, run_jobs, pk, **kwargs)
    assert response.status_code == 202, response.content
    job_id = response.json()["data"]["jobId"]

    job = api.get(f"/api/jobs/{job_id}").json()["data"]
    assert job["status"] == "done"
    assert job["progress"] == 100
    assert job["downloadUrl"]
    file = download(api, job_id)

    assert file.status_code == 200
    assert file["Content-Type"] == "application/zip"
    assert re.search(rf'filename="CustomerData_{pk}_\d{{13}}\.zip"', file["Content-Disposition"])
    archive = archive_of(file)
    assert set(archive.namelist()) == FILES
    record = json.loads(archive.read("customer.json"))
    assert record["id"] == pk
    assert record["email"] == EMAIL
    assert record["mobile_number"] == PHONE
    assert record["first_name"] == FIRST
    assert record["customer_group"]["name"] == "Retail"
    assert [a["address1"] for a in record["addresses"]] == [STREET]
    assert "password" not in record
    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert person.customer.password.encode() not in everything
    assert b"pbkdf2" not in everything
    orders = json.loads(archive.read("orders.json"))
    assert sorted(o["id"] for o in orders) == sorted(o.pk for o in person.orders)
    assert all(o["lines"] for o in orders)
    assert len(json.loads(archive.read("visits.json"))) == len(person.visits)
    assert len(json.loads(archive.read("product_views.json"))) == len(person.views)
    assert json.loads(archive.read("audit.json"))
    assert b"customer.json" in archive.read("README.txt")
    finished = AuditEvent.objects.filter(action="job.finish", targets__object_id=job_id).get()
    assert finished.extra["kind"] == "customer-data-export"
    assert finished.extra["status"] == "done"


def test_the_file_is_written_through_the_storage(api, customer, run_jobs):
    response = request_export(api, run_jobs, customer.pk)
    job = Job.objects.get(pk=response.json()["data"]["jobId"])
    assert job.file.startswith(f"jobs/{job.pk}/CustomerData_{customer.pk}_")
    assert default_storage.exists(job.file)
    assert job.expires_at is not None


# --- permissions and refusals ----------------------------------------------------------------
@pytest.mark.parametrize("permissions", [(), PERMS[:1], PERMS[1:]])
def test_both_permissions_are_needed(staff_factory, customer, run_jobs, permissions):
    _, client = staff_factory("clerk", *permissions)
    before = state()

    response = request_export(client, run_jobs, customer.pk)

    assert response.status_code == 403
    assert response.json()["status"] == 0
    assert state() == before


def test_with_both_permissions_a_staff_user_exports(staff_factory, customer, run_jobs):
    user, client = staff_factory("dpo", *PERMS)

    response = request_export(client, run_jobs, customer.pk)

    assert response.status_code == 202
    job = Job.objects.get(pk=response.json()["data"]["jobId"])
    assert job.created_by == user
    assert job.status == Job.Status.DONE
    assert download(client, job.pk).status_code == 200


def test_anonymous_is_refused(anon, customer):
    assert anon.post(url(customer.pk)).status_code == 401
    assert not Job.objects.exists()


@pytest.mark.parametrize("which", ["unknown", "huge", "deleted", "erased"])
def test_unknown_deleted_or_erased_customer_is_400(api, customer, run_jobs, which):
    if which == "unknown":
        pk = customer.pk + 1000
    elif which == "huge":
        pk = 10**30
    elif which == "deleted":
        Customer.objects.filter(pk=customer.pk).update(is_deleted=True, deleted_at=timezone.now())
        pk = customer.pk
    else:
        assert (
            api.post(
                f"/api/customer/{customer.pk}/erase",
                {"reason": "Asked", "graceDays": 0},
                format="json",
            ).status_code
            == 200
        )
        pk = customer.pk
    before = state()

    response = request_export(api, run_jobs, pk)

    assert response.status_code == 400
    assert response.json() == {"status": 0, "message": "Invalid customer Id."}
    assert state() == before


def test_get_is_405(api, customer):
    assert api.get(url(customer.pk)).status_code == 405


def test_a_customer_erased_before_the_job_runs_fails_the_job(api, customer, queue_only, eager):
    from jobs.tasks import run_job

    with queue_only():
        job_id = api.post(url(customer.pk)).json()["data"]["jobId"]
    Customer.objects.filter(pk=customer.pk).update(is_deleted=True, deleted_at=timezone.now())

    run_job.delay(job_id)

    job = api.get(f"/api/jobs/{job_id}").json()["data"]
    assert job["status"] == "failed"
    assert job["error"] == "The customer no longer exists or has been erased."
    assert download(api, job_id).status_code == 409


# --- erasure removes earlier exports ---------------------------------------------------------
def test_erasure_deletes_earlier_export_files_and_the_download_answers_410(
    api,
    customer,
    run_jobs,
    django_capture_on_commit_callbacks,
):
    other = CustomerFactory(customer_group=customer.customer_group)
    job_id = request_export(api, run_jobs, customer.pk).json()["data"]["jobId"]
    other_job = Job.objects.get(pk=request_export(api, run_jobs, other.pk).json()["data"]["jobId"])
    stored = Job.objects.get(pk=job_id).file
    assert default_storage.exists(stored)
    assert download(api, job_id).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        erased = api.post(
            f"/api/customer/{customer.pk}/erase", {"reason": "Asked", "graceDays": 0}, format="json"
        )

    assert erased.status_code == 200
    assert not default_storage.exists(stored)
    gone = download(api, job_id)
    assert gone.status_code == 410
    assert gone.json() == {"status": 0, "message": "The file has expired."}
    # Another customer's export is untouched.
    assert default_storage.exists(other_job.file)
    assert download(api, other_job.pk).status_code == 200


def test_erasure_cancels_a_queued_data_export(api, customer, queue_only):
    with queue_only():
        job_id = api.post(url(customer.pk)).json()["data"]["jobId"]
        erased = api.post(
            f"/api/customer/{customer.pk}/erase", {"reason": "Asked", "graceDays": 0}, format="json"
        )

    assert erased.status_code == 200
    assert Job.objects.get(pk=job_id).status == Job.Status.CANCELLED
    response = download(api, job_id)
    assert response.status_code == 409
    assert response.json()["message"] == "The job has no file."


# --- periodic tasks --------------------------------------------------------------------------
def test_the_scheduled_erasures_task_erases_due_customers_only(api, customer, group):
    later = CustomerFactory(customer_group=group)
    for target, days in ((customer, 1), (later, 20)):
        answer = api.post(
            f"/api/customer/{target.pk}/erase",
            {"reason": "Asked", "graceDays": days},
            format="json",
        )
        assert answer.status_code == 200
    ErasureRequest.objects.filter(customer=customer).update(
        erase_after=timezone.now() - datetime.timedelta(minutes=1)
    )

    assert tasks.run_scheduled_erasures.apply().get() == 1

    customer.refresh_from_db()
    later.refresh_from_db()
    assert customer.erased_at is not None
    assert customer.email == f"erased-{customer.pk}@invalid"
    assert later.erased_at is None
    erase = AuditEvent.objects.get(action="erase")
    assert erase.source == "task"


def test_the_retention_task_erases_customers_deleted_long_ago(settings, group):
    old = CustomerFactory(
        customer_group=group,
        is_deleted=True,
        deleted_at=timezone.now() - datetime.timedelta(days=40),
    )
    recent = CustomerFactory(
        customer_group=group,
        is_deleted=True,
        deleted_at=timezone.now() - datetime.timedelta(days=5),
    )
    settings.RETENTION_DAYS = None
    assert tasks.purge_deleted_customers.apply().get() == 0
    old.refresh_from_db()
    assert old.erased_at is None

    settings.RETENTION_DAYS = 30
    assert tasks.purge_deleted_customers.apply().get() == 1

    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.erased_at is not None
    assert recent.erased_at is None


def test_beat_runs_the_scheduled_erasures_every_15_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["privacy-scheduled-erasures"]
    assert entry["task"] == tasks.run_scheduled_erasures.name
    assert entry["schedule"] == 900.0


def test_a_customer_deleted_while_the_file_is_written_leaves_no_file(
    api, customer, run_jobs, monkeypatch
):
    from privacy import jobs

    real = jobs.write_personal_data

    def erased_meanwhile(**kwargs):
        counts = real(**kwargs)
        Customer.objects.filter(pk=customer.pk).update(is_deleted=True, deleted_at=timezone.now())
        return counts

    monkeypatch.setattr(jobs, "write_personal_data", erased_meanwhile)

    job_id = request_export(api, run_jobs, customer.pk).json()["data"]["jobId"]

    job = Job.objects.get(pk=job_id)
    assert job.status == Job.Status.FAILED
    assert job.error == "The customer no longer exists or has been erased."
    assert not job.file
    _, files = default_storage.listdir(f"jobs/{job_id}")
    assert files == []
