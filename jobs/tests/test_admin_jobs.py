"""The back office's background jobs through real admin requests (django.test.Client)."""

import csv
import io

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from conftest import make_staff
from customers.models import Customer
from customers.tests.conftest import snapshot
from customers.tests.factories import CustomerFactory, CustomerGroupFactory
from jobs.models import Job

pytestmark = pytest.mark.django_db

CUSTOMERS = reverse("admin:customers_customer_changelist")
JOBS = reverse("admin:jobs_job_changelist")
EXPORT = reverse("admin:jobs_job_export_customers")
IMPORT = reverse("admin:jobs_job_import_customers")
PROGRESS = reverse("admin:jobs_job_progress")


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def boss(superuser) -> Client:
    return login(superuser)


@pytest.fixture
def people(db):
    retail = CustomerGroupFactory(name="Retail")
    other = CustomerGroupFactory(name="Other")
    return {
        "retail": [CustomerFactory(customer_group=retail) for _ in range(3)],
        "other": [CustomerFactory(customer_group=other) for _ in range(2)],
        "group": retail,
    }


def file_rows(client, job: Job) -> list[list[str]]:
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, (job.status, job.error)
    response = client.get(f"/api/jobs/{job.pk}/download?signature=" + _signature(job))
    data = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(data)))[1:]


def _signature(job: Job) -> str:
    from jobs import signing

    return signing.signature(job)


def test_the_customer_list_offers_the_button_and_the_actions(boss, people):
    response = boss.get(CUSTOMERS, {"customer_group__id__exact": people["group"].pk})
    html = response.content.decode()
    assert 'id="export-in-background"' in html
    assert f"{EXPORT}?customer_group__id__exact={people['group'].pk}" in html
    actions = dict(response.context["action_form"].fields["action"].choices)
    assert "export_in_background_xlsx" in actions
    assert "export_in_background_csv" in actions


def test_the_action_exports_the_selected_customers(boss, people, run_jobs):
    chosen = [people["retail"][0].pk, people["other"][1].pk]
    with run_jobs():
        response = boss.post(
            CUSTOMERS,
            {"action": "export_in_background_csv", "_selected_action": chosen},
        )
    assert response.status_code == 302
    assert response["Location"] == JOBS
    job = Job.objects.get()
    assert job.source == "admin"
    assert job.params["ids"] == sorted(chosen, reverse=True)
    assert sorted(int(row[0]) for row in file_rows(boss, job)) == sorted(chosen)


def test_the_action_over_all_matching_uses_the_lists_filters(boss, people, run_jobs):
    query = f"?customer_group__id__exact={people['group'].pk}"
    with run_jobs():
        boss.post(
            CUSTOMERS + query,
            {
                "action": "export_in_background_csv",
                "select_across": "1",
                "_selected_action": [people["retail"][0].pk],
            },
        )
    job = Job.objects.get()
    assert job.params["adminQuery"] == {"customer_group__id__exact": [str(people["group"].pk)]}
    ids = [int(row[0]) for row in file_rows(boss, job)]
    assert ids == sorted((c.pk for c in people["retail"]), reverse=True)


def test_the_button_shows_the_filters_then_queues_the_export(boss, people, run_jobs):
    query = {"q": people["other"][0].email}
    page = boss.get(EXPORT, query)
    assert page.status_code == 200
    assert people["other"][0].email in page.content.decode()
    with run_jobs():
        response = boss.post(EXPORT + f"?q={query['q']}", {"format": "csv"})
    assert response.status_code == 302
    job = Job.objects.get()
    assert [int(row[0]) for row in file_rows(boss, job)] == [people["other"][0].pk]


def test_a_refused_lookup_fails_the_job_with_a_sentence(boss, people, run_jobs):
    with run_jobs():
        boss.post(EXPORT + "?password__startswith=a", {"format": "csv"})
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert "filters no longer apply" in job.error


def test_export_needs_the_export_permission(people):
    client = login(make_staff("viewer", "customers.view_customer"))
    assert client.get(EXPORT).status_code == 403
    response = client.post(
        CUSTOMERS,
        {"action": "export_in_background_csv", "_selected_action": [people["retail"][0].pk]},
    )
    assert not Job.objects.exists()
    assert response.status_code in (200, 302)


