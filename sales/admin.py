"""Read-only admin pages for the sales data analytics reads (full back office admin comes later)."""

from django.contrib import admin

from sales.models import Order, OrderProduct, Product, Vendor


class ReadOnlyAdmin(admin.ModelAdmin):
    """Sales data comes from the storefront; the back office only looks at it."""

    list_per_page = 50
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Vendor)
class VendorAdmin(ReadOnlyAdmin):
    list_display = ["id", "company_name", "customer", "is_active", "created_at"]
    list_select_related = ["customer"]
    search_fields = ["company_name"]


@admin.register(Product)
class ProductAdmin(ReadOnlyAdmin):
    list_display = ["id", "name", "vendor", "quantity", "is_approved", "price", "created_at"]
    list_select_related = ["vendor"]
    list_filter = ["is_approved"]
    search_fields = ["name"]


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = ["id", "customer", "email", "is_paid", "created_at"]
    list_select_related = ["customer"]
    list_filter = ["is_paid"]
    raw_id_fields = ["customer"]
    date_hierarchy = "created_at"


@admin.register(OrderProduct)
class OrderProductAdmin(ReadOnlyAdmin):
    list_display = ["id", "order", "name", "quantity", "price", "status", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["order", "product"]
