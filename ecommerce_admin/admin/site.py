"""The back office's AdminSite: the admin's front page in the order staff use it.

Installed as the default site (`BackOfficeAdminConfig` in ecommerce_admin/apps.py), so every
`admin.site.register` and `@admin.register` lands here unchanged.
"""

from django.contrib import admin
from django.db.models.base import ModelBase

#: Apps in the order staff use them; anything not listed follows, alphabetically.
APP_ORDER = ["customers", "analytics", "sales", "audit", "auth"]
#: Models within an app, by object name; the others follow, alphabetically.
MODEL_ORDER = {"customers": ["Customer", "CustomerGroup", "ExportLog"]}
#: Plumbing, not back-office work: shown to superusers only (who may need to revoke a token).
SUPERUSER_ONLY_APPS = {"token_blacklist"}


def _rank(order: list[str], key: str) -> tuple[int, str]:
    return (order.index(key) if key in order else len(order), key.lower())


class SuperuserOnlyMixin:
    """Hidden from staff (index, sidebar) and refused to them by URL too."""

    def has_module_permission(self, request):
        return request.user.is_superuser and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return request.user.is_superuser and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


class BackOfficeSite(admin.AdminSite):
    site_header = "Customer Back Office"
    site_title = "Customer Back Office"
    index_title = "Back office"
    # The back office has no public site of its own; "View site" opens the API's documentation.
    site_url = "/api/docs/"

    def register(self, model_or_iterable, admin_class=None, **options):
        models = (
            [model_or_iterable] if isinstance(model_or_iterable, ModelBase) else model_or_iterable
        )
        for model in models:
            model_admin = admin_class or admin.ModelAdmin
            superuser_only = model._meta.app_label in SUPERUSER_ONLY_APPS
            if superuser_only and not issubclass(model_admin, SuperuserOnlyMixin):
                model_admin = type(model_admin.__name__, (SuperuserOnlyMixin, model_admin), {})
            super().register(model, model_admin, **options)

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        apps.sort(key=lambda app: _rank(APP_ORDER, app["app_label"]))
        for app in apps:
            order = MODEL_ORDER.get(app["app_label"], [])
            app["models"].sort(key=lambda model: _rank(order, model["object_name"]))
        return apps
