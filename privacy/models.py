"""Erasure requests: scheduled, cancelled or carried out (API.md §12)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ErasureRequest(models.Model):
    """One request to erase a customer. A customer has at most one scheduled request; done and
    cancelled ones stay as the history of who asked, when and why."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        DONE = "done", "Erased"
        CANCELLED = "cancelled", "Cancelled"

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="erasure_requests"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    reason = models.CharField(max_length=500)
    erase_after = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_by_name = models.CharField(max_length=150, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    # When it was carried out or cancelled, and by whom (null: the periodic task).
    finished_at = models.DateTimeField(null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["erase_after", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(status="scheduled"),
                name="one_scheduled_erasure_per_customer",
            )
        ]
        indexes = [
            # The periodic task's "due now" scan and the admin's list of scheduled erasures.
            models.Index(fields=["status", "erase_after"], name="erasure_status_due"),
        ]

    def __str__(self) -> str:
        return f"Erasure of customer {self.customer_id} ({self.get_status_display()})"
