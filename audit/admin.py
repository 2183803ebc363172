from django.contrib import admin

from ecommerce_admin.admin.bases import ReadOnlyAdmin
from ecommerce_admin.admin.panels import PANEL_ROWS, Panel, register_change_panel

from .models import AuditEvent
from .services import audit_history


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: the trail is append-only, for staff to read, never to edit."""

    list_display = ["created_at", "actor_name", "source", "action", "object_type", "object_ids"]
    list_filter = ["source", "action", "object_type"]
    search_fields = ["actor_name", "action"]
    list_select_related = ["actor"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]


@register_change_panel("customers.customer", order=100)
def customer_change_history(request, object_id: int) -> Panel | None:
    """The customer page's latest changes (who, where from, what: before → after)."""
    if not request.user.has_perm("audit.view_auditevent"):
        return None
    events = audit_history(object_type="customer", object_id=object_id, limit=PANEL_ROWS)
    return Panel(
        title="Change history",
        headers=["Date", "Staff", "Source", "Action", "Changes"],
        rows=[
            [
                event.created_at,
                event.actor_name or "system",
                event.get_source_display(),
                event.action,
                "; ".join(
                    f"{field}: {before!r} → {after!r}"
                    for field, (before, after) in event.changes.items()
                ),
            ]
            for event in events
        ],
    )
