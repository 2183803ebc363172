"""Limit/offset lists with the contract's `count` switch (API.md §1).

Plain pages issue no COUNT query: `data` is just the rows. `count=1` answers the total as a bare
integer with the route's own message. `limit` is capped at 1000 (DRF's `max_limit` is unbounded).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .filters import sends_filters
from .params import ListWindow, parse_list_window
from .responses import success

# From this offset on, the page's keys are found first and the rows fetched after: skipping
# half a million index entries is cheap, skipping half a million joined rows is not
# (33 → 6.7 ms at offset 90,000 of 100k customers on PostgreSQL, measured by bench/run.py).
DEFERRED_JOIN_OFFSET = 1000


class EnvelopeListMixin:
    """`list()` for a GenericViewSet: filters from the FilterSet, then count or one page."""

    list_message: str = ""
    count_message: str = ""
    limit_required: bool = True

    def list(self, request, *args, **kwargs):
        window = parse_list_window(request.query_params, limit_required=self.limit_required)
        if window.count:
            return success(self.count_message, self.count_of_list())
        return success(self.list_message, self.serialize_rows(self.page_of_list(window), window))

    def get_rows_queryset(self) -> QuerySet:
        """What a page's rows are read from (the FilterSet applies to it as to `get_queryset()`):
        a view may answer a queryset already shaped into its rows, so nothing is rebuilt per
        request. Must have `get_queryset()`'s rows and order."""
        return self.get_queryset()

    def unfiltered_page(self, window: ListWindow) -> list | None:
        """A shallow page of the unfiltered list read without building a queryset (a statement
        compiled once, `ecommerce_admin.statements.CompiledPage`), or None to slice one."""
        return None

    def unfiltered_total(self) -> int | None:
        """The number of rows of the list when it is known without counting them (exact
        counters), else None. Only asked when the request filters nothing."""
        return None

    def _total_if_unfiltered(self) -> int | None:
        return None if sends_filters(self.request, self) else self.unfiltered_total()

    def count_of_list(self) -> int:
        total = self._total_if_unfiltered()
        if total is not None:
            return total
        return self.count_rows(self.filter_queryset(self.get_queryset()))

    def page_of_list(self, window: ListWindow) -> QuerySet | list:
        if window.limit is None or window.offset < DEFERRED_JOIN_OFFSET:
            if window.limit is not None and not sends_filters(self.request, self):
                rows = self.unfiltered_page(window)
                if rows is not None:
                    return rows
            return self.page_of(self.filter_queryset(self.get_rows_queryset()), window)
        # A deep page: its keys first, from the plain list (an index-only scan, which a join in
        # the rows' query would prevent), then only those rows.
        keys = self.keys_of_deep_page(self.filter_queryset(self.get_queryset()), window)
        return self.get_rows_queryset().filter(pk__in=keys)

    def keys_of_deep_page(self, queryset: QuerySet, window: ListWindow) -> QuerySet:
        end = window.offset + window.limit
        total = self._total_if_unfiltered()
        if total is None or window.offset <= total // 2:
            return queryset.values("pk")[window.offset : end]
        # Past the middle of a list whose length the counters know, the page is found from the
        # other end: offset 90,000 of 100,000 skips 9,980 index entries instead of 90,000
        # (bench/run.py "list offset"). The count and the keys are two statements; a write
        # landing between them shifts this page as it would shift the next one anyway.
        rows = min(window.limit, total - window.offset)
        if rows <= 0:
            return queryset.none().values("pk")
        start = total - window.offset - rows
        return queryset.reverse().values("pk")[start : start + rows]

    def page_of(self, queryset: QuerySet, window: ListWindow) -> QuerySet:
        return queryset[window.offset : window.offset + window.limit]

    def count_rows(self, queryset: QuerySet) -> int:
        return queryset.order_by().count()

    def serialize_rows(self, page: QuerySet, window: ListWindow) -> Any:
        return self.get_serializer(page, many=True).data
