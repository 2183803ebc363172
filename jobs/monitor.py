"""A running job's link to its row: progress, heartbeat, cancellation (API.md §11).

In a worker a small thread writes `rows_done`/`progress`/`heartbeat_at` every
JOB_HEARTBEAT_SECONDS (1 s by default, the contract asks for at least every 5 s) and as soon as
another 10,000 rows are done. It writes through its own database connection, so the progress of
an import is visible while the import's own transaction is still open, and the heartbeat keeps
going while the main thread waits on a long query. Each write is conditional on the row still
being `running` with this run's attempt number: when it matches nothing the job was cancelled
(or given up on by the sweep), and the main thread stops at its next `add()`.

Run eagerly (tests, `CELERY_TASK_ALWAYS_EAGER`), the same writes happen inline on the caller's
connection: a test's transaction is invisible to a second connection.
"""

import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError, connections
from django.utils import timezone

from .models import Job

logger = logging.getLogger(__name__)

#: Rows after which progress is written even if the interval has not passed (API.md §11).
PROGRESS_ROWS = 10_000


class JobStopped(Exception):
    """The job was cancelled, or its row no longer belongs to this run: stop and roll back."""


class JobMonitor:
    def __init__(self, job: Job, *, threaded: bool):
        self.job_id = job.pk
        self.attempt = job.attempt
        self.threaded = threaded
        self.rows_done = 0
        self.rows_total: int | None = None
        self.interval = min(float(settings.JOB_HEARTBEAT_SECONDS), 5.0)
        self._stopped = threading.Event()
        self._finished = threading.Event()
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._written_rows = -1
        self._written_at = 0.0
        self._thread: threading.Thread | None = None

    # -- main thread --------------------------------------------------------------------------

    def __enter__(self) -> "JobMonitor":
        if self.threaded:
            self._thread = threading.Thread(
                target=self._loop, name=f"job-{self.job_id}-monitor", daemon=True
            )
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._finished.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def set_total(self, total: int | None) -> None:
        with self._lock:
            self.rows_total = total
        self.flush_now()

    def restart(self, total: int | None) -> None:
        """A second phase (an import's writing pass) counts its rows from zero again."""
        with self._lock:
            self.rows_done = 0
            self.rows_total = total
        self.flush_now()

    def add(self, rows: int) -> None:
        """`rows` more rows done; raises JobStopped once the job must stop."""
        with self._lock:
            self.rows_done += rows
            due = self.rows_done - max(self._written_rows, 0) >= PROGRESS_ROWS
        if self.threaded:
            if due:
                self._wake.set()
        elif due or time.monotonic() - self._written_at >= self.interval:
            self._write()
        self.check()

    def check(self) -> None:
        if self._stopped.is_set():
            raise JobStopped

    def flush_now(self) -> None:
        if self.threaded:
            self._wake.set()
        else:
            self._write()
        self.check()

    @property
    def stopped(self) -> bool:
        return self._stopped.is_set()

    # -- both ----------------------------------------------------------------------------------

    def _values(self) -> dict:
        with self._lock:
            done, total = self.rows_done, self.rows_total
        progress = 0
        if total:
            progress = min(99, int(done * 100 / total))
        return {"rows_done": done, "rows_total": total, "progress": progress}

    def _write(self) -> None:
        values = self._values()
        try:
            matched = Job.objects.filter(
                pk=self.job_id, attempt=self.attempt, status=Job.Status.RUNNING
            ).update(heartbeat_at=timezone.now(), **values)
        except DatabaseError:
            # A busy database (SQLite while an import holds the write lock) delays the
            # heartbeat; the next write catches up.
            logger.warning("Job %s: progress write failed", self.job_id, exc_info=True)
            return
        self._written_rows = values["rows_done"]
        self._written_at = time.monotonic()
        if not matched:
            self._stopped.set()

    def _loop(self) -> None:
        try:
            while not self._finished.is_set():
                self._write()
                self._wake.wait(self.interval)
                self._wake.clear()
        finally:
            connections.close_all()
