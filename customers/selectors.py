"""Reads shared by the API and the back office, so both show the same numbers."""

import functools

from django.db.models import QuerySet

from ecommerce_admin.statements import CompiledPage

from . import counters
from .models import Customer


def customer_totals() -> dict[str, int]:
    """Live customers and groups, total/active/inactive, from the exact counters: one query
    over a few rows whatever the table size (customers/counters.py)."""
    return counters.totals()


def customers_created_today() -> int:
    """Live customers created today in TIME_ZONE, from the quarter-hour counters."""
    return counters.created_today()


@functools.cache
def _list_rows_template() -> QuerySet:
    # Never evaluated: only cloned (see `alive_list_rows`), so no result is ever cached on it.
    return Customer.objects.alive().newest_first().list_rows()


_ALIVE_LIST_PAGE = CompiledPage(_list_rows_template)


def alive_list_page(offset: int, limit: int) -> list[dict]:
    """`alive_list_rows()[offset : offset + limit]` as dicts, through one statement compiled once
    per connection (ecommerce_admin/statements.py): the unfiltered list's shallow pages."""
    return _ALIVE_LIST_PAGE.page(offset, limit)


def alive_list_rows() -> QuerySet:
    """`Customer.objects.alive().newest_first().list_rows()`, resolved once per process.

    Resolving the eleven columns, their camelCase names and the group join took a third of a
    list request's Python time, on every request (issue 17, bench/profile_request.py); cloning
    the resolved queryset costs almost nothing. Filters and slices apply to it as usual.
    For counting use `alive()`: its COUNT carries no join.
    """
    return _list_rows_template().all()
