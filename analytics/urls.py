"""Analytics routes. The four customer/* reads are also served under admin-customer/ (API.md §1)."""

from django.urls import re_path

from analytics import views

CUSTOMER_READS = [
    ("order-product-list", views.OrderProductListView),
    ("product-view-log-list", views.ProductViewLogListView),
    ("vendor-graph-list", views.VendorGraphView),
    ("customer-visit-list", views.CustomerVisitListView),
]

urlpatterns = [
    re_path(rf"^{prefix}/{route}/?$", view.as_view(), name=f"{prefix}-{route}")
    for prefix in ("customer", "admin-customer")
    for route, view in CUSTOMER_READS
] + [
    re_path(r"^analytics/visits/?$", views.VisitIngestionView.as_view(), name="ingest-visits"),
    re_path(
        r"^analytics/product-views/?$",
        views.ProductViewIngestionView.as_view(),
        name="ingest-product-views",
    ),
]
