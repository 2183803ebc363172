from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Personal data toolkit (API.md §12): per-customer data export, erasure, retention."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "privacy"
    verbose_name = "Personal data"

    def ready(self):
        # jobs never imports privacy: the data-export job kind is handed to its runner here.
        from jobs.registry import register_kind

        from .jobs import KIND, run_data_export

        register_kind(KIND, run_data_export)
