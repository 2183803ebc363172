"""Every registered ModelAdmin, ours and third parties' (auth, simplejwt), gets the project's
admin rules without each having to remember a mixin."""

from django.contrib import admin

from .lookups import StrictLookupsMixin


def harden_registered_admins(site: admin.AdminSite = admin.site) -> None:
    """Give every ModelAdmin registered so far strict changelist lookups."""
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, StrictLookupsMixin):
            continue
        hardened = type(
            model_admin.__class__.__name__, (StrictLookupsMixin, model_admin.__class__), {}
        )
        site.unregister(model)
        site.register(model, hardened)
