from django.apps import AppConfig


class EcommerceAdminConfig(AppConfig):
    """The project package as an app: only to register its deployment checks."""

    name = "ecommerce_admin"
    verbose_name = "Back office"

    def ready(self):
        from . import checks  # noqa: F401 - registers the checks
