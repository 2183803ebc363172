"""Reads on jobs: what a user may see, newest first."""

from ecommerce_admin.ids import MAX_ID

from .models import Job


def jobs_visible_to(user):
    """The caller's own jobs; a superuser's view is everyone's (API.md §11)."""
    queryset = Job.objects.select_related("created_by").order_by("-created_at", "-id")
    if user.is_superuser:
        return queryset
    return queryset.filter(created_by=user)


def job_for(user, job_id) -> Job | None:
    """The job if it exists and `user` may see it (owner or superuser), else None."""
    job_id = int(job_id)
    if job_id > MAX_ID:
        return None
    return jobs_visible_to(user).filter(pk=job_id).first()
