"""Read-only admin for the export log (who exported which customers, when, how many rows).

Registered from customers/admin.py: `admin.site.register(ExportLog, ExportLogAdmin)`. An audit
trail cannot be edited, added to or deleted from the admin; viewing needs `view_exportlog`.
"""

from django.contrib import admin


class ExportLogAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "kind", "source", "format", "row_count", "duration_ms")
    list_filter = ("kind", "source", "format", "created_at")
    list_select_related = ("user",)
    search_fields = ("user__username",)
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    show_full_result_count = False
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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
