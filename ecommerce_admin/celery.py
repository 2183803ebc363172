"""The Celery application: `celery -A ecommerce_admin worker` (and `beat`), see README.

Configured from Django's settings (the CELERY_* names in settings.py), tasks found in each app's
tasks.py.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecommerce_admin.settings")

app = Celery("ecommerce_admin")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _prepare_embedded_broker() -> None:
    """The filesystem transport expects its folders to exist (it does not create them)."""
    from django.conf import settings

    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
    if str(getattr(settings, "CELERY_BROKER_URL", "")).startswith("filesystem://"):
        for key in ("data_folder_in", "data_folder_out", "control_folder"):
            if options.get(key):
                os.makedirs(options[key], exist_ok=True)


@app.on_after_configure.connect
def _on_configure(sender, **kwargs):
    _prepare_embedded_broker()
