"""Storefront events the analytics endpoints aggregate (API.md §5, §6.2, §7)."""

from django.db import models
from django.utils import timezone


class CustomerVisit(models.Model):
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visits",
    )
    session_key = models.CharField(max_length=64, blank=True, default="")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True, default="")
    # Visits per day of a month: a range scan on this index.
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="visit_customer_created"),
        ]

    def __str__(self) -> str:
        return f"Visit {self.pk} at {self.created_at:%Y-%m-%d %H:%M}"


class ProductViewLog(models.Model):
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="product_views"
    )
    product = models.ForeignKey(
        "sales.Product", null=True, blank=True, on_delete=models.SET_NULL, related_name="views"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # Product-view log of one customer, newest first.
            models.Index(fields=["customer", "-created_at", "-id"], name="view_customer_created"),
            models.Index(fields=["-created_at", "-id"], name="view_created"),
        ]

    def __str__(self) -> str:
        return f"View of product {self.product_id} by customer {self.customer_id}"
