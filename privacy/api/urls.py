"""Personal data routes (API.md §12), under both customer prefixes (API.md §1)."""

from django.urls import re_path

from .views import CustomerErasureViewSet

erase = CustomerErasureViewSet.as_view({"post": "erase", "delete": "cancel"})

ID = r"(?P<pk>[0-9]+)"

urlpatterns = [
    route
    for prefix in ("customer", "admin-customer")
    for route in (re_path(rf"^{prefix}/{ID}/erase/?$", erase, name=f"{prefix}-erase"),)
]
