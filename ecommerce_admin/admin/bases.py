"""Base classes of the back office's ModelAdmins: bounded ids, read-only and big-table lists."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from ecommerce_admin.ids import MAX_ID

from .paginator import EstimatedCountPaginator


class BoundedIdMixin:
    """An object id beyond the 64-bit key range is simply not found (a 404-style redirect), instead
    of an OverflowError (500) from the database driver."""

    def get_object(self, request, object_id, from_field=None):
        if from_field is None and str(object_id).isdigit() and int(object_id) > MAX_ID:
            return None
        return super().get_object(request, object_id, from_field)


class ReadOnlyAdmin(BoundedIdMixin, admin.ModelAdmin):
    """Browsable with the view permission; nothing can be added, changed or deleted here (data
    another system writes, and append-only trails)."""

    list_per_page = 50
    show_full_result_count = False
    # Facet counts are one COUNT per filter choice: not on tables that grow without bound.
    show_facets = admin.ShowFacets.NEVER

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class BigTableAdmin(ReadOnlyAdmin):
    """A read-only list of a table with millions of rows: no COUNT(*) per page."""

    paginator = EstimatedCountPaginator


def change_link(model_label: str, object_id: int | None, label) -> str:
    """A link to the admin change page of `model_label` ("app_label.model") `object_id`; "—"
    without an id. The model is named, not imported: any app may link to any other's page."""
    if object_id is None:
        return "—"
    app_label, model_name = model_label.lower().split(".")
    url = reverse(f"admin:{app_label}_{model_name}_change", args=[object_id])
    return format_html('<a href="{}">{}</a>', url, label)
