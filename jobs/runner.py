"""What a worker does with a job (API.md §11): the export or import itself, with progress.

Exports reuse the synchronous exports' row sources (`customers.exports`) and writers, so a job's
file is byte for byte the file the export routes give for the same rows. The file is written to
a temporary file on the worker's disk (constant memory) and then handed to Django's storage in
chunks, so any storage backend (local media, S3 through django-storages) receives it.
"""

import contextlib
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.http import QueryDict

from audit.services import audit_source
from customers import exports
from customers.models import ExportLog

from . import registry, services
from .admin_queries import InvalidAdminQuery, changelist_customers
from .importing import ImportFileError, run_customer_import
from .models import Job
from .monitor import JobMonitor, JobStopped

logger = logging.getLogger(__name__)

IDS_GONE = "Some of the selected customers no longer exist."
FILTERS_GONE = "The customer list's filters no longer apply; export again from the list."
IMPORT_INVALID = "Some rows are invalid; nothing was written."
FAILED = "The job failed unexpectedly."

#: Rows between two progress calls from the export's row stream.
STEP = 1_000


def run(job_id: int, *, worker: str, threaded: bool) -> str:
    """Claim job `job_id` and run it to its end; returns the status it ended with (or why not)."""
    job = services.claim(job_id, worker)
    if job is None:
        return "not-queued"
    try:
        with JobMonitor(job, threaded=threaded) as monitor, audit_source(job.source):
            if job.kind == Job.Kind.CUSTOMER_EXPORT:
                _export(job, monitor)
            elif job.kind == Job.Kind.CUSTOMER_IMPORT:
                _import(job, monitor)
            elif handler := registry.handler_for(job.kind):
                handler(job, monitor)
            else:
                services.fail(job, "This kind of job is not supported here.")
    except JobStopped:
        logger.info("Job %s stopped (cancelled)", job_id)
        services.stopped(job)
    except Exception:
        logger.exception("Job %s failed", job_id)
        services.fail(job, FAILED)
    job.refresh_from_db()
    return job.status


# -- export -------------------------------------------------------------------------------------


def _counted(rows: Iterable, monitor: JobMonitor) -> Iterator:
    """Pass the rows through, telling the monitor every STEP rows (it raises on cancel)."""
    pending = 0
    try:
        for row in rows:
            yield row
            pending += 1
            if pending == STEP:
                monitor.add(pending)
                pending = 0
        if pending:
            monitor.add(pending)
    finally:
        # Close the source now (on PostgreSQL it holds the export's read transaction).
        with contextlib.suppress(AttributeError):
            rows.close()


def _export_source(job: Job):
    """(rows, total, sheet, log fields) for the job's ids or filters, or None if ids vanished."""
    params = job.params
    if "ids" in params:
        rows = exports.selection_rows(params["ids"])
        if rows is None:
            return None
        log = {"kind": ExportLog.Kind.SELECTION, "ids": params["ids"]}
        return rows, len(rows), exports.SELECTION_SHEET, log
    if "adminQuery" in params:
        # "Export in background" of everything the admin's customer list shows.
        queryset = changelist_customers(job.created_by, params["adminQuery"])
        log = {"kind": ExportLog.Kind.ALL, "filters": params["adminQuery"]}
    else:
        query = QueryDict(mutable=True)
        query.update(params.get("filters") or {})
        queryset = exports.filtered_customers(query)
        log = {"kind": ExportLog.Kind.ALL, "filters": params.get("filters") or {}}
    total = queryset.count()
    return exports.queryset_rows(queryset), total, exports.ALL_SHEET, log


def _export(job: Job, monitor: JobMonitor) -> None:
    started = time.monotonic()
    try:
        source = _export_source(job)
    except InvalidAdminQuery:
        services.fail(job, FILTERS_GONE)
        return
    if source is None:
        services.fail(job, IDS_GONE)
        return
    rows, total, sheet, log = source
    monitor.set_total(total)  # known before the first row is written
    filename = exports.export_filename(job.format)
    with tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR) as scratch:
        counted = _counted(rows, monitor)
        if job.format == "csv":
            exports.write_csv(counted, scratch)
        else:
            exports.write_xlsx(counted, scratch, sheet)
        done = monitor.rows_done
        scratch.seek(0)
        monitor.check()
        stored = default_storage.save(f"jobs/{job.pk}/{filename}", File(scratch, name=filename))
    if services.finish(job, rows_done=done, rows_total=total, file=stored, filename=filename):
        exports.record_export(
            user=job.created_by,
            fmt=job.format,
            row_count=done,
            started=started,
            source=job.source,
            **log,
        )


def store_file(job: Job, filename: str, write) -> str:
    """`write(out)` fills a scratch file on the worker's disk (constant memory), which is then
    handed to the storage in chunks; returns the stored name. For the kinds of other apps."""
    with tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR) as scratch:
        write(scratch)
        scratch.seek(0)
        return default_storage.save(f"jobs/{job.pk}/{filename}", File(scratch, name=filename))


# -- import -------------------------------------------------------------------------------------


@contextlib.contextmanager
def _local_copy(name: str):
    """A local path to the stored upload: the file itself on a local storage, else a copy."""
    try:
        yield Path(default_storage.path(name))
        return
    except NotImplementedError:
        pass
    suffix = os.path.splitext(name)[1]
    with default_storage.open(name, "rb") as source:
        handle, path = tempfile.mkstemp(suffix=suffix, dir=settings.FILE_UPLOAD_TEMP_DIR)
        try:
            with os.fdopen(handle, "wb") as target:
                shutil.copyfileobj(source, target, 1024 * 1024)
            # The pipeline names the file in its messages: keep the uploaded name visible.
            yield Path(path)
        finally:
            os.unlink(path)


def _import(job: Job, monitor: JobMonitor) -> None:
    params = job.params
    try:
        with _local_copy(job.upload) as path:
            outcome = run_customer_import(
                path,
                skip_invalid=params.get("mode") == "skip-invalid",
                dry_run=bool(params.get("dryRun")),
                monitor=monitor,
            )
    except ImportFileError as exc:
        services.fail(job, _file_message(str(exc), job))
        return
    monitor.check()
    if outcome.errors and params.get("mode") != "skip-invalid":
        services.fail(job, IMPORT_INVALID, summary=outcome.summary(), rows_total=outcome.rows)
        return
    services.finish(job, rows_done=outcome.rows, rows_total=outcome.rows, summary=outcome.summary())


def _file_message(message: str, job: Job) -> str:
    """The pipeline names the stored file; the user knows it by the name they uploaded."""
    stored = os.path.basename(job.upload)
    return message.replace(stored, job.params.get("fileName") or stored)
