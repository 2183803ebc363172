"""Export jobs through HTTP (API.md §11): the job object, the file, the logs, the e-mail."""

import datetime
import io
import re
import zipfile

import pytest
from django.core import mail
from django.core.files.storage import default_storage

from audit.models import AuditEvent
from customers import exports
from customers.models import ExportLog
from customers.tests.factories import CustomerFactory, CustomerGroupFactory
from jobs.models import Job

pytestmark = pytest.mark.django_db

EXPORT = "/api/jobs/customer-export"
JOB_FIELDS = {
    "jobId",
    "kind",
    "status",
    "format",
    "rowsDone",
    "rowsTotal",
    "progress",
    "createdBy",
    "createdDate",
    "startedDate",
    "finishedDate",
    "downloadUrl",
    "expiresDate",
    "error",
    "summary",
}
HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "-2", "@SUM(A1)", "\t=1", "\r=1"]


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def zip_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


@pytest.fixture
def customers(db):
    retail = CustomerGroupFactory(name="Retail")
    wholesale = CustomerGroupFactory(name="Wholesale")
    rows = [
        CustomerFactory(first_name="Ada", last_name="Lovelace", customer_group=retail),
        CustomerFactory(first_name="Alan", last_name="Turing", customer_group=wholesale),
        CustomerFactory(
            first_name=HOSTILE[0], last_name="", customer_group=retail, is_active=False
        ),
        CustomerFactory(first_name="Grace", last_name=HOSTILE[1], customer_group=retail),
    ]
    deleted = CustomerFactory(first_name="Gone", customer_group=retail, is_deleted=True)
    return rows, deleted


def export(api, run_jobs, data, http=202):
    with run_jobs():
        response = api.post(EXPORT, data, format="json")
    assert response.status_code == http, response.content
    return response


def job_of(api, response) -> dict:
    job_id = response.json()["data"]["jobId"]
    detail = api.get(f"/api/jobs/{job_id}")
    assert detail.status_code == 200
    assert detail.json()["message"] == "Successfully got the job"
    return detail.json()["data"]


def test_export_answers_202_with_a_queued_job_object(api, superuser, customers, queue_only):
    with queue_only():
        response = api.post(EXPORT, {"format": "xlsx"}, format="json")
    assert response.status_code == 202
    payload = response.json()
    assert payload["status"] == 1
    assert payload["message"] == "Export queued"
    job = payload["data"]
    assert set(job) == JOB_FIELDS
    assert job["kind"] == "customer-export"
    assert job["status"] == "queued"
    assert job["format"] == "xlsx"
    assert job["createdBy"] == superuser.pk
    assert job["downloadUrl"] is None
    assert job["error"] is None
    assert job["summary"] is None
    assert isinstance(job["jobId"], int)
    assert job["progress"] == 0
    assert re.match(r"^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:\d{2})$", job["createdDate"])


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_filtered_export_job_gives_the_synchronous_exports_file(api, customers, run_jobs, fmt):
    query = {"keyword": "a", "status": "1"}
    job = job_of(api, export(api, run_jobs, {"format": fmt, **query}))
    assert job["status"] == "done"
    assert job["progress"] == 100
    assert job["rowsTotal"] == job["rowsDone"] == 3
    assert job["finishedDate"]
    assert job["startedDate"]
    assert job["expiresDate"]
    download = api.get(f"/api/jobs/{job['jobId']}/download")
    assert download.status_code == 200
    disposition = download["Content-Disposition"]
    assert re.match(rf'^attachment; filename="CustomerExcel_\d{{13}}\.{fmt}"$', disposition)
    assert download["Content-Type"].startswith(exports.CONTENT_TYPES[fmt].split(";")[0])
    job_file = body(download)
    sync = api.get("/api/customer/allcustomer-excel-list", {**query, "format": fmt})
    sync_file = body(sync)
    if fmt == "csv":
        assert job_file == sync_file
    else:
        assert zip_parts(job_file) == zip_parts(sync_file)


@pytest.mark.parametrize("ids", [None, "ids-string"])
def test_selection_export_keeps_the_given_order(api, customers, run_jobs, ids):
    rows, _ = customers
    order = [rows[2].pk, rows[0].pk, rows[2].pk, rows[1].pk]
    value = order if ids is None else ",".join(map(str, order))
    job = job_of(api, export(api, run_jobs, {"format": "csv", "customerId": value}))
    assert job["rowsTotal"] == 3
    job_file = body(api.get(f"/api/jobs/{job['jobId']}/download"))
    sync = api.get(
        "/api/customer/customer-excel-list",
        {"customerId": ",".join(map(str, order)), "format": "csv"},
    )
    assert job_file == body(sync)


