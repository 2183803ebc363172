# The Celery app is loaded with Django, so `task.delay()` anywhere uses the configured broker.
from .celery import app as celery_app

__all__ = ("celery_app",)
