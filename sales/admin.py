"""Read-only admin pages for the storefront's sales data (the data the analytics endpoints read).

The back office looks at this data; the storefront writes it. Orders and order lines grow without
bound, so their lists never count the whole table (estimating paginator), never aggregate dates
(fixed created ranges, no date hierarchy) and join what they show in the same query.
"""

from django.contrib import admin
from django.db.models import Count

from ecommerce_admin.admin.bases import BigTableAdmin, ReadOnlyAdmin, change_link
from ecommerce_admin.admin.filters import CreatedFilter
from sales.models import Order, OrderProduct, Product, Vendor


class OrderCreatedFilter(CreatedFilter):
    """Order lines are dated by their order (API.md §5)."""

    title = "ordered"
    parameter_name = "ordered"
    field = "order__created_at"


class InStockFilter(admin.SimpleListFilter):
    title = "stock"
    parameter_name = "stock"

    def lookups(self, request, model_admin):
        return [("out", "Out of stock"), ("in", "In stock")]

    def queryset(self, request, queryset):
        if self.value() == "out":
            return queryset.filter(quantity=0)
        if self.value() == "in":
            return queryset.filter(quantity__gte=1)
        return queryset


@admin.register(Vendor)
class VendorAdmin(ReadOnlyAdmin):
    list_display = ["company_name", "owner", "product_count", "is_active", "created_at"]
    list_select_related = ["customer"]
    list_filter = ["is_active"]
    search_fields = ["company_name"]
    raw_id_fields = ["customer"]
    date_hierarchy = "created_at"  # a small table

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(product_total=Count("products"))

    @admin.display(description="Customer")
    def owner(self, vendor):
        return change_link("customers.customer", vendor.customer_id, vendor.customer)

    @admin.display(description="Products", ordering="product_total")
    def product_count(self, vendor):
        return vendor.product_total


@admin.register(Product)
class ProductAdmin(ReadOnlyAdmin):
    list_display = ["name", "vendor", "quantity", "is_approved", "price", "created_at"]
    list_select_related = ["vendor"]
    list_filter = ["is_approved", InStockFilter, CreatedFilter]
    search_fields = ["name", "=id"]
    raw_id_fields = ["vendor"]


class OrderProductInline(admin.TabularInline):
    model = OrderProduct
    fields = ["product", "name", "quantity", "price", "status"]
    readonly_fields = fields
    raw_id_fields = ["product"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(BigTableAdmin):
    list_display = ["__str__", "customer_column", "email", "is_paid", "created_at"]
    list_select_related = ["customer"]
    list_filter = ["is_paid", CreatedFilter]
    search_fields = ["=id", "=email"]
    search_help_text = "Order number or the exact email."
    raw_id_fields = ["customer"]
    inlines = [OrderProductInline]

    @admin.display(description="Customer")
    def customer_column(self, order):
        return change_link("customers.customer", order.customer_id, order.customer)


@admin.register(OrderProduct)
class OrderProductAdmin(BigTableAdmin):
    list_display = ["id", "order", "name", "quantity", "price", "status", "ordered_at"]
    list_select_related = ["order"]
    list_filter = ["status", OrderCreatedFilter]
    search_fields = ["=order__id", "=product__id"]
    search_help_text = "Order number or product id."
    raw_id_fields = ["order", "product"]

    @admin.display(description="Ordered", ordering="order__created_at")
    def ordered_at(self, line):
        return line.order.created_at
