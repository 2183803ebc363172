"""Read-only admin pages for storefront events (the full back office admin comes later)."""

from django.contrib import admin

from analytics.models import CustomerVisit, ProductViewLog
from sales.admin import ReadOnlyAdmin


@admin.register(CustomerVisit)
class CustomerVisitAdmin(ReadOnlyAdmin):
    list_display = ["id", "customer", "session_key", "ip_address", "created_at"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer"]
    date_hierarchy = "created_at"


@admin.register(ProductViewLog)
class ProductViewLogAdmin(ReadOnlyAdmin):
    list_display = ["id", "customer", "product", "created_at"]
    list_select_related = ["customer", "product"]
    raw_id_fields = ["customer", "product"]
    date_hierarchy = "created_at"
