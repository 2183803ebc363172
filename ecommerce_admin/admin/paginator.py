"""A changelist paginator that never runs an unbounded COUNT(*) on a big PostgreSQL table.

Django's admin counts the whole filtered queryset for every page. With a million customers that
COUNT is most of the page's time (PERFORMANCE-AND-SECURITY.md §B1), so on PostgreSQL:

- unfiltered (or only the admin's always-on filters): the planner's `reltuples` estimate of the
  table, unless the table is small enough that an exact count is cheap;
- filtered: an exact count under a short `statement_timeout`, falling back to the planner's row
  estimate for the query when the count takes too long.

Other databases (SQLite) count exactly.
"""

import json
import logging

from django.core.paginator import Paginator
from django.db import DatabaseError, connections, transaction
from django.db.models import QuerySet
from django.utils.functional import cached_property

logger = logging.getLogger(__name__)

# Below this many (estimated) rows an exact count takes a few milliseconds: just count.
EXACT_COUNT_BELOW = 100_000
# How long an exact count of a filtered list may take before we settle for an estimate.
COUNT_TIMEOUT_MS = 200


class EstimatedCountPaginator(Paginator):
    """A list is "unfiltered" when its WHERE clause is empty or equals `baseline`'s (see
    `paginator_for`)."""

    #: Filters that every page applies (e.g. "not deleted"); a page with only these is "unfiltered".
    baseline: QuerySet | None = None

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if not isinstance(queryset, QuerySet):
            return super().count
        connection = connections[queryset.db]
        if connection.vendor != "postgresql":
            return queryset.count()
        table_estimate = self._table_estimate(queryset, connection)
        if table_estimate < EXACT_COUNT_BELOW:
            return queryset.count()
        if self._is_unfiltered(queryset):
            return table_estimate
        return self._count_with_timeout(queryset)

    def _is_unfiltered(self, queryset: QuerySet) -> bool:
        where = queryset.query.where
        if not where:
            return True
        return self.baseline is not None and where == self.baseline.query.where

    @staticmethod
    def _table_estimate(queryset: QuerySet, connection) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                [queryset.model._meta.db_table],
            )
            row = cursor.fetchone()
        # -1 means "never analysed": treat as small, an exact count settles it.
        return max(int(row[0]), 0) if row else 0

    @staticmethod
    def _count_with_timeout(queryset: QuerySet) -> int:
        connection = connections[queryset.db]
        try:
            with transaction.atomic(using=queryset.db):
                with connection.cursor() as cursor:
                    cursor.execute("SHOW statement_timeout")
                    previous = cursor.fetchone()[0]
                    cursor.execute(f"SET LOCAL statement_timeout = {int(COUNT_TIMEOUT_MS)}")
                count = queryset.count()
                # Releasing a savepoint keeps SET LOCAL until the outer transaction ends.
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])
                return count
        except DatabaseError:
            logger.info("changelist count timed out; using the planner's estimate")
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
        if isinstance(plan, str):
            plan = json.loads(plan)
        return int(plan[0]["Plan"]["Plan Rows"])


def paginator_for(baseline: QuerySet) -> type[EstimatedCountPaginator]:
    """A paginator class that treats `baseline`'s filters as "unfiltered"."""
    return type(
        "BaselineEstimatedCountPaginator", (EstimatedCountPaginator,), {"baseline": baseline}
    )
