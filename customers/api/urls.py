"""Customer and group routes (API.md §3, §4), mounted under /api/.

Every customer route is served under both `customer/` and `admin-customer/` (API.md §1), with an
optional trailing slash. Fixed sub-paths come before `{id}`, and `{id}` matches digits only, so
`recent-customerlist` and friends never reach the id routes.
"""

from django.urls import re_path

from .exports import CustomerAllExportView, CustomerSelectionExportView
from .views import CustomerGroupViewSet, CustomerViewSet

customer_collection = CustomerViewSet.as_view({"get": "list", "post": "create"})
customer_detail = CustomerViewSet.as_view({"get": "retrieve"})
customer_item = CustomerViewSet.as_view({"put": "update", "delete": "destroy"})
customer_bulk_delete = CustomerViewSet.as_view({"post": "bulk_delete"})
customer_bulk_status = CustomerViewSet.as_view({"post": "bulk_status"})
customer_recent = CustomerViewSet.as_view({"get": "recent"})
customer_today_count = CustomerViewSet.as_view({"get": "today_count"})
customer_count = CustomerViewSet.as_view({"get": "customer_count"})
customer_excel = CustomerSelectionExportView.as_view()
customer_excel_all = CustomerAllExportView.as_view()

group_collection = CustomerGroupViewSet.as_view({"get": "list", "post": "create"})
group_item = CustomerGroupViewSet.as_view({"get": "retrieve", "put": "update", "delete": "destroy"})

ID = r"(?P<pk>[0-9]+)"


def customer_routes(prefix: str, name: str) -> list:
    """The customer routes under one prefix; `name` keeps the URL names unique per prefix."""
    return [
        re_path(rf"^{prefix}/?$", customer_collection, name=f"{name}-list"),
        re_path(rf"^{prefix}/customer-detail/{ID}/?$", customer_detail, name=f"{name}-detail"),
        re_path(rf"^{prefix}/delete-customer/?$", customer_bulk_delete, name=f"{name}-bulk-delete"),
        re_path(rf"^{prefix}/bulk-status/?$", customer_bulk_status, name=f"{name}-bulk-status"),
        re_path(rf"^{prefix}/recent-customerlist/?$", customer_recent, name=f"{name}-recent"),
        re_path(
            rf"^{prefix}/today-customercount/?$", customer_today_count, name=f"{name}-today-count"
        ),
        re_path(rf"^{prefix}/customer-count/?$", customer_count, name=f"{name}-count"),
        # Excel exports (API.md §3.11, §3.12): customers/api/exports.py.
        re_path(rf"^{prefix}/customer-excel-list/?$", customer_excel, name=f"{name}-excel"),
        re_path(
            rf"^{prefix}/allcustomer-excel-list/?$", customer_excel_all, name=f"{name}-excel-all"
        ),
        re_path(rf"^{prefix}/{ID}/?$", customer_item, name=f"{name}-item"),
    ]


urlpatterns = [
    *customer_routes("customer", "customer"),
    *customer_routes("admin-customer", "admin-customer"),
    re_path(r"^customer-group/?$", group_collection, name="customer-group-list"),
    re_path(rf"^customer-group/{ID}/?$", group_item, name="customer-group-item"),
]
