"""Personal data routes (API.md §12), under both customer prefixes (API.md §1)."""

from django.urls import re_path

from .views import CustomerDataExportViewSet, CustomerErasureViewSet

erase = CustomerErasureViewSet.as_view({"post": "erase", "delete": "cancel"})
data_export = CustomerDataExportViewSet.as_view({"post": "export"})

ID = r"(?P<pk>[0-9]+)"

urlpatterns = [
    route
    for prefix in ("customer", "admin-customer")
    for route in (
        re_path(rf"^{prefix}/{ID}/erase/?$", erase, name=f"{prefix}-erase"),
        re_path(rf"^{prefix}/{ID}/data-export/?$", data_export, name=f"{prefix}-data-export"),
    )
]
