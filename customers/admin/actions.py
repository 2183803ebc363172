"""What the customer and group admin actions share: a bounded selection, a service call."""

from django.contrib import messages
from django.db.models import QuerySet

from ecommerce_admin.errors import DomainError
from ecommerce_admin.ids import MAX_IDS


def selected_ids(modeladmin, request, queryset: QuerySet) -> list[int] | None:
    """The ids of an action's selection, or None (with an error message) past the bulk cap."""
    ids = list(queryset.order_by().values_list("pk", flat=True)[: MAX_IDS + 1])
    if len(ids) > MAX_IDS:
        modeladmin.message_user(
            request,
            f"Select at most {MAX_IDS:,} customers for this action.",
            messages.ERROR,
        )
        return None
    return ids


def run_service(modeladmin, request, call, success: str) -> bool:
    """Call a service; its refusal becomes an error message, as the API's 400 carries it."""
    try:
        call()
    except DomainError as error:
        modeladmin.message_user(request, error.message, messages.ERROR)
        return False
    modeladmin.message_user(request, success, messages.SUCCESS)
    return True
