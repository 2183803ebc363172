"""Writes on jobs (API.md §11): create and queue, cancel, claim and finish, sweep, expire.

Every state change is one conditional UPDATE on the job row (status and, for a worker, its attempt
number), so a cancel racing a finish, or a sweep racing a late heartbeat, has exactly one winner.
"""

import datetime
import logging
import os

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from audit.services import audit_record, audit_source

from .models import Job

logger = logging.getLogger(__name__)

WORKER_STOPPED = "The worker stopped before the job finished."
NOT_QUEUED = "The job could not be queued; try again later."
#: A job is retried once after its worker died, then failed (API.md §11).
MAX_ATTEMPTS = 2

EXPORT_FORMATS = ("xlsx", "csv")
IMPORT_MODES = ("all-or-nothing", "skip-invalid")


class JobConflict(Exception):
    """The job is in a state the request cannot change (409)."""


# -- creating -----------------------------------------------------------------------------------


def _enqueue(job_id: int) -> None:
    from .tasks import run_job

    try:
        # heartbeat_at of a queued job = when its message was last sent (see sweep_stale_jobs).
        Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(heartbeat_at=timezone.now())
        run_job.delay(job_id)
    except Exception:
        # A broker that is down must not leave a job `queued` for ever.
        logger.exception("Job %s could not be queued", job_id)
        Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
            status=Job.Status.FAILED, error=NOT_QUEUED, finished_at=timezone.now()
        )


def _create(*, user, kind: str, fmt: str, params: dict, source: str, upload: str = "") -> Job:
    with transaction.atomic(), audit_source(source):
        job = Job.objects.create(
            kind=kind, format=fmt, params=params, source=source, created_by=user, upload=upload
        )
        audit_record(
            action="job.create",
            object_type="job",
            object_ids=[job.pk],
            by=user,
            extra={"kind": kind, "format": fmt, **_audit_params(params)},
        )
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _audit_params(params: dict) -> dict:
    return {key: value for key, value in params.items() if key != "siteUrl"}


def create_export_job(
    *,
    user,
    fmt: str,
    ids: list[int] | None = None,
    filters: dict | None = None,
    admin_query: dict | None = None,
    source: str = "api",
    site_url: str = "",
) -> Job:
    """Queue a customer export: of `ids` (in that order), of the list `filters` (§3.12), or of
    what the admin's customer list shows for `admin_query` (its filters and search)."""
    params: dict = {"siteUrl": site_url}
    if ids is not None:
        params["ids"] = list(ids)
    elif admin_query is not None:
        params["adminQuery"] = dict(admin_query)
    else:
        params["filters"] = dict(filters or {})
    return _create(user=user, kind=Job.Kind.CUSTOMER_EXPORT, fmt=fmt, params=params, source=source)


def create_job(*, user, kind: str, fmt: str, params: dict, source: str = "api") -> Job:
    """Queue a job of a kind another app registered (jobs.registry), e.g. a data export."""
    return _create(user=user, kind=kind, fmt=fmt, params=params, source=source)


def create_import_job(
    *,
    user,
    uploaded,
    mode: str = "all-or-nothing",
    dry_run: bool = False,
    preview: bool = False,
    source: str = "api",
    site_url: str = "",
) -> Job:
    """Store the uploaded file (through the storage API, in chunks) and queue its import.

    A `preview` (the back office's first step) is a dry run that keeps its upload until it
    expires, so that `confirm_import` can run the same file for real.
    """
    name = os.path.basename(uploaded.name or "import")
    fmt = name.rsplit(".", 1)[-1].lower()
    stored = default_storage.save(f"jobs/uploads/{timezone.now():%Y%m%d}/{name}", uploaded)
    params = {"mode": mode, "dryRun": dry_run or preview, "fileName": name, "siteUrl": site_url}
    if preview:
        params["preview"] = True
    try:
        return _create(
            user=user,
            kind=Job.Kind.CUSTOMER_IMPORT,
            fmt=fmt,
            params=params,
            source=source,
            upload=stored,
        )
    except BaseException:
        default_storage.delete(stored)
        raise


def can_confirm(job: Job) -> bool:
    return (
        job.kind == Job.Kind.CUSTOMER_IMPORT
        and job.params.get("preview")
        and job.status == Job.Status.DONE
        and bool(job.upload)
        and not job.is_expired()
    )


def confirm_import(preview: Job, *, user, source: str = "admin") -> Job:
    """Run a finished preview's file for real: a new import job takes over the upload."""
    if not can_confirm(preview):
        raise JobConflict
    # The upload changes hands atomically: a double submit confirms once.
    if not Job.objects.filter(pk=preview.pk, upload=preview.upload).update(upload=""):
        raise JobConflict
    params = {k: v for k, v in preview.params.items() if k not in {"preview", "dryRun"}}
    params.update(dryRun=False, previewJob=preview.pk)
    return _create(
        user=user,
        kind=Job.Kind.CUSTOMER_IMPORT,
        fmt=preview.format,
        params=params,
        source=source,
        upload=preview.upload,
    )


# -- cancelling ---------------------------------------------------------------------------------


def cancel_job(job: Job, *, by) -> None:
    """Queued or running → cancelled; a running worker sees it at its next progress step."""
    now = timezone.now()
    with transaction.atomic(), audit_source(job.source if by is None else "api"):
        matched = Job.objects.filter(pk=job.pk, status__in=Job.ACTIVE).update(
            status=Job.Status.CANCELLED, finished_at=now
        )
        if not matched:
            raise JobConflict
        audit_record(
            action="job.cancel",
            object_type="job",
            object_ids=[job.pk],
            by=by,
            extra={"kind": job.kind},
        )
    job.refresh_from_db()
    _discard_upload(job)


