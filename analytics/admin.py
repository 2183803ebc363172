"""Read-only admin pages for storefront events (visits, product views), and the activity panels
analytics adds to the customer's change page.

Both tables grow by the event: estimating paginator, fixed created ranges instead of a date
hierarchy, and the customer/product joined in the list's own query.
"""

from django.contrib import admin

from analytics import selectors
from analytics.models import CustomerVisit, ProductViewLog
from ecommerce_admin.admin.bases import BigTableAdmin, change_link
from ecommerce_admin.admin.filters import CreatedFilter
from ecommerce_admin.admin.panels import PANEL_ROWS, Panel, register_change_panel


class KnownCustomerFilter(admin.SimpleListFilter):
    title = "visitor"
    parameter_name = "visitor"

    def lookups(self, request, model_admin):
        return [("customer", "Known customer"), ("anonymous", "Anonymous")]

    def queryset(self, request, queryset):
        if self.value() == "customer":
            return queryset.filter(customer__isnull=False)
        if self.value() == "anonymous":
            return queryset.filter(customer__isnull=True)
        return queryset


@admin.register(CustomerVisit)
class CustomerVisitAdmin(BigTableAdmin):
    list_display = ["id", "customer_column", "session_key", "ip_address", "created_at"]
    list_select_related = ["customer"]
    list_filter = [CreatedFilter, KnownCustomerFilter]
    search_fields = ["=session_key", "=customer__id"]
    search_help_text = "Exact session key or customer id."
    raw_id_fields = ["customer"]

    @admin.display(description="Customer")
    def customer_column(self, visit):
        return change_link("customers.customer", visit.customer_id, visit.customer)


@admin.register(ProductViewLog)
class ProductViewLogAdmin(BigTableAdmin):
    list_display = ["id", "customer_column", "product", "created_at"]
    list_select_related = ["customer", "product"]
    list_filter = [CreatedFilter]
    search_fields = ["=customer__id", "=product__id"]
    search_help_text = "Customer id or product id."
    raw_id_fields = ["customer", "product"]

    @admin.display(description="Customer")
    def customer_column(self, view):
        return change_link("customers.customer", view.customer_id, view.customer)


# --- The customer page's activity panels (newest first) -------------------------------------------


@register_change_panel("customers.customer", order=10)
def latest_ordered_products(request, customer_id: int) -> Panel | None:
    if not request.user.has_perm("sales.view_orderproduct"):
        return None
    rows = selectors.order_product_rows(customer_id=customer_id)[:PANEL_ROWS]
    return Panel(
        title="Latest ordered products",
        headers=["Order", "Product", "Qty", "Price", "Date"],
        rows=[
            [
                f"#{row['order_id']}",
                row["product_name"],
                row["quantity"],
                row["price"],
                row["ordered_at"],
            ]
            for row in rows
        ],
    )


@register_change_panel("customers.customer", order=20)
def latest_product_views(request, customer_id: int) -> Panel | None:
    if not request.user.has_perm("analytics.view_productviewlog"):
        return None
    rows = selectors.product_view_rows(customer_id=customer_id)[:PANEL_ROWS]
    return Panel(
        title="Latest product views",
        headers=["Product", "Date"],
        rows=[
            [row["product_name"] or f"Product {row['product_id']}", row["created_at"]]
            for row in rows
        ],
    )


@register_change_panel("customers.customer", order=30)
def latest_visits(request, customer_id: int) -> Panel | None:
    if not request.user.has_perm("analytics.view_customervisit"):
        return None
    visits = CustomerVisit.objects.filter(customer_id=customer_id).order_by("-created_at", "-id")[
        :PANEL_ROWS
    ]
    return Panel(
        title="Latest visits",
        headers=["Date", "IP address", "Browser"],
        rows=[
            [visit.created_at, visit.ip_address or "", visit.user_agent[:60]] for visit in visits
        ],
    )
