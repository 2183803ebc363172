from django.apps import AppConfig


class JobsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "jobs"
    verbose_name = "Background jobs"

    def ready(self):
        # jobs is built over customers, so customers does not import jobs: the customer list's
        # "Export in background" actions and button are added to its ModelAdmin from here, as
        # analytics and audit add their panels to the customer page (ecommerce_admin.admin.panels).
        from .admin import extend_customer_admin

        extend_customer_admin()
