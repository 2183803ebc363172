"""PostgreSQL-only indexes for the customer list, its filters and counts at a million rows.

Each index matches, expression for expression, the SQL the API and the admin emit (captured from
the list endpoint, customers/tests/test_query_plans.py, and from the admin's search). Django's
`icontains` compiles to `UPPER("col"::text) LIKE UPPER('%term%')`, so a trigram index must be on
`UPPER(col::text)`: a plain `gin (col gin_trgm_ops)` is never used. Every customer read filters
on `NOT is_deleted`, so the indexes are partial on that predicate (the admin's "Deleted
customers" view, 2% of the rows, is the only reader they do not serve). Terms shorter than three
characters have no trigram and cannot use them.

Measured at 1M customers (bench/README.md): `count=1&name=kowal` 32 ms through a BitmapOr of the
name indexes (a parallel sequential scan without them); a group's newest page 0.07 ms.

A no-op on SQLite. Plain CREATE INDEX inside the migration's transaction: on a live table of a
million customers it blocks writes to the table for the ~15 s the builds take (reads go on).
pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it. The reverse
drops the indexes and keeps the extension (other objects may use it).
"""

from django.db import migrations

TABLE = "customers_customer"

# (name, definition after `ON customers_customer`, the query it serves)
INDEXES = [
    (
        "customer_first_name_trgm",
        "USING gin (UPPER(first_name::text) gin_trgm_ops) WHERE NOT is_deleted",
        "list/export `name` and `keyword` filters: UPPER(first_name::text) LIKE UPPER('%term%')",
    ),
    (
        "customer_last_name_trgm",
        "USING gin (UPPER(last_name::text) gin_trgm_ops) WHERE NOT is_deleted",
        "list/export `name` and `keyword` filters: UPPER(last_name::text) LIKE UPPER('%term%')",
    ),
    (
        "customer_email_trgm",
        "USING gin (UPPER(email::text) gin_trgm_ops) WHERE NOT is_deleted",
        "list/export `email` and `keyword` filters: UPPER(email::text) LIKE UPPER('%term%')",
    ),
    (
        "customer_full_name_trgm",
        # Exactly the expression Django compiles for
        # Concat("first_name", Value(" "), Coalesce("last_name", Value(""))) on PostgreSQL.
        "USING gin (UPPER((COALESCE(first_name, '') || COALESCE((COALESCE(' ', '') || "
        "COALESCE(COALESCE(last_name, ''), '')), ''))::text) gin_trgm_ops) WHERE NOT is_deleted",
        '`name` filter with a space ("first last"): the third branch of the OR, without which '
        "the planner cannot combine the name indexes and scans the table",
    ),
    (
        "customer_group_alive_created",
        "(customer_group_id, created_at DESC, id DESC) WHERE NOT is_deleted",
        "`customerGroup` filter: the page newest first straight from the index (no sort); "
        "its count=1 and the group list's per-group customer counts as index-only scans",
    ),
    (
        "customer_no_upper",
        "(UPPER(customer_no::text)) WHERE NOT is_deleted AND customer_no IS NOT NULL",
        "admin search: the `=customer_no` (iexact) branch of its OR, so the OR can combine the "
        "trigram indexes (BitmapOr) instead of walking the table",
    ),
    (
        "customer_mobile_prefix",
        "(mobile_number varchar_pattern_ops) WHERE NOT is_deleted",
        "admin search of a phone-like term: mobile_number LIKE 'digits%' (startswith, any "
        "collation)",
    ),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition, _serves in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {TABLE} {definition}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _definition, _serves in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_seed_default_group")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
