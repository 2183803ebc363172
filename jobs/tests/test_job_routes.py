"""List, detail, download states, cancel and permissions of the job routes (API.md §11)."""

import datetime

import pytest
from django.utils import timezone

from conftest import client_for, make_staff
from customers.tests.factories import CustomerFactory
from jobs.models import Job

pytestmark = pytest.mark.django_db

EXPORT = "/api/jobs/customer-export"
NOT_FOUND = {"status": 0, "message": "Not found."}


def make_job(owner, **fields) -> Job:
    values = {"kind": Job.Kind.CUSTOMER_EXPORT, "format": "csv", "created_by": owner}
    values.update(fields)
    return Job.objects.create(**values)


@pytest.fixture
def alice(db):
    user = make_staff("alice", "customers.export_customer")
    return user, client_for(user)


@pytest.fixture
def bob(db):
    user = make_staff("bob", "customers.export_customer")
    return user, client_for(user)


def test_staff_see_only_their_own_jobs_newest_first(alice, bob):
    (a, a_client), (b, _) = alice, bob
    first = make_job(a)
    make_job(b)
    second = make_job(a, kind=Job.Kind.CUSTOMER_IMPORT, status=Job.Status.DONE)
    response = a_client.get("/api/jobs")
    assert response.status_code == 200
    assert response.json()["status"] == 1
    assert [job["jobId"] for job in response.json()["data"]] == [second.pk, first.pk]


def test_superusers_see_every_job(api, alice, bob):
    make_job(alice[0])
    make_job(bob[0])
    assert len(api.get("/api/jobs").json()["data"]) == 2


def test_list_filters_count_and_window(alice):
    user, client = alice
    jobs = [make_job(user, status=Job.Status.DONE) for _ in range(3)]
    make_job(user, kind=Job.Kind.CUSTOMER_IMPORT)
    assert client.get("/api/jobs", {"count": "1"}).json()["data"] == 4
    assert client.get("/api/jobs", {"count": "1", "status": "done"}).json()["data"] == 3
    assert client.get("/api/jobs", {"count": 1, "kind": "customer-import"}).json()["data"] == 1
    page = client.get("/api/jobs", {"limit": 2, "offset": 1, "status": "done"}).json()["data"]
    assert [job["jobId"] for job in page] == [jobs[1].pk, jobs[0].pk]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"limit": "abc"}, "limit"),
        ({"limit": "1001"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"count": "maybe"}, "count"),
        ({"kind": "everything"}, "kind"),
        ({"status": "sleeping"}, "status"),
    ],
)
def test_bad_list_parameters_are_422(alice, query, field):
    response = alice[1].get("/api/jobs", query)
    assert response.status_code == 422
    assert field in response.json()["errors"]


def test_another_users_job_or_an_unknown_id_is_404(alice, bob):
    (a, a_client), (_b, b_client) = alice, bob
    job = make_job(a, status=Job.Status.DONE)
    for path in (f"/api/jobs/{job.pk}", f"/api/jobs/{job.pk}/download"):
        assert b_client.get(path).status_code == 404
        assert b_client.get(path).json() == NOT_FOUND
    assert b_client.delete(f"/api/jobs/{job.pk}").status_code == 404
    assert a_client.get("/api/jobs/999999").json() == NOT_FOUND
    assert a_client.get(f"/api/jobs/{2**70}").status_code == 404
    assert Job.objects.get(pk=job.pk).status == Job.Status.DONE


def test_superuser_reads_and_cancels_anyones_job(api, alice):
    job = make_job(alice[0])
    assert api.get(f"/api/jobs/{job.pk}").json()["data"]["jobId"] == job.pk
    assert api.delete(f"/api/jobs/{job.pk}").json() == {"status": 1, "message": "Job cancelled"}


