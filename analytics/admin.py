"""Read-only admin pages for storefront events (visits, product views).

Both tables grow by the event: estimating paginator, fixed created ranges instead of a date
hierarchy, and the customer/product joined in the list's own query.
"""

from django.contrib import admin

from analytics.models import CustomerVisit, ProductViewLog
from ecommerce_admin.admin.filters import CreatedFilter
from sales.admin import BigTableAdmin, customer_link


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
        return customer_link(visit.customer_id, visit.customer)


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
        return customer_link(view.customer_id, view.customer)