def test_selection_ignores_the_filters(api, customers, run_jobs):
    rows, _ = customers
    data = {"format": "xlsx", "customerId": [rows[1].pk], "name": "nobody-matches"}
    job = job_of(api, export(api, run_jobs, data))
    assert job["status"] == "done"
    assert job["rowsTotal"] == 1
    parts = zip_parts(body(api.get(f"/api/jobs/{job['jobId']}/download")))
    assert b"Customer Export sheet" in parts["xl/workbook.xml"]


@pytest.mark.parametrize("value", ["", "abc", [], ["x"], "1,,x", [True], "0", {"a": 1}, 10**30])
def test_bad_customer_ids_are_refused_without_a_job(api, customers, value):
    response = api.post(EXPORT, {"format": "csv", "customerId": value}, format="json")
    assert response.status_code == 400
    assert response.json() == {"status": 0, "message": "Invalid customerId"}
    assert not Job.objects.exists()


def test_unknown_or_deleted_ids_are_refused(api, customers):
    rows, deleted = customers
    for ids in ([rows[0].pk, deleted.pk], [rows[0].pk, 999_999]):
        response = api.post(EXPORT, {"customerId": ids}, format="json")
        assert response.status_code == 400
        assert response.json()["message"] == "Invalid customerId"
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"format": "pdf"}, "format"),
        ({"status": "2"}, "status"),
        ({"date": "2026-13"}, "date"),
        ({"customerGroup": "x"}, "customerGroup"),
        ({"name": ["a"]}, "name"),
        ({"keyword": "a\x00b"}, "keyword"),
    ],
)
def test_bad_format_or_filters_are_422_without_a_job(api, customers, data, field):
    response = api.post(EXPORT, data, format="json")
    assert response.status_code == 422, response.content
    assert response.json()["status"] == 0
    assert field in response.json()["errors"]
    assert not Job.objects.exists()


def test_nothing_matches_gives_a_done_job_with_only_the_header(api, customers, run_jobs):
    job = job_of(api, export(api, run_jobs, {"format": "csv", "name": "nobody-by-that-name"}))
    assert job["status"] == "done"
    assert job["rowsTotal"] == 0
    assert job["rowsDone"] == 0
    assert job["progress"] == 100
    data = body(api.get(f"/api/jobs/{job['jobId']}/download"))
    assert data == (",".join(exports.HEADERS) + "\r\n").encode()


def test_xlsx_job_splits_sheets_like_the_synchronous_export(api, customers, run_jobs, monkeypatch):
    monkeypatch.setattr(exports.xlsx, "XLSX_MAX_ROWS", 3)  # header + 2 rows per sheet
    job = job_of(api, export(api, run_jobs, {"format": "xlsx"}))
    parts = zip_parts(body(api.get(f"/api/jobs/{job['jobId']}/download")))
    assert "xl/worksheets/sheet2.xml" in parts
    assert b"Bulk Customer Export (2)" in parts["xl/workbook.xml"]
    sync = zip_parts(body(api.get("/api/customer/allcustomer-excel-list")))
    assert parts == sync


def test_formula_text_is_escaped_in_the_job_file(api, customers, run_jobs):
    job = job_of(api, export(api, run_jobs, {"format": "csv"}))
    text = body(api.get(f"/api/jobs/{job['jobId']}/download")).decode()
    assert "'=HYPERLINK" in text
    assert ",'+44" in text


def test_every_export_job_is_audited_and_logged(api, superuser, customers, run_jobs):
    job = job_of(api, export(api, run_jobs, {"format": "csv", "keyword": "a"}))
    log = ExportLog.objects.get()
    assert log.user == superuser
    assert log.kind == ExportLog.Kind.ALL
    assert log.filters == {"keyword": "a"}
    assert log.row_count == job["rowsTotal"]
    assert log.format == "csv"
    actions = list(
        AuditEvent.objects.filter(object_type="job").values_list("action", "actor", "extra")
    )
    assert [a for a, _, _ in actions] == ["job.finish", "job.create"] or sorted(
        a for a, _, _ in actions
    ) == ["job.create", "job.finish"]
    finish = next(extra for action, _, extra in actions if action == "job.finish")
    assert finish["status"] == "done"
    assert finish["rows"] == job["rowsDone"]
    assert finish["filters"] == {"keyword": "a"}
    assert all(actor == superuser.pk for _, actor, _ in actions)
    assert AuditEvent.objects.filter(action="customer.export", actor=superuser).exists()