def test_every_route_needs_a_token(anon):
    job_routes = ["/api/jobs", "/api/jobs/1", "/api/jobs/1/download"]
    for path in job_routes:
        response = anon.get(path)
        assert response.status_code == 401
        assert response.json()["status"] == 0
    assert anon.delete("/api/jobs/1").status_code == 401
    assert anon.post(EXPORT, {}, format="json").status_code == 401
    assert anon.post("/api/jobs/customer-import", {}).status_code == 401


def test_export_needs_the_export_permission(staff_factory):
    _, client = staff_factory("viewer", "customers.view_customer")
    response = client.post(EXPORT, {"format": "csv"}, format="json")
    assert response.status_code == 403
    assert response.json()["message"] == "You do not have permission to perform this action."
    assert not Job.objects.exists()
    # Listing needs staff only.
    assert client.get("/api/jobs").status_code == 200


@pytest.mark.parametrize(
    "permissions",
    [(), ("customers.add_customer",), ("customers.change_customer",)],
)
def test_import_needs_add_and_change(staff_factory, permissions, tmp_path):
    _, client = staff_factory("importer", *permissions)
    response = client.post("/api/jobs/customer-import", {"mode": "skip-invalid"})
    assert response.status_code == 403
    assert not Job.objects.exists()


@pytest.mark.parametrize("method", ["put", "patch", "post"])
def test_wrong_methods_are_405(api, method):
    job = make_job(make_staff("x"))
    for path in (f"/api/jobs/{job.pk}", f"/api/jobs/{job.pk}/download"):
        response = getattr(api, method)(path)
        assert response.status_code == 405
        assert response.json()["status"] == 0
    assert api.put("/api/jobs").status_code == 405
    assert api.get(EXPORT).status_code == 405


@pytest.mark.parametrize("status", ["queued", "running"])
def test_download_of_an_unfinished_job_is_409(alice, status):
    user, client = alice
    job = make_job(user, status=status)
    response = client.get(f"/api/jobs/{job.pk}/download")
    assert response.status_code == 409
    assert response.json() == {"status": 0, "message": "The job has not finished."}


@pytest.mark.parametrize("status", ["failed", "cancelled"])
def test_download_of_a_failed_or_cancelled_job_is_409(alice, status):
    user, client = alice
    job = make_job(user, status=status, finished_at=timezone.now(), error="x")
    response = client.get(f"/api/jobs/{job.pk}/download")
    assert response.status_code == 409
    assert response.json() == {"status": 0, "message": "The job has no file."}


def test_a_failed_job_shows_its_error_and_no_link(alice):
    user, client = alice
    job = make_job(
        user, status=Job.Status.FAILED, error="The worker stopped before the job finished."
    )
    data = client.get(f"/api/jobs/{job.pk}").json()["data"]
    assert data["error"] == "The worker stopped before the job finished."
    assert data["downloadUrl"] is None


def test_cancel_a_queued_job(alice, queue_only):
    _user, client = alice
    CustomerFactory()
    with queue_only():
        job_id = client.post(EXPORT, {"format": "csv"}, format="json").json()["data"]["jobId"]
    response = client.delete(f"/api/jobs/{job_id}")
    assert response.status_code == 200
    assert response.json() == {"status": 1, "message": "Job cancelled"}
    job = client.get(f"/api/jobs/{job_id}").json()["data"]
    assert job["status"] == "cancelled"
    assert job["finishedDate"]
    # The message still arrives later: the job does not run.
    from jobs.tasks import run_job

    assert run_job(job_id) == "not-queued"
    assert Job.objects.get(pk=job_id).status == Job.Status.CANCELLED
    assert client.get(f"/api/jobs/{job_id}/download").json()["message"] == "The job has no file."


@pytest.mark.parametrize("status", ["done", "failed", "cancelled"])
def test_cancel_a_finished_job_is_409(alice, status):
    user, client = alice
    job = make_job(user, status=status, finished_at=timezone.now())
    response = client.delete(f"/api/jobs/{job.pk}")
    assert response.status_code == 409
    assert response.json() == {"status": 0, "message": "The job has already finished."}
    assert Job.objects.get(pk=job.pk).status == status


