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


class DefaultChoiceFilter(admin.SimpleListFilter):
    """A filter that always applies one of its choices: `default` unless another is chosen, and
    no "All" entry (a list staff act on, never the whole table mixed).

    Subclasses give `lookups()`, `default` and `queryset()` (which reads `self.value()`).
    """

    default: str = ""

    def value(self):
        value = super().value()
        known = {str(lookup) for lookup, _ in self.lookup_choices}
        return value if value in known else self.default

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }
