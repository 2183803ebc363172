"""Import jobs through HTTP (API.md §11): modes, dry run, summary, rollback on cancel."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from customers.models import Customer
from customers.tests.conftest import snapshot
from customers.tests.factories import CustomerFactory, CustomerGroupFactory
from jobs.models import Job

pytestmark = pytest.mark.django_db

IMPORT = "/api/jobs/customer-import"
HEADER = ["Customer Id", "Customer Name", "User Name", "Email Id", "Mobile Number"]


def csv_file(rows, header=HEADER, name="customers.csv") -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(), content_type="text/csv")


GOOD = [
    ["", "Ada Lovelace", "", "ada@example.com", "+447700900001"],
    ["", "Alan Turing", "", "alan@example.com", "+447700900002"],
]
BAD = [
    ["", "Bad Mail", "", "not-an-email", "+447700900003"],
    ["", "No Phone", "", "nophone@example.com", ""],
]


def post_import(api, run_jobs, upload, **fields):
    with run_jobs():
        response = api.post(IMPORT, {"file": upload, **fields}, format="multipart")
    assert response.status_code == 202, response.content
    assert response.json()["message"] == "Import queued"
    assert response.json()["data"]["kind"] == "customer-import"
    job_id = response.json()["data"]["jobId"]
    return api.get(f"/api/jobs/{job_id}").json()["data"]


def emails() -> set[str]:
    return set(Customer.objects.alive().values_list("email", flat=True))


def test_a_valid_file_is_imported(api, run_jobs, db):
    existing = CustomerFactory(email="alan@example.com", first_name="Al", last_name="T")
    job = post_import(api, run_jobs, csv_file(GOOD))
    assert job["status"] == "done", job
    assert job["format"] == "csv"
    assert job["summary"] == {
        "created": 1,
        "updated": 1,
        "unchanged": 0,
        "failed": 0,
        "errors": [],
    }
    assert job["rowsTotal"] == 2
    assert job["rowsDone"] == 2
    assert job["progress"] == 100
    assert job["downloadUrl"] is None
    existing.refresh_from_db()
    assert (existing.first_name, existing.last_name) == ("Alan", "Turing")
    new = Customer.objects.get(email="ada@example.com")
    assert not new.has_usable_password() if hasattr(new, "has_usable_password") else True
    assert new.customer_group.is_default
    assert new.is_active


def test_all_or_nothing_fails_with_every_bad_row_and_writes_nothing(api, run_jobs, db):
    CustomerFactory(email="alan@example.com")
    before = snapshot()
    job = post_import(api, run_jobs, csv_file([GOOD[0], BAD[0], GOOD[1], BAD[1]]))
    assert job["status"] == "failed"
    assert job["error"] == "Some rows are invalid; nothing was written."
    assert job["summary"]["failed"] == 2
    errors = job["summary"]["errors"]
    assert [(e["row"], e["field"]) for e in errors] == [(3, "Email Id"), (5, "Mobile Number")]
    assert all(e["message"] for e in errors)
    assert snapshot() == before


def test_skip_invalid_writes_the_good_rows_and_reports_the_bad(api, run_jobs, db):
    job = post_import(
        api, run_jobs, csv_file([BAD[0], GOOD[0], BAD[1], GOOD[1]]), mode="skip-invalid"
    )
    assert job["status"] == "done"
    assert job["summary"]["created"] == 2
    assert job["summary"]["failed"] == 2
    assert [e["row"] for e in job["summary"]["errors"]] == [2, 4]
    assert emails() == {"ada@example.com", "alan@example.com"}


@pytest.mark.parametrize("flag", ["1", "true"])
def test_dry_run_writes_nothing_and_counts_what_would_be(api, run_jobs, db, flag):
    CustomerFactory(
        email="alan@example.com",
        first_name="Alan",
        last_name="Turing",
        mobile_number="+447700900002",
    )
    before = snapshot()
    job = post_import(api, run_jobs, csv_file(GOOD), dryRun=flag)
    assert job["status"] == "done"
    assert job["summary"]["created"] == 1
    assert job["summary"]["unchanged"] == 1
    assert snapshot() == before


def test_an_xlsx_export_imports_back_unchanged(api, run_jobs, db):
    group = CustomerGroupFactory(name="Retail")
    CustomerFactory(first_name="=SUM(1)", last_name="", customer_group=group)
    CustomerFactory(first_name="Grace", last_name="Hopper", customer_group=group)
    before = snapshot()
    export = api.get("/api/customer/allcustomer-excel-list")
    data = b"".join(export.streaming_content)
    upload = SimpleUploadedFile("all.xlsx", data)
    job = post_import(api, run_jobs, upload)
    assert job["status"] == "done", job
    assert job["format"] == "xlsx"
    assert job["summary"]["unchanged"] == 2
    assert snapshot() == before


def test_an_unreadable_file_fails_the_job_with_a_sentence(api, run_jobs, db):
    upload = SimpleUploadedFile("broken.xlsx", b"this is no zip")
    job = post_import(api, run_jobs, upload)
    assert job["status"] == "failed"
    assert job["error"] == "broken.xlsx is not a readable xlsx workbook."
    bad_header = post_import(api, run_jobs, csv_file([["x"]], header=["Shoe Size"]))
    assert bad_header["status"] == "failed"
    assert bad_header["error"] == "Unknown column 'Shoe Size'."


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({}, "file"),
        ({"file": SimpleUploadedFile("a.txt", b"x")}, "file"),
        ({"file": SimpleUploadedFile("a.csv", b"x"), "mode": "some"}, "mode"),
        ({"file": SimpleUploadedFile("a.csv", b"x"), "dryRun": "2"}, "dryRun"),
    ],
)
def test_bad_requests_are_422_without_a_job(api, db, fields, field):
    response = api.post(IMPORT, fields, format="multipart")
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert not Job.objects.exists()


def test_a_file_over_the_size_limit_is_refused(api, db, settings):
    settings.JOB_IMPORT_MAX_BYTES = 100
    response = api.post(IMPORT, {"file": csv_file(GOOD * 10)}, format="multipart")
    assert response.status_code == 422
    assert (
        response.json()["errors"]["file"] == ["The file is larger than 0 MB."]
        or "larger" in (response.json()["errors"]["file"][0])
    )
    assert not Job.objects.exists()


def test_the_upload_is_deleted_when_the_import_ends(api, run_jobs, db):
    from django.core.files.storage import default_storage

    job = post_import(api, run_jobs, csv_file(GOOD))
    row = Job.objects.get(pk=job["jobId"])
    assert row.upload == ""
    assert not default_storage.exists("jobs/uploads") or not any(
        default_storage.listdir(f"jobs/uploads/{d}")[1]
        for d in default_storage.listdir("jobs/uploads")[0]
    )


def test_cancelling_a_running_import_rolls_it_back(api, run_jobs, db, monkeypatch):
    from customers.imports import bulk as imports
    from jobs import monitor

    monkeypatch.setattr(imports, "PROGRESS_ROWS", 1)
    monkeypatch.setattr(imports, "BATCH_SIZE", 1)
    rows = [["", f"Person {n}", "", f"p{n}@example.com", f"+4477009{n:05d}"] for n in range(6)]
    before = snapshot()
    state = {"writing": False, "calls": 0}
    original_add, original_restart = monitor.JobMonitor.add, monitor.JobMonitor.restart

    def restart(self, total):
        state["writing"] = True
        return original_restart(self, total)

    def add(self, count):
        if state["writing"]:
            state["calls"] += 1
            if state["calls"] == 4:  # some batches are written by now
                assert Customer.objects.filter(email__startswith="p").exists()
                assert api.delete(f"/api/jobs/{self.job_id}").status_code == 200
        return original_add(self, count)

    monkeypatch.setattr(monitor.JobMonitor, "add", add)
    monkeypatch.setattr(monitor.JobMonitor, "restart", restart)
    job = post_import(api, run_jobs, csv_file(rows))
    assert job["status"] == "cancelled"
    assert snapshot() == before


def test_import_jobs_are_audited_with_their_owner(api, superuser, run_jobs, db):
    job = post_import(api, run_jobs, csv_file(GOOD))
    finish = AuditEvent.objects.get(action="job.finish")
    assert finish.actor == superuser
    assert finish.object_ids == [job["jobId"]]
    assert finish.extra["kind"] == "customer-import"
    assert finish.extra["status"] == "done"
    assert finish.extra["mode"] == "all-or-nothing"
    assert finish.extra["rows"] == 2
    assert AuditEvent.objects.filter(action="customer.import").exists()


def test_an_upload_larger_than_the_memory_limit_goes_through_a_temporary_file(
    api, run_jobs, db, settings
):
    # Past FILE_UPLOAD_MAX_MEMORY_SIZE Django spools the upload to disk; the job reads it from
    # the storage, never from memory. (Rows of empty cells are skipped by the import.)
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE < 6 * 2**20
    body = "Customer Name,Email Id,Mobile Number\r\nAda Lovelace,ada@example.com,+447700900001\r\n"
    data = body.encode() + (b"," * 1022 + b"\r\n") * (6 * 2**10)
    job = post_import(api, run_jobs, SimpleUploadedFile("big.csv", data))
    assert job["status"] == "done", job
    assert job["summary"]["created"] == 1
