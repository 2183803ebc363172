"""Read-only admin for the export log (who exported which customers, when, how many rows).

An audit trail cannot be edited, added to or deleted from the admin; viewing needs
`view_exportlog`.
"""

from django.contrib import admin

from customers.models import ExportLog
from ecommerce_admin.admin.bases import ReadOnlyAdmin


@admin.register(ExportLog)
class ExportLogAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "kind", "source", "format", "row_count", "duration_ms")
    list_filter = ("kind", "source", "format", "created_at")
    list_select_related = ("user",)
    search_fields = ("user__username",)
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    fields = (
        "created_at",
        "user",
        "kind",
        "source",
        "format",
        "filters",
        "ids",
        "row_count",
        "duration_ms",
    )
    readonly_fields = fields
