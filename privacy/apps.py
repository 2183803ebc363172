from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Personal data toolkit (API.md §12): per-customer data export, erasure, retention."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "privacy"
    verbose_name = "Personal data"
