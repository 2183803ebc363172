from django.apps import AppConfig


class EcommerceAdminConfig(AppConfig):
    """The project package as an app: its deployment checks, the admin rules for every app, and
    the token revocation that follows a staff user's password or status change."""

    name = "ecommerce_admin"
    verbose_name = "Back office"

    def ready(self):
        from . import (
            checks,  # noqa: F401 - registers the checks
            signals,
        )
        from .admin.registrations import harden_registered_admins

        # The admin app (first in INSTALLED_APPS) has autodiscovered every admin module by now.
        harden_registered_admins()
        signals.connect()