def test_jobs_page_lists_own_jobs_with_progress_cancel_and_download(people, run_jobs):
    alice = make_staff("alice", "customers.export_customer")
    bob = make_staff("bob", "customers.export_customer")
    client = login(alice)
    with run_jobs():
        client.post(EXPORT, {"format": "csv"})
    done = Job.objects.get()
    queued = Job.objects.create(kind=Job.Kind.CUSTOMER_EXPORT, format="xlsx", created_by=alice)
    theirs = Job.objects.create(kind=Job.Kind.CUSTOMER_EXPORT, format="csv", created_by=bob)
    page = client.get(JOBS)
    assert page.status_code == 200
    html = page.content.decode()
    assert "jobs/admin/jobs.js" in html
    assert "<script>" not in html.replace("<script src", "")  # no inline script
    listed = [job.pk for job in page.context["cl"].result_list]
    assert listed == [queued.pk, done.pk]
    assert f'data-job-id="{queued.pk}"' in html
    assert 'data-job-active="1"' in html
    assert f"/api/jobs/{done.pk}/download?signature=" in html
    assert reverse("admin:jobs_job_cancel", args=[queued.pk]) in html
    assert reverse("admin:jobs_job_cancel", args=[done.pk]) not in html

    progress = client.get(PROGRESS, {"ids": f"{queued.pk},{done.pk},{theirs.pk},x"}).json()
    assert set(progress["jobs"]) == {str(queued.pk), str(done.pk)}
    assert progress["jobs"][str(done.pk)]["progress"] == 100

    response = client.post(reverse("admin:jobs_job_cancel", args=[queued.pk]), follow=True)
    assert response.status_code == 200
    queued.refresh_from_db()
    assert queued.status == Job.Status.CANCELLED
    assert client.post(reverse("admin:jobs_job_cancel", args=[theirs.pk])).status_code == 404
    assert Job.objects.get(pk=theirs.pk).status == Job.Status.QUEUED
    assert client.get(reverse("admin:jobs_job_change", args=[theirs.pk])).status_code == 302


def test_staff_without_permissions_still_see_their_jobs_page(db):
    client = login(make_staff("plain"))
    assert client.get(JOBS).status_code == 200
    assert client.get(IMPORT).status_code == 403


def _upload(rows) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Customer Name", "Email Id", "Mobile Number"])
    writer.writerows(rows)
    return SimpleUploadedFile("people.csv", buffer.getvalue().encode())


def test_import_previews_in_background_then_runs_for_real(boss, db, run_jobs):
    rows = [["Ada Lovelace", "ada@example.com", "+447700900001"]]
    before = snapshot()
    with run_jobs():
        response = boss.post(IMPORT, {"file": _upload(rows), "mode": "all-or-nothing"})
    preview = Job.objects.get()
    assert response["Location"] == reverse("admin:jobs_job_change", args=[preview.pk])
    preview.refresh_from_db()
    assert preview.status == Job.Status.DONE
    assert preview.params["dryRun"] is True
    assert preview.summary["created"] == 1
    assert snapshot() == before  # the preview wrote nothing
    page = boss.get(response["Location"])
    assert 'id="run-import"' in page.content.decode()
    assert "1 created" in page.content.decode()

    run = reverse("admin:jobs_job_run_import", args=[preview.pk])
    with run_jobs():
        response = boss.post(run)
    real = Job.objects.exclude(pk=preview.pk).get()
    real.refresh_from_db()
    assert real.status == Job.Status.DONE
    assert real.summary["created"] == 1
    assert Customer.objects.filter(email="ada@example.com").exists()
    # A second confirm of the same preview is refused: its file went to the real import.
    again = boss.post(run, follow=True)
    assert [m.message for m in get_messages(again.wsgi_request)][-1] == (
        "This preview can no longer be imported."
    )
    assert Job.objects.count() == 2


def test_a_preview_with_bad_rows_offers_no_run(boss, db, run_jobs):
    with run_jobs():
        boss.post(
            IMPORT,
            {"file": _upload([["Ada", "not-mail", "+447700900001"]]), "mode": "all-or-nothing"},
        )
    preview = Job.objects.get()
    preview.refresh_from_db()
    assert preview.status == Job.Status.FAILED
    page = boss.get(reverse("admin:jobs_job_change", args=[preview.pk])).content.decode()
    assert 'id="run-import"' not in page
    assert "Row 2: Email Id" in page


def test_import_form_refuses_other_files(boss, db):
    response = boss.post(IMPORT, {"file": SimpleUploadedFile("x.txt", b"a")})
    assert response.status_code == 200
    assert "Must be a .csv or .xlsx file." in response.content.decode()
    assert not Job.objects.exists()


def test_the_import_page_links_to_the_background_import(boss, db):
    page = boss.get(reverse("admin:customers_customer_import")).content.decode()
    assert IMPORT in page
