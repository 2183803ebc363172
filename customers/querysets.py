"""Chainable reads over customers and groups."""

import datetime

from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone

from ecommerce_admin.dates import local_midnight

# The columns of a customer list row (API.md §3.2), named as the contract names them. Built with
# `values()` rather than a serializer: a 1000-row page costs ~0.2 µs/row instead of ~15.
LIST_ROW_COLUMNS = {
    "firstName": F("first_name"),
    "lastName": F("last_name"),
    "mobileNumber": F("mobile_number"),
    "isActive": F("is_active"),
    "customerGroupId": F("customer_group_id"),
    "customerGroupName": F("customer_group__name"),
    "createdDate": F("created_at"),
    "modifiedDate": F("updated_at"),
}


class CustomerQuerySet(models.QuerySet):
    def alive(self) -> "CustomerQuerySet":
        """Customers that are not soft-deleted: the only ones any customer endpoint sees."""
        return self.filter(is_deleted=False)

    def not_erased(self) -> "CustomerQuerySet":
        """Every customer except the erased ones (API.md §12): what the admin's "Deleted" list
        and the restore action may see."""
        return self.filter(erased_at__isnull=True)

    def newest_first(self) -> "CustomerQuerySet":
        return self.order_by("-created_at", "-id")

    def in_group(self, group_id: int) -> "CustomerQuerySet":
        return self.filter(customer_group_id=group_id)

    def name_contains(self, term: str) -> "CustomerQuerySet":
        """First name, last name or "first last" contain `term` (case-insensitive)."""
        condition = Q(first_name__icontains=term) | Q(last_name__icontains=term)
        if " " not in term:
            # Without a space the term cannot span "first last", so the plain columns (and their
            # trigram indexes) answer alone.
            return self.filter(condition)
        full_name = Concat("first_name", Value(" "), Coalesce("last_name", Value("")))
        return self.alias(_full_name=full_name).filter(condition | Q(_full_name__icontains=term))

    def keyword(self, term: str) -> "CustomerQuerySet":
        """First name, last name, email or group name contain `term` (case-insensitive).

        The matching groups are looked up first (a small table): a condition on the joined
        group name inside the OR would stop PostgreSQL from combining the trigram indexes
        (BitmapOr) and read the whole customer table instead (240 ms vs 4 ms at 100k rows).
        """
        from .models import CustomerGroup

        group_ids = list(
            CustomerGroup.objects.filter(name__icontains=term).values_list("pk", flat=True)
        )
        return self.filter(
            Q(first_name__icontains=term)
            | Q(last_name__icontains=term)
            | Q(email__icontains=term)
            | Q(customer_group_id__in=group_ids)
        )

    def created_between(
        self, start: datetime.datetime | None, end: datetime.datetime | None
    ) -> "CustomerQuerySet":
        """A half-open range [start, end) on created_at: a range, so the index answers it."""
        queryset = self
        if start is not None:
            queryset = queryset.filter(created_at__gte=start)
        if end is not None:
            queryset = queryset.filter(created_at__lt=end)
        return queryset

    def created_today(self) -> "CustomerQuerySet":
        """Created on today's date in settings.TIME_ZONE."""
        today = timezone.localdate()
        start = local_midnight(today)
        return self.created_between(start, local_midnight(today + datetime.timedelta(days=1)))

    def list_rows(self) -> "CustomerQuerySet":
        """The list row dicts of API.md §3.2 (flags still booleans: see `as_list_rows`)."""
        return self.values("id", "username", "email", **LIST_ROW_COLUMNS)


def as_list_rows(rows) -> list[dict]:
    """Materialise list rows, turning the is_active boolean into the contract's 0/1."""
    result = list(rows)
    for row in result:
        row["isActive"] = int(row["isActive"])
    return result


class CustomerGroupQuerySet(models.QuerySet):
    def newest_first(self) -> "CustomerGroupQuerySet":
        return self.order_by("-created_at", "-id")

    def with_customer_count(self) -> "CustomerGroupQuerySet":
        """Annotate `customer_count`: non-deleted customers in the group (one correlated count).

        A subquery rather than JOIN + GROUP BY, so `count()` of a filtered list stays a plain
        COUNT over the groups.
        """
        from .models import Customer

        counts = (
            Customer.objects.filter(customer_group=OuterRef("pk"), is_deleted=False)
            .order_by()
            .values("customer_group")
            .annotate(n=Count("id"))
            .values("n")
        )
        return self.annotate(customer_count=Coalesce(Subquery(counts), Value(0)))