# -- the worker's side --------------------------------------------------------------------------


def claim(job_id: int, worker: str) -> Job | None:
    """Take a queued job for this run (attempt + 1); None when it is not queued any more."""
    now = timezone.now()
    matched = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING,
        attempt=F("attempt") + 1,
        started_at=Coalesce(F("started_at"), now),
        heartbeat_at=now,
        worker=worker[:255],
        error="",
    )
    if not matched:
        return None
    return Job.objects.select_related("created_by").get(pk=job_id)


def _owned(job: Job):
    return Job.objects.filter(pk=job.pk, attempt=job.attempt, status=Job.Status.RUNNING)


def file_expiry(finished: datetime.datetime) -> datetime.datetime:
    return finished + datetime.timedelta(hours=float(settings.JOB_FILE_HOURS))


def finish(
    job: Job,
    *,
    rows_done: int,
    rows_total: int | None,
    file: str = "",
    filename: str = "",
    summary: dict | None = None,
) -> bool:
    """running → done; False (and the file deleted) when the job was cancelled meanwhile."""
    now = timezone.now()
    values = {
        "status": Job.Status.DONE,
        "rows_done": rows_done,
        "rows_total": rows_total,
        "progress": 100,
        "finished_at": now,
        "heartbeat_at": now,
        "summary": summary,
    }
    if filename or job.params.get("preview"):
        values["expires_at"] = file_expiry(now)  # a file, or a preview's kept upload
    if filename:
        values.update(file=file, filename=filename)
    if not _owned(job).update(**values):
        if file:
            default_storage.delete(file)
        return False
    job.refresh_from_db()
    _ended(job)
    return True


def fail(job: Job, error: str, *, summary: dict | None = None, rows_total=None) -> bool:
    now = timezone.now()
    values = {"status": Job.Status.FAILED, "error": error, "finished_at": now, "summary": summary}
    if rows_total is not None:
        values["rows_total"] = rows_total
    if not _owned(job).update(**values):
        return False
    job.refresh_from_db()
    _ended(job)
    return True


def stopped(job: Job) -> None:
    """After a run stopped on a cancel: the row says cancelled, the upload is gone.

    Normally the cancel is already on the row (it is what stopped the run). Run inline, the
    cancel shared the import's transaction and was rolled back with it: it is written again,
    only if the row still carries this run's attempt.
    """
    _owned(job).update(status=Job.Status.CANCELLED, finished_at=timezone.now())
    job.refresh_from_db()
    _discard_upload(job)


def _ended(job: Job) -> None:
    """Audit the outcome, tell the owner, drop the upload."""
    from .emails import send_job_finished_email

    with audit_source(job.source):
        audit_record(
            action="job.finish",
            object_type="job",
            object_ids=[job.pk],
            by=job.created_by,
            extra={
                "kind": job.kind,
                "status": job.status,
                "format": job.format,
                "rows": job.rows_done,
                "rowsTotal": job.rows_total,
                **_audit_params(job.params),
            },
        )
    _discard_upload(job)
    send_job_finished_email(job)


def _discard_upload(job: Job) -> None:
    if job.params.get("preview") and job.status == Job.Status.DONE:
        return  # kept for confirm_import until it expires
    if job.upload and job.status in Job.FINISHED:
        try:
            default_storage.delete(job.upload)
        except OSError:
            logger.warning("Job %s: upload %s not deleted", job.pk, job.upload, exc_info=True)
        Job.objects.filter(pk=job.pk).update(upload="")


# -- periodic -----------------------------------------------------------------------------------


def sweep_stale_jobs(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Running jobs whose heartbeat stopped (their worker died): re-queue once, then fail."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.JOB_STALE_SECONDS)
    requeued = failed = 0
    stale = Job.objects.filter(status=Job.Status.RUNNING, heartbeat_at__lt=cutoff)
    for job in stale.select_related("created_by"):
        if job.attempt < MAX_ATTEMPTS:
            if _owned(job).update(status=Job.Status.QUEUED, heartbeat_at=None, worker=""):
                requeued += 1
                logger.warning("Job %s: worker %s stopped; queued again", job.pk, job.worker)
                _enqueue(job.pk)
        elif fail(job, WORKER_STOPPED):
            failed += 1
            logger.warning("Job %s: worker %s stopped again; failed", job.pk, job.worker)
    # A queued job whose message was lost (a worker killed after taking it from the broker but
    # before starting it: prefetched messages on the filesystem transport) is sent again. A
    # duplicate message is harmless: only one claim() moves a job from queued to running.
    resend_cutoff = now - datetime.timedelta(seconds=settings.JOB_RESEND_SECONDS)
    resent = 0
    lost = Job.objects.filter(status=Job.Status.QUEUED, heartbeat_at__lt=resend_cutoff)
    for pk in lost.values_list("pk", flat=True):
        _enqueue(pk)
        resent += 1
    return {"requeued": requeued, "failed": failed, "resent": resent}


def delete_expired_files(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of jobs past their expiry (DJANGO_JOB_FILE_HOURS); return how many."""
    now = now or timezone.now()
    deleted = 0
    for field in ("file", "upload"):
        expired = Job.objects.filter(expires_at__lte=now).exclude(**{field: ""})
        for pk, name in expired.values_list("pk", field):
            try:
                default_storage.delete(name)
            except OSError:
                logger.warning("Job %s: %s not deleted", pk, name, exc_info=True)
                continue
            Job.objects.filter(pk=pk, **{field: name}).update(**{field: ""})
            deleted += 1
    return deleted