def test_the_owner_gets_an_email_with_a_signed_link_that_needs_no_token(
    api, anon, superuser, customers, run_jobs
):
    job = job_of(api, export(api, run_jobs, {"format": "csv"}))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [superuser.email]
    link = re.search(r"(https?://\S+/api/jobs/\d+/download\?signature=\S+)", message.body)
    assert link, message.body
    assert link.group(1).endswith(job["downloadUrl"])
    response = anon.get(job["downloadUrl"])
    assert response.status_code == 200
    assert body(response).startswith(b"Customer Id,")


def test_a_bad_signature_is_refused(anon, api, customers, run_jobs):
    job = job_of(api, export(api, run_jobs, {"format": "csv"}))
    response = anon.get(f"/api/jobs/{job['jobId']}/download?signature=forged")
    assert response.status_code == 403
    assert response.json()["status"] == 0
    other = anon.get(f"/api/jobs/{job['jobId'] + 1}/download?{job['downloadUrl'].split('?')[1]}")
    assert other.status_code == 403


def test_download_after_expiry_is_410_and_the_file_is_deleted(api, anon, customers, run_jobs):
    from django.core.management import call_command

    job = job_of(api, export(api, run_jobs, {"format": "csv"}))
    row = Job.objects.get(pk=job["jobId"])
    assert default_storage.exists(row.file)
    Job.objects.filter(pk=row.pk).update(expires_at=row.finished_at - datetime.timedelta(seconds=1))
    expired = {"status": 0, "message": "The file has expired."}
    assert api.get(f"/api/jobs/{row.pk}/download").json() == expired
    assert api.get(f"/api/jobs/{row.pk}/download").status_code == 410
    assert anon.get(job["downloadUrl"]).status_code in (403, 410)
    call_command("delete_expired_job_files", verbosity=0)
    assert not default_storage.exists(row.file)
    assert Job.objects.get(pk=row.pk).file == ""
    assert api.get(f"/api/jobs/{row.pk}/download").status_code == 410


def test_files_expire_after_the_configured_hours(api, customers, run_jobs, settings):
    settings.JOB_FILE_HOURS = 2
    job = job_of(api, export(api, run_jobs, {"format": "csv"}))
    finished = datetime.datetime.fromisoformat(job["finishedDate"].replace("Z", "+00:00"))
    expires = datetime.datetime.fromisoformat(job["expiresDate"].replace("Z", "+00:00"))
    assert expires - finished == datetime.timedelta(hours=2)


def test_an_unexpired_file_survives_the_periodic_task(api, customers, run_jobs):
    from jobs.tasks import delete_expired_files

    job = job_of(api, export(api, run_jobs, {"format": "csv"}))
    assert delete_expired_files() == 0
    assert api.get(f"/api/jobs/{job['jobId']}/download").status_code == 200


def test_rows_total_is_known_before_the_first_row(api, customers, run_jobs, monkeypatch):
    from jobs import monitor

    seen = []
    original = monitor.JobMonitor.add

    def spy(self, rows):
        if not seen:
            seen.append(api.get(f"/api/jobs/{self.job_id}").json()["data"])
        return original(self, rows)

    monkeypatch.setattr(monitor.JobMonitor, "add", spy)
    monkeypatch.setattr("jobs.runner.STEP", 1)
    export(api, run_jobs, {"format": "csv"})
    assert seen[0]["status"] == "running"
    assert seen[0]["rowsTotal"] == 4
    assert seen[0]["rowsDone"] == 0


def test_progress_is_written_while_the_export_runs(api, customers, run_jobs, monkeypatch):
    from jobs import monitor

    seen = []
    original = monitor.JobMonitor.add

    def spy(self, rows):
        result = original(self, rows)
        seen.append(api.get(f"/api/jobs/{self.job_id}").json()["data"]["rowsDone"])
        return result

    monkeypatch.setattr(monitor.JobMonitor, "add", spy)
    monkeypatch.setattr("jobs.runner.STEP", 1)
    export(api, run_jobs, {"format": "xlsx"})
    assert seen == [1, 2, 3, 4]


def test_ids_deleted_before_the_job_runs_fail_it(api, customers, queue_only):
    from jobs.tasks import run_job

    rows, _ = customers
    with queue_only():
        response = api.post(EXPORT, {"customerId": [rows[0].pk, rows[1].pk]}, format="json")
    rows[1].is_deleted = True
    rows[1].save()
    run_job(response.json()["data"]["jobId"])
    job = job_of(api, response)
    assert job["status"] == "failed"
    assert job["error"] == "Some of the selected customers no longer exist."
    assert job["downloadUrl"] is None
