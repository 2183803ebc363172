"""Reads shared by the API and the back office, so both show the same numbers."""

from . import counters


def customer_totals() -> dict[str, int]:
    """Live customers and groups, total/active/inactive, from the exact counters: one query
    over a few rows whatever the table size (customers/counters.py)."""
    return counters.totals()


def customers_created_today() -> int:
    """Live customers created today in TIME_ZONE, from the quarter-hour counters."""
    return counters.created_today()
