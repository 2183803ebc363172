"""List filters shared by the back-office admins, chosen for big tables.

A date hierarchy aggregates the dates of the whole filtered table on every page; these fixed
ranges are one indexed range condition each.
"""

import datetime as dt

from django.contrib import admin
from django.utils import timezone

from ecommerce_admin.dates import local_midnight


class CreatedFilter(admin.SimpleListFilter):
    """Created today / in the past 7 or 30 days / this year, in TIME_ZONE.

    Subclass it for another date column: set `field` (and `title`/`parameter_name`).
    """

    title = "created"
    parameter_name = "created"
    field = "created_at"

    def lookups(self, request, model_admin):
        return [
            ("today", "Today"),
            ("7d", "Past 7 days"),
            ("30d", "Past 30 days"),
            ("year", "This year"),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        starts = {
            "today": today,
            "7d": today - dt.timedelta(days=6),
            "30d": today - dt.timedelta(days=29),
            "year": today.replace(month=1, day=1),
        }
        start = starts.get(self.value())
        if start is None:
            return queryset
        return queryset.filter(**{f"{self.field}__gte": local_midnight(start)})
