"""Background jobs (API.md §11): one row per export or import, the single source of its state.

The row is what the API, the admin's progress bars and the dead-worker sweep read; the broker
only carries "run job N". `attempt` is an ownership token: a worker writes progress and the
outcome only while the row still carries the attempt it started, so a run that the sweep gave up
on (and re-queued) can never overwrite its successor.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Job(models.Model):
    class Kind(models.TextChoices):
        CUSTOMER_EXPORT = "customer-export", "Customer export"
        CUSTOMER_IMPORT = "customer-import", "Customer import"
        CUSTOMER_DATA_EXPORT = "customer-data-export", "Customer data export"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    ACTIVE = (Status.QUEUED, Status.RUNNING)
    FINISHED = (Status.DONE, Status.FAILED, Status.CANCELLED)

    kind = models.CharField(max_length=32, choices=Kind.choices)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    format = models.CharField(max_length=8)
    #: What to do: export filters or ids, import mode/dryRun/upload name; where it came from.
    params = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=16, default="api")  # api or admin (audit source)
    rows_done = models.PositiveBigIntegerField(default=0)
    rows_total = models.PositiveBigIntegerField(null=True, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    #: Storage name of the produced file ("" when none, or once it expired and was deleted).
    file = models.CharField(max_length=255, blank=True, default="")
    #: Storage name of an import's uploaded file (deleted when the import ends).
    upload = models.CharField(max_length=255, blank=True, default="")
    filename = models.CharField(max_length=64, blank=True, default="")
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    error = models.TextField(blank=True, default="")
    summary = models.JSONField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempt = models.PositiveSmallIntegerField(default=0)
    worker = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["created_by", "-created_at", "-id"], name="job_owner_newest"),
            models.Index(fields=["status", "heartbeat_at"], name="job_status_heartbeat"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def has_file(self) -> bool:
        return self.status == self.Status.DONE and bool(self.filename)

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and (now or timezone.now()) >= self.expires_at
