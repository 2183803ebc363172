"""Chainable reads over customers and groups."""

from django.db import models


class CustomerQuerySet(models.QuerySet):
    def alive(self) -> "CustomerQuerySet":
        """Customers that are not soft-deleted: the only ones any customer endpoint sees."""
        return self.filter(is_deleted=False)

    def newest_first(self) -> "CustomerQuerySet":
        return self.order_by("-created_at", "-id")


class CustomerGroupQuerySet(models.QuerySet):
    pass
