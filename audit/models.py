"""An append-only record of every staff write (API, admin or management command)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events cannot be changed.")

    def redact(self, pk: int, *, changes: dict, extra: dict) -> None:
        """The one allowed rewrite (API.md §12): personal values of one event become
        `[erased]`; anything else is refused, here and by the PostgreSQL trigger."""
        from .redaction import is_redaction

        event = self.get(pk=pk)
        if not (is_redaction(event.changes, changes) and is_redaction(event.extra, extra)):
            raise AppendOnlyError("Only personal values may be redacted from audit events.")
        models.QuerySet.update(self.filter(pk=pk), changes=changes, extra=extra)

    def delete(self):
        raise AppendOnlyError("Audit events cannot be deleted.")


class AppendOnlyError(RuntimeError):
    pass


class AuditEvent(models.Model):
    class Source(models.TextChoices):
        API = "api", "API"
        ADMIN = "admin", "Admin"
        COMMAND = "command", "Management command"
        SYSTEM = "system", "System"

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The actor's username at the time, kept if the staff account is later removed.
    actor_name = models.CharField(max_length=150, blank=True, default="")
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.SYSTEM)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64)
    object_ids = models.JSONField(default=list, blank=True)
    # {field: [before, after]}; secrets are never recorded (see audit.services.SECRET_FIELDS).
    changes = models.JSONField(default=dict, blank=True)
    extra = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "-created_at"], name="audit_type_created")]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_name or 'system'} at {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AppendOnlyError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be deleted.")


class AuditEventTarget(models.Model):
    """One row per object an event touched, so "the history of customer 42" is an index lookup
    (a JSON containment query is neither portable to SQLite nor indexable as simply)."""

    event = models.ForeignKey(AuditEvent, on_delete=models.CASCADE, related_name="targets")
    object_type = models.CharField(max_length=64)
    object_id = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["object_type", "object_id", "event"], name="audit_target_lookup")
        ]

    def __str__(self) -> str:
        return f"{self.object_type} {self.object_id}"
