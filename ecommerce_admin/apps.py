from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class BackOfficeAdminConfig(AdminConfig):
    """django.contrib.admin with the back office's site as `admin.site`."""

    default_site = "ecommerce_admin.admin.site.BackOfficeSite"


class EcommerceAdminConfig(AppConfig):
    """The project package as an app: its deployment checks, the admin rules for every app, and
    the token revocation that follows a staff user's password or status change."""

    name = "ecommerce_admin"
    verbose_name = "Back office"

    def ready(self):
        from django.core.signals import request_finished, request_started
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate, pre_migrate

        from . import (
            checks,  # noqa: F401 - registers the checks
            db_faults,
            db_timeouts,
            signals,
        )
        from .admin.registrations import harden_registered_admins

        # The admin app (first in INSTALLED_APPS) has autodiscovered every admin module by now.
        harden_registered_admins()

        # Bounded waits on every PostgreSQL connection; migrations may run longer (API.md §10).
        connection_created.connect(db_timeouts.install_no_answer_deadline)
        pre_migrate.connect(db_timeouts.lift_limits_for_migrations, dispatch_uid="db-limits-lift")
        post_migrate.connect(
            db_timeouts.restore_limits_after_migrations, dispatch_uid="db-limits-restore"
        )
        # Reused connections skip the per-request `SELECT 1` while busy (issue 17). Connected
        # after Django's close_old_connections (registered when django.db was imported).
        request_started.connect(db_faults.skip_health_check_if_just_used, dispatch_uid="db-hc")
        request_finished.connect(db_faults.mark_connections_used, dispatch_uid="db-used")
        signals.connect()
