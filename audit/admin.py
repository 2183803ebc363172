from django.contrib import admin

from ecommerce_admin.admin.bases import BoundedIdMixin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(BoundedIdMixin, admin.ModelAdmin):
    """Read-only: the trail is append-only, for staff to read, never to edit."""

    list_display = ["created_at", "actor_name", "source", "action", "object_type", "object_ids"]
    list_filter = ["source", "action", "object_type"]
    search_fields = ["actor_name", "action"]
    list_select_related = ["actor"]
    show_full_result_count = False
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
