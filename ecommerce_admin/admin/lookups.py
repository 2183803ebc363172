"""Changelists answer only the lookups their own filters use.

Django's admin applies any other query parameter as an ORM lookup (`?password__startswith=…`,
`?email__regex=…`), so a staff member with only the view permission could binary-search a
customer's password hash one request at a time, or freeze a worker with a catastrophic regex.
Here a parameter that no list filter, date hierarchy or raw-id popup consumed is refused with a
400 before any query runs, whatever its value: no answer can vary with a secret.
"""

from django.contrib.admin import widgets
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.admin.views.main import ChangeList
from django.db.models.constants import LOOKUP_SEP

#: Never a lookup, even from a list filter: secrets, and patterns the database cannot bound.
FORBIDDEN_PARTS = frozenset({"password", "regex", "iregex"})


def _popup_lookups(model) -> set[str]:
    """Parameters of the raw-id popups that ForeignKey.limit_choices_to produce."""
    keys: set[str] = set()
    for fk_lookup in model._meta.related_fkey_lookups:
        if callable(fk_lookup):
            fk_lookup = fk_lookup()
        keys.update(widgets.url_params_from_lookup_dict(fk_lookup))
    return keys


class StrictChangeList(ChangeList):
    def get_filters(self, request):
        specs, has_filters, remaining, may_have_duplicates, has_active = super().get_filters(
            request
        )
        allowed = _popup_lookups(self.model)
        if self.date_hierarchy:
            allowed |= {f"{self.date_hierarchy}__gte", f"{self.date_hierarchy}__lt"}
        for key in remaining:
            if key not in allowed:
                raise DisallowedModelAdminLookup(f"Filtering by {key} not allowed")
        return specs, has_filters, remaining, may_have_duplicates, has_active


class StrictLookupsMixin:
    """For every ModelAdmin: the changelist filters only through its declared list filters."""

    def lookup_allowed(self, lookup, value, request=None):
        if FORBIDDEN_PARTS.intersection(lookup.split(LOOKUP_SEP)):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_changelist(self, request, **kwargs):
        changelist = super().get_changelist(request, **kwargs)
        if issubclass(changelist, StrictChangeList):
            return changelist
        return type(f"Strict{changelist.__name__}", (StrictChangeList, changelist), {})
