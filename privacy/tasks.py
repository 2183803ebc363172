"""Periodic tasks of API.md §12 (Celery beat, settings.CELERY_BEAT_SCHEDULE): scheduled erasures
every 15 minutes (within an hour of `eraseAfter`), retention daily when DJANGO_RETENTION_DAYS
is set."""

from celery import shared_task
from django.conf import settings

from audit.services import audit_source

from .services import erasures_due, purge_deleted


@shared_task(name="privacy.run_scheduled_erasures", ignore_result=True)
def run_scheduled_erasures() -> int:
    with audit_source("task"):
        return erasures_due()


@shared_task(name="privacy.purge_deleted", ignore_result=True)
def purge_deleted_customers() -> int:
    """Retention; does nothing when DJANGO_RETENTION_DAYS is unset (purge by hand only)."""
    days = settings.RETENTION_DAYS
    if days is None:
        return 0
    with audit_source("task"):
        return purge_deleted(older_than_days=days)
