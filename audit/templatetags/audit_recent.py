"""`{% recent_audit_events user as events %}`: the admin index's "Recent actions", read from the
audit trail, so a change made through the API or a command is listed beside admin changes (the
admin's own LogEntry only ever sees admin forms)."""

from dataclasses import dataclass

from django import template
from django.urls import NoReverseMatch, reverse

from audit.models import AuditEvent

register = template.Library()

RECENT = 10
#: object_type → (singular, plural, admin change URL name)
OBJECTS = {
    "customer": ("Customer", "customers", "admin:customers_customer_change"),
    "customergroup": ("Customer group", "customer groups", "admin:customers_customergroup_change"),
}


@dataclass(frozen=True)
class RecentAction:
    css_class: str  # Django's addlink / changelink / deletelink icons
    verb: str
    target: str
    url: str | None
    source: str
    created_at: object


def _describe(event: AuditEvent) -> RecentAction:
    verb = event.action.partition(".")[2] or event.action
    singular, plural, url_name = OBJECTS.get(
        event.object_type, (event.object_type.capitalize(), event.object_type + "s", None)
    )
    ids = event.object_ids if isinstance(event.object_ids, list) else []
    url = None
    if len(ids) == 1:
        target = f"{singular} #{ids[0]}"
        if url_name and "delete" not in verb:
            try:
                url = reverse(url_name, args=[ids[0]])
            except NoReverseMatch:
                url = None
    else:
        target = f"{len(ids):,} {plural}"
    if verb == "create":
        css_class = "addlink"
    elif "delete" in verb:
        css_class = "deletelink"
    else:
        css_class = "changelink"
    return RecentAction(
        css_class=css_class,
        verb=verb.replace("_", " ").capitalize(),
        target=target,
        url=url,
        source=event.get_source_display(),
        created_at=event.created_at,
    )


@register.simple_tag
def recent_audit_events(user, limit: int = RECENT) -> list[RecentAction]:
    if not getattr(user, "pk", None):
        return []
    events = AuditEvent.objects.filter(actor_id=user.pk).order_by("-created_at", "-id")[:limit]
    return [_describe(event) for event in events]
