"""The owner's e-mail when a job ends (API.md §11), with the signed download link."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from . import signing
from .models import Job

logger = logging.getLogger(__name__)


def send_job_finished_email(job: Job) -> bool:
    """Send it through Django's email backend; a failure is logged, never raised (the job's
    outcome is on its row either way)."""
    owner = job.created_by
    if not owner.email:
        return False
    context = {
        "shop_name": settings.SHOP_NAME,
        "job": job,
        "kind": job.get_kind_display(),
        "status": job.get_status_display(),
        "download_url": signing.download_url(job) if job.has_file else "",
    }
    try:
        subject = render_to_string("jobs/emails/finished_subject.txt", context).strip()
        body = render_to_string("jobs/emails/finished.txt", context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [owner.email], fail_silently=False)
    except Exception:
        logger.exception("Job %s: the e-mail to its owner could not be sent", job.pk)
        return False
    return True
