"""Background jobs in the back office, in a real headless Chromium (API.md §11): export from the
customer list, watch the progress bar move without a reload, cancel, download, and import a
file through its background preview."""

import csv

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from customers.models import Customer
from customers.tests.factories import CustomerFactory, CustomerGroupFactory
from ecommerce_admin.celery import app as celery_app
from jobs.models import Job

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def eager(settings):
    settings.JOB_HEARTBEAT_SECONDS = 0
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def no_worker():
    """Queued jobs stay queued: their message goes nowhere (a broker with no consumer)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    from jobs import services

    original = services._enqueue
    services._enqueue = lambda job_id: None
    yield
    services._enqueue = original
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def csp_errors(logged_in):
    errors: list[str] = []
    logged_in.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    return errors


def test_export_in_background_from_the_filtered_list_then_download(
    logged_in, live_server, eager, csp_errors, tmp_path
):
    retail = CustomerGroupFactory(name="Retail")
    wholesale = CustomerGroupFactory(name="Wholesale")
    CustomerFactory(customer_group=retail, email="r@example.com")
    wanted = CustomerFactory(customer_group=wholesale, email="w@example.com")
    page = logged_in

    page.goto(f"{live_server.url}/admin/customers/customer/")
    page.locator("#changelist-filter").get_by_role("link", name="Wholesale").click()
    page.wait_for_url(f"**customer_group__id__exact={wholesale.pk}**")
    page.click("#export-in-background")
    page.wait_for_url("**/admin/jobs/job/export-customers/**")
    assert "customer_group__id__exact" in page.content()
    page.check("input[name=format][value=csv]")
    page.click("#queue-export")
    page.wait_for_url(f"{live_server.url}/admin/jobs/job/")

    row = page.locator("#result_list tbody tr").first
    assert "Done" in row.locator(".job-status").inner_text()
    assert row.locator("progress").get_attribute("value") == "100"
    with page.expect_download() as download_info:
        row.locator("a.job-download").click()
    target = tmp_path / "export.csv"
    download_info.value.save_as(target)
    with target.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert [int(r[0]) for r in rows[1:]] == [wanted.pk]
    assert csp_errors == []


def test_the_progress_bar_moves_live_and_the_job_can_be_cancelled(
    logged_in, live_server, staff, no_worker, csp_errors
):
    running = Job.objects.create(
        kind=Job.Kind.CUSTOMER_EXPORT,
        format="xlsx",
        created_by=staff,
        status=Job.Status.RUNNING,
        rows_total=1000,
        started_at=timezone.now(),
    )
    queued = Job.objects.create(kind=Job.Kind.CUSTOMER_EXPORT, format="csv", created_by=staff)
    page = logged_in
    page.goto(f"{live_server.url}/admin/jobs/job/")
    bar = page.locator(f"progress[data-job-id='{running.pk}']")
    assert bar.get_attribute("value") == "0"

    # A worker reports progress: the bar follows without a reload.
    Job.objects.filter(pk=running.pk).update(rows_done=420, progress=42)
    expect(bar).to_have_attribute("value", "42")
    expect(page.locator(f"[data-job-rows='{running.pk}']")).to_have_text("420 / 1,000")

    # Cancel the queued job from its row.
    page.locator(f"progress[data-job-id='{queued.pk}']").locator("xpath=ancestor::tr").locator(
        "button.job-cancel"
    ).click()
    page.wait_for_load_state()
    assert Job.objects.get(pk=queued.pk).status == Job.Status.CANCELLED
    assert page.locator(f"[data-job-status='{queued.pk}']").inner_text() == "Cancelled"

    # The running job finishes: the page reloads and shows its final state.
    Job.objects.filter(pk=running.pk).update(status=Job.Status.FAILED, error="x", progress=42)
    expect(page.locator(f"[data-job-status='{running.pk}']")).to_have_text("Failed")
    assert csp_errors == []


def test_import_in_background_previews_then_runs(logged_in, live_server, eager, tmp_path):
    source = tmp_path / "people.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Customer Name", "Email Id", "Mobile Number"])
        writer.writerow(["Ada Lovelace", "ada@example.com", "+447700900001"])
        writer.writerow(["Alan Turing", "alan@example.com", "+447700900002"])
    page = logged_in

    page.goto(f"{live_server.url}/admin/customers/customer/import/")
    page.get_by_role("link", name="Import in background").click()
    page.set_input_files("input[name=file]", str(source))
    page.click("#queue-import")
    page.wait_for_url("**/admin/jobs/job/*/change/")
    assert "2 created" in page.content()
    assert not Customer.objects.filter(email="ada@example.com").exists()

    page.click("#run-import")
    page.wait_for_url("**/admin/jobs/job/*/change/")
    assert "2 created" in page.content()
    assert Customer.objects.filter(email__in=["ada@example.com", "alan@example.com"]).count() == 2
