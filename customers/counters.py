"""O(1) customer and group totals, and "created today", from counters the database keeps exact.

The counters (`TableCounter`, `CustomerCreatedCounter`) are maintained by triggers installed by
migration 0004_customer_counters, inside the transaction of every INSERT/UPDATE/DELETE of
customers and groups, so no write path can forget them: API services, admin actions, the import
command, seed_demo, factories, raw SQL. The one exception is a load with triggers disabled
(`session_replication_role = replica`, as bench/seed.py does): run
`manage.py rebuild_customer_counters` after it (`--check` reports any drift without fixing it).

Reading is one small query whatever the number of customers: a few slot rows for the totals,
and at most ~100 quarter-hour rows (x slots) for a local day.
"""

import collections
import datetime
import functools

from django.db import connection, transaction
from django.utils import timezone

from .models import Customer, CustomerCreatedCounter, CustomerGroup, TableCounter
from .querysets import local_midnight

BUCKET_SECONDS = 900  # a quarter hour: every time zone's midnight is on one


def bucket_of(moment: datetime.datetime) -> int:
    """The counter bucket of an aware datetime (floor of epoch seconds / 900, as the triggers)."""
    return int(moment.timestamp()) // BUCKET_SECONDS


# The two reads below run on every counts request: plain SQL over the counter tables, built once
# from the models' names, because compiling the ORM's aggregate took longer than running it
# (issue 17: 0.3 ms of Python against 0.05 ms in PostgreSQL, bench/profile_request.py).
@functools.cache
def _totals_sql(vendor: str) -> str:
    table = connection.ops.quote_name(TableCounter._meta.db_table)
    return f"SELECT kind, SUM(total) AS total, SUM(active) AS active FROM {table} GROUP BY kind"  # nosec B608


@functools.cache
def _created_sql(vendor: str) -> str:
    table = connection.ops.quote_name(CustomerCreatedCounter._meta.db_table)
    return f"SELECT SUM(alive) AS alive FROM {table} WHERE bucket >= %s AND bucket < %s"  # nosec B608


def totals() -> dict[str, int]:
    """Live customers and groups, total/active/inactive: one query over a few counter rows."""
    with connection.cursor() as cursor:
        cursor.execute(_totals_sql(connection.vendor))
        sums = {kind: (total, active) for kind, total, active in cursor.fetchall()}
    out: dict[str, int] = {}
    for kind, prefix in (("customer", "customers"), ("group", "groups")):
        total, active = (int(n or 0) for n in sums.get(kind, (0, 0)))
        out[f"{prefix}_total"] = total
        out[f"{prefix}_active"] = active
        out[f"{prefix}_inactive"] = total - active
    return out


def created_between(start: datetime.datetime, end: datetime.datetime) -> int:
    """Live customers created in [start, end): from the counters when both bounds are on a
    quarter hour (any local midnight is), by counting the table otherwise."""
    if start.timestamp() % BUCKET_SECONDS or end.timestamp() % BUCKET_SECONDS:
        return Customer.objects.alive().created_between(start, end).count()
    with connection.cursor() as cursor:
        cursor.execute(_created_sql(connection.vendor), [bucket_of(start), bucket_of(end)])
        (alive,) = cursor.fetchone()
    return int(alive or 0)


def created_today() -> int:
    """Live customers created today in settings.TIME_ZONE."""
    today = timezone.localdate()
    return created_between(local_midnight(today), local_midnight(today + datetime.timedelta(1)))


# --- Rebuild and check -------------------------------------------------------------------------
# The quarter hour of created_at, as the SQLite triggers compute it (migration 0004): whole
# seconds cut from the stored text (strftime would round .999999 up), floored by hand because
# SQLite's `/` truncates towards zero before 1970.
SQLITE_REBUILD = [
    "DELETE FROM customers_tablecounter",
    "DELETE FROM customers_customercreatedcounter",
    "INSERT INTO customers_tablecounter (kind, slot, total, active) "
    "SELECT 'customer', 0, count(*), coalesce(sum(is_active), 0) "
    "FROM customers_customer WHERE NOT is_deleted",
    "INSERT INTO customers_tablecounter (kind, slot, total, active) "
    "SELECT 'group', 0, count(*), coalesce(sum(is_active), 0) FROM customers_customergroup",
    "INSERT INTO customers_customercreatedcounter (bucket, slot, alive) "
    "SELECT (s - ((s % 900) + 900) % 900) / 900, 0, count(*) "
    "FROM (SELECT CAST(strftime('%s', substr(created_at, 1, 19)) AS INTEGER) AS s "
    "      FROM customers_customer WHERE NOT is_deleted) GROUP BY 1",
]


def rebuild() -> None:
    """Recount every counter from the rows, in one transaction that holds off writers."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT customers_counters_rebuild()")
        else:
            for statement in SQLITE_REBUILD:
                cursor.execute(statement)


def drift() -> dict[str, tuple[int, int]]:
    """Every counter that differs from a full count: {name: (counter, full count)}.

    The counters and the full counts are separate queries (each its own snapshot at READ
    COMMITTED), so compare on a quiet database: a write landing between them shows as drift.
    """
    with transaction.atomic():
        counted = totals()
        customers = Customer.objects.alive()
        groups = CustomerGroup.objects.all()
        full = {
            "customers_total": customers.count(),
            "customers_active": customers.filter(is_active=True).count(),
            "groups_total": groups.count(),
            "groups_active": groups.filter(is_active=True).count(),
        }
        full["customers_inactive"] = full["customers_total"] - full["customers_active"]
        full["groups_inactive"] = full["groups_total"] - full["groups_active"]
        out = {name: (counted[name], full[name]) for name in full if counted[name] != full[name]}
        # Every day that has customers, plus today, in TIME_ZONE.
        by_day = collections.Counter(
            timezone.localtime(moment).date()
            for moment in customers.values_list("created_at", flat=True).order_by().iterator()
        )
        for day in sorted(set(by_day) | {timezone.localdate()}):
            start, end = local_midnight(day), local_midnight(day + datetime.timedelta(1))
            by_counter = created_between(start, end)
            if by_counter != by_day[day]:
                out[f"created {day.isoformat()}"] = (by_counter, by_day[day])
    return out
