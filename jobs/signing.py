"""Signed download links (API.md §11): `/api/jobs/{id}/download?signature=...`.

The signature covers the job id and its expiry, so a link works without a bearer token until the
file expires and never after; SECRET_KEY rotation revokes every link.
"""

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare

from .models import Job

_SALT = "jobs.download"


def _payload(job: Job) -> str:
    expires = job.expires_at.isoformat() if job.expires_at else ""
    return f"{job.pk}:{job.created_by_id}:{expires}"


def signature(job: Job) -> str:
    return signing.Signer(salt=_SALT).signature(_payload(job))


def is_valid(job: Job, value: str) -> bool:
    return (
        bool(value) and job.expires_at is not None and constant_time_compare(value, signature(job))
    )


def download_path(job: Job) -> str:
    return f"/api/jobs/{job.pk}/download?signature={signature(job)}"


def download_url(job: Job) -> str:
    """The absolute link for an e-mail: DJANGO_SITE_URL, else the host the job was asked on."""
    base = (getattr(settings, "SITE_URL", "") or job.params.get("siteUrl") or "").rstrip("/")
    return base + download_path(job)