def test_cancelling_a_running_export_stops_it_and_keeps_no_file(alice, run_jobs, monkeypatch):
    from django.core.files.storage import default_storage

    from jobs import monitor

    _user, client = alice
    CustomerFactory.create_batch(5)
    original = monitor.JobMonitor.add
    calls = []

    def cancel_midway(self, rows):
        calls.append(rows)
        if len(calls) == 2:
            assert client.delete(f"/api/jobs/{self.job_id}").status_code == 200
        return original(self, rows)

    monkeypatch.setattr(monitor.JobMonitor, "add", cancel_midway)
    monkeypatch.setattr("jobs.runner.STEP", 1)
    with run_jobs():
        job_id = client.post(EXPORT, {"format": "xlsx"}, format="json").json()["data"]["jobId"]
    assert len(calls) == 2  # stopped at the first step after the cancel
    job = Job.objects.get(pk=job_id)
    assert job.status == Job.Status.CANCELLED
    assert job.file == ""
    assert job.filename == ""
    listing = default_storage.listdir("jobs") if default_storage.exists("jobs") else ([], [])
    assert str(job_id) not in listing[0]


def test_a_sweep_requeues_a_dead_workers_job_once_then_fails_it(alice, run_jobs, settings):
    from django.core import mail

    from jobs.tasks import sweep_stale_jobs

    user, client = alice
    CustomerFactory.create_batch(2)
    stale = timezone.now() - datetime.timedelta(seconds=settings.JOB_STALE_SECONDS + 5)
    fresh = make_job(user, status=Job.Status.RUNNING, attempt=1, heartbeat_at=timezone.now())
    first = make_job(user, status=Job.Status.RUNNING, attempt=1, heartbeat_at=stale)
    second = make_job(user, status=Job.Status.RUNNING, attempt=2, heartbeat_at=stale)
    with run_jobs():
        result = sweep_stale_jobs()
    assert result == {"requeued": 1, "failed": 1, "resent": 0}
    # Retried: the re-queued job ran (eagerly here) to its end.
    retried = client.get(f"/api/jobs/{first.pk}").json()["data"]
    assert retried["status"] == "done"
    assert retried["rowsTotal"] == 2
    assert Job.objects.get(pk=first.pk).attempt == 2
    failed = client.get(f"/api/jobs/{second.pk}").json()["data"]
    assert failed["status"] == "failed"
    assert failed["error"] == "The worker stopped before the job finished."
    assert Job.objects.get(pk=fresh.pk).status == Job.Status.RUNNING
    assert {m.to[0] for m in mail.outbox} == {user.email}


def test_a_late_worker_cannot_overwrite_its_successor(alice):
    from jobs import services

    user, _ = alice
    job = make_job(user, status=Job.Status.QUEUED)
    mine = services.claim(job.pk, "w1")
    Job.objects.filter(pk=job.pk).update(status=Job.Status.QUEUED)  # the sweep gave up on w1
    theirs = services.claim(job.pk, "w2")
    assert theirs.attempt == mine.attempt + 1
    assert services.finish(mine, rows_done=1, rows_total=1) is False
    assert Job.objects.get(pk=job.pk).status == Job.Status.RUNNING
    assert services.finish(theirs, rows_done=1, rows_total=1) is True


def test_a_queued_job_whose_message_was_lost_is_sent_again(alice, run_jobs, settings):
    from jobs.tasks import sweep_stale_jobs

    user, client = alice
    CustomerFactory.create_batch(2)
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.JOB_RESEND_SECONDS + 5)
    lost = make_job(user, heartbeat_at=long_ago)
    waiting = make_job(user, heartbeat_at=timezone.now())
    with run_jobs():
        assert sweep_stale_jobs() == {"requeued": 0, "failed": 0, "resent": 1}
    assert client.get(f"/api/jobs/{lost.pk}").json()["data"]["status"] == "done"
    assert Job.objects.get(pk=waiting.pk).status == Job.Status.QUEUED
