"""PostgreSQL-only: the covering index for the newest-first order, and per-table autovacuum
settings so index-only scans come back soon after a mass update.

The index: every customer read is `NOT is_deleted ... ORDER BY created_at DESC, id DESC`, and a
deep page (`offset` >= 1000, ecommerce_admin/api/pagination.py) first skips `offset` keys of that
order with an index-only scan. Partial on the predicate and without the `is_deleted` column,
its entries are a quarter smaller than those of the model's `customer_alive_created` (which
stays: SQLite and the admin's deleted-customers view use it), so the skip reads fewer pages
(offset 90,000 of 100k: 447 → 348 buffers, ~13 → ~9 ms on the bench machine).

Autovacuum: an index-only scan is only index-only on pages the visibility map marks all-visible.
An UPDATE of many rows (a bulk status change, an import, a data fix) clears those marks until
VACUUM runs; with the defaults (20% of the table changed, throttled by cost_delay) a table of a
million customers can wait long after a mass update. So for customers: vacuum after 2% of the
rows changed (or were inserted) plus 1,000, analyze after 2%, and unthrottled; for the counter
tables (a handful of rows updated by every write): vacuum after a few hundred updates. When it
runs is still bounded below by the server's `autovacuum_naptime` (1 min by default), which is
not a per-table setting.

A no-op on SQLite. The reverse drops the index and resets the settings.
"""

from django.db import migrations

TABLE = "customers_customer"

# (name, definition after `ON customers_customer`, the query it serves); bench/run.py reads this
# list to build the naive baseline's database without it.
INDEXES = [
    (
        "customer_alive_newest",
        "(created_at DESC, id DESC) WHERE NOT is_deleted",
        "list pages newest first, and the key skip of deep offsets (index-only)",
    ),
]

CUSTOMER_AUTOVACUUM = {
    "autovacuum_vacuum_scale_factor": "0.02",
    "autovacuum_vacuum_threshold": "1000",
    "autovacuum_vacuum_insert_scale_factor": "0.02",
    "autovacuum_vacuum_insert_threshold": "1000",
    "autovacuum_analyze_scale_factor": "0.02",
    "autovacuum_vacuum_cost_delay": "0",
}
COUNTER_AUTOVACUUM = {
    "autovacuum_vacuum_scale_factor": "0",
    "autovacuum_vacuum_threshold": "200",
    "autovacuum_vacuum_cost_delay": "0",
}
COUNTER_TABLES = ["customers_tablecounter", "customers_customercreatedcounter"]


def _set(settings: dict) -> str:
    return ", ".join(f"{key} = {value}" for key, value in settings.items())


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition, _serves in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {TABLE} {definition}")
    schema_editor.execute(f"ALTER TABLE {TABLE} SET ({_set(CUSTOMER_AUTOVACUUM)})")
    for table in COUNTER_TABLES:
        schema_editor.execute(f"ALTER TABLE {table} SET ({_set(COUNTER_AUTOVACUUM)})")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _definition, _serves in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute(f"ALTER TABLE {TABLE} RESET ({', '.join(CUSTOMER_AUTOVACUUM)})")
    for table in COUNTER_TABLES:
        schema_editor.execute(f"ALTER TABLE {table} RESET ({', '.join(COUNTER_AUTOVACUUM)})")


class Migration(migrations.Migration):
    dependencies = [("customers", "0004_customer_counters")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
