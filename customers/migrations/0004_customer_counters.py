"""Exact customer and group counters kept by triggers (customers/counters.py reads them).

customer-count and today's count used to count the table on every request (O(N)); these
counters make them O(1) and stay exact because the database itself maintains them in the same
transaction as every INSERT, UPDATE and DELETE of customers and groups, whatever wrote it (API
services, admin actions, the import command, seed_demo, bulk_create, raw SQL).

PostgreSQL: one statement-level trigger per operation with transition tables, so a bulk UPDATE
of 1,000 rows adjusts each counter once, and a statement that changes nothing counted (a name
edit, a mass `SET updated_at`) writes nothing. Each transaction adds to one of 8 slots chosen by
its transaction id: concurrent writers rarely share a counter row, and a transaction always
takes its table row before its quarter-hour rows, so counter rows cannot deadlock each other.
TRUNCATE clears the counters. `session_replication_role = replica` (bench/seed.py) skips
triggers: run `manage.py rebuild_customer_counters` after such a load.

SQLite: row-level triggers (writers are serialised by the database lock anyway, one slot). A
count is clamped at zero so that Django's test flush, which empties the tables with DELETE in no
particular order, cannot leave a negative counter behind.

The counters are filled from the existing rows at the end (under a lock on PostgreSQL).
"""

from django.db import migrations, models

PG_INSTALL = """
CREATE FUNCTION customers_counter_apply(
    counted text, d_total bigint, d_active bigint, buckets bigint[], deltas bigint[]
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    s smallint := (txid_current() % 8)::smallint;
BEGIN
    INSERT INTO customers_tablecounter AS c (kind, slot, total, active)
    VALUES (counted, s, d_total, d_active)
    ON CONFLICT (kind, slot) DO UPDATE
        SET total = c.total + EXCLUDED.total, active = c.active + EXCLUDED.active;
    IF buckets IS NOT NULL THEN
        INSERT INTO customers_customercreatedcounter AS c (bucket, slot, alive)
        SELECT u.b, s, u.n FROM unnest(buckets, deltas) AS u(b, n) WHERE u.n <> 0 ORDER BY u.b
        ON CONFLICT (bucket, slot) DO UPDATE SET alive = c.alive + EXCLUDED.alive;
    END IF;
END $$;

CREATE FUNCTION customers_customer_counted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bs bigint[]; ns bigint[]; t bigint; a bigint;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(b ORDER BY b), array_agg(n ORDER BY b), sum(n), sum(act)
          INTO bs, ns, t, a
          FROM (SELECT floor(extract(epoch FROM created_at) / 900)::bigint AS b,
                       count(*) AS n, count(*) FILTER (WHERE is_active) AS act
                  FROM new_rows WHERE NOT is_deleted GROUP BY 1) x;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(b ORDER BY b), array_agg(-n ORDER BY b), -sum(n), -sum(act)
          INTO bs, ns, t, a
          FROM (SELECT floor(extract(epoch FROM created_at) / 900)::bigint AS b,
                       count(*) AS n, count(*) FILTER (WHERE is_active) AS act
                  FROM old_rows WHERE NOT is_deleted GROUP BY 1) x;
    ELSE
        SELECT array_agg(b ORDER BY b), array_agg(n ORDER BY b), sum(n), sum(act)
          INTO bs, ns, t, a
          FROM (SELECT b, sum(n)::bigint AS n, sum(act)::bigint AS act
                  FROM (SELECT floor(extract(epoch FROM created_at) / 900)::bigint AS b,
                               1 AS n, is_active::int AS act
                          FROM new_rows WHERE NOT is_deleted
                        UNION ALL
                        SELECT floor(extract(epoch FROM created_at) / 900)::bigint,
                               -1, -(is_active::int)
                          FROM old_rows WHERE NOT is_deleted) d
                 GROUP BY b HAVING sum(n) <> 0 OR sum(act) <> 0) x;
    END IF;
    IF t IS NOT NULL THEN
        PERFORM customers_counter_apply('customer', t, a, bs, ns);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION customers_group_counted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    t bigint; a bigint;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT count(*), count(*) FILTER (WHERE is_active) INTO t, a FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT -count(*), -count(*) FILTER (WHERE is_active) INTO t, a FROM old_rows;
    ELSE
        SELECT (SELECT count(*) FILTER (WHERE is_active) FROM new_rows)
             - (SELECT count(*) FILTER (WHERE is_active) FROM old_rows) INTO a;
        t := 0;
    END IF;
    IF t <> 0 OR a <> 0 THEN
        PERFORM customers_counter_apply('group', t, a, NULL, NULL);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION customers_counted_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM customers_tablecounter WHERE kind = TG_ARGV[0];
    IF TG_ARGV[0] = 'customer' THEN
        DELETE FROM customers_customercreatedcounter;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER customers_customer_counted_insert AFTER INSERT ON customers_customer
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION customers_customer_counted();
CREATE TRIGGER customers_customer_counted_update AFTER UPDATE ON customers_customer
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION customers_customer_counted();
CREATE TRIGGER customers_customer_counted_delete AFTER DELETE ON customers_customer
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION customers_customer_counted();
CREATE TRIGGER customers_customer_counted_truncate AFTER TRUNCATE ON customers_customer
    FOR EACH STATEMENT EXECUTE FUNCTION customers_counted_truncated('customer');
CREATE TRIGGER customers_group_counted_insert AFTER INSERT ON customers_customergroup
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION customers_group_counted();
CREATE TRIGGER customers_group_counted_update AFTER UPDATE ON customers_customergroup
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION customers_group_counted();
CREATE TRIGGER customers_group_counted_delete AFTER DELETE ON customers_customergroup
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION customers_group_counted();
CREATE TRIGGER customers_group_counted_truncate AFTER TRUNCATE ON customers_customergroup
    FOR EACH STATEMENT EXECUTE FUNCTION customers_counted_truncated('group');

-- Rebuild from the rows (manage.py rebuild_customer_counters, bench/seed.py after its load).
CREATE FUNCTION customers_counters_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    LOCK TABLE customers_customer, customers_customergroup IN SHARE ROW EXCLUSIVE MODE;
    DELETE FROM customers_tablecounter;
    DELETE FROM customers_customercreatedcounter;
    INSERT INTO customers_tablecounter (kind, slot, total, active)
    SELECT 'customer', 0, count(*), count(*) FILTER (WHERE is_active)
      FROM customers_customer WHERE NOT is_deleted;
    INSERT INTO customers_tablecounter (kind, slot, total, active)
    SELECT 'group', 0, count(*), count(*) FILTER (WHERE is_active) FROM customers_customergroup;
    INSERT INTO customers_customercreatedcounter (bucket, slot, alive)
    SELECT floor(extract(epoch FROM created_at) / 900)::bigint, 0, count(*)
      FROM customers_customer WHERE NOT is_deleted GROUP BY 1;
END $$;
SELECT customers_counters_rebuild();
"""

PG_REMOVE = """
DROP TRIGGER customers_customer_counted_insert ON customers_customer;
DROP TRIGGER customers_customer_counted_update ON customers_customer;
DROP TRIGGER customers_customer_counted_delete ON customers_customer;
DROP TRIGGER customers_customer_counted_truncate ON customers_customer;
DROP TRIGGER customers_group_counted_insert ON customers_customergroup;
DROP TRIGGER customers_group_counted_update ON customers_customergroup;
DROP TRIGGER customers_group_counted_delete ON customers_customergroup;
DROP TRIGGER customers_group_counted_truncate ON customers_customergroup;
DROP FUNCTION customers_counters_rebuild();
DROP FUNCTION customers_counted_truncated();
DROP FUNCTION customers_group_counted();
DROP FUNCTION customers_customer_counted();
DROP FUNCTION customers_counter_apply(text, bigint, bigint, bigint[], bigint[]);
"""


def _sqlite_bucket(column: str) -> str:
    """Floor of epoch seconds / 900 (SQLite's `/` truncates, so floor by hand for < 1970)."""
    # Whole seconds cut from the text: strftime rounds .999999 up to the next second.
    seconds = f"CAST(strftime('%s', substr({column}, 1, 19)) AS INTEGER)"
    return f"(({seconds} - (({seconds} % 900) + 900) % 900) / 900)"


def _sqlite_counter(kind: str, total: str, active: str) -> str:
    return (
        f"INSERT INTO customers_tablecounter (kind, slot, total, active) "
        f"VALUES ('{kind}', 0, max({total}, 0), max({active}, 0)) "
        f"ON CONFLICT (kind, slot) DO UPDATE SET total = max(total + ({total}), 0), "
        f"active = max(active + ({active}), 0);"
    )


def _sqlite_bucket_add(column: str, delta: int, condition: str) -> str:
    return (
        f"INSERT INTO customers_customercreatedcounter (bucket, slot, alive) "
        f"SELECT {_sqlite_bucket(column)}, 0, max({delta}, 0) WHERE {condition} "
        f"ON CONFLICT (bucket, slot) DO UPDATE SET alive = max(alive + ({delta}), 0);"
    )


SQLITE_INSTALL = [
    "CREATE TRIGGER customers_customer_counted_insert AFTER INSERT ON customers_customer "
    "WHEN NOT NEW.is_deleted BEGIN "
    + _sqlite_counter("customer", "1", "NEW.is_active")
    + _sqlite_bucket_add("NEW.created_at", 1, "1")
    + " END;",
    "CREATE TRIGGER customers_customer_counted_delete AFTER DELETE ON customers_customer "
    "WHEN NOT OLD.is_deleted BEGIN "
    + _sqlite_counter("customer", "-1", "-OLD.is_active")
    + _sqlite_bucket_add("OLD.created_at", -1, "1")
    + " END;",
    "CREATE TRIGGER customers_customer_counted_update "
    "AFTER UPDATE OF is_deleted, is_active, created_at ON customers_customer "
    "WHEN OLD.is_deleted IS NOT NEW.is_deleted OR OLD.is_active IS NOT NEW.is_active "
    "OR OLD.created_at IS NOT NEW.created_at BEGIN "
    + _sqlite_counter(
        "customer",
        "(NOT NEW.is_deleted) - (NOT OLD.is_deleted)",
        "(NOT NEW.is_deleted AND NEW.is_active) - (NOT OLD.is_deleted AND OLD.is_active)",
    )
    + _sqlite_bucket_add("OLD.created_at", -1, "NOT OLD.is_deleted")
    + _sqlite_bucket_add("NEW.created_at", 1, "NOT NEW.is_deleted")
    + " END;",
    "CREATE TRIGGER customers_group_counted_insert AFTER INSERT ON customers_customergroup "
    "BEGIN " + _sqlite_counter("group", "1", "NEW.is_active") + " END;",
    "CREATE TRIGGER customers_group_counted_delete AFTER DELETE ON customers_customergroup "
    "BEGIN " + _sqlite_counter("group", "-1", "-OLD.is_active") + " END;",
    "CREATE TRIGGER customers_group_counted_update AFTER UPDATE OF is_active "
    "ON customers_customergroup WHEN OLD.is_active IS NOT NEW.is_active BEGIN "
    + _sqlite_counter("group", "0", "NEW.is_active - OLD.is_active")
    + " END;",
    "DELETE FROM customers_tablecounter",
    "DELETE FROM customers_customercreatedcounter",
    "INSERT INTO customers_tablecounter (kind, slot, total, active) "
    "SELECT 'customer', 0, count(*), coalesce(sum(is_active), 0) "
    "FROM customers_customer WHERE NOT is_deleted",
    "INSERT INTO customers_tablecounter (kind, slot, total, active) "
    "SELECT 'group', 0, count(*), coalesce(sum(is_active), 0) FROM customers_customergroup",
    "INSERT INTO customers_customercreatedcounter (bucket, slot, alive) "
    f"SELECT {_sqlite_bucket('created_at')}, 0, count(*) FROM customers_customer "
    "WHERE NOT is_deleted GROUP BY 1",
]
SQLITE_REMOVE = [
    f"DROP TRIGGER customers_{name}"
    for name in (
        "customer_counted_insert",
        "customer_counted_delete",
        "customer_counted_update",
        "group_counted_insert",
        "group_counted_delete",
        "group_counted_update",
    )
]


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_INSTALL, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_INSTALL:
            schema_editor.execute(statement, params=None)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_REMOVE, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_REMOVE:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0003_postgres_search_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="CustomerCreatedCounter",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("bucket", models.BigIntegerField()),
                ("slot", models.SmallIntegerField()),
                ("alive", models.BigIntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("bucket", "slot"), name="created_counter_slot_unique"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="TableCounter",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(max_length=16)),
                ("slot", models.SmallIntegerField()),
                ("total", models.BigIntegerField(default=0)),
                ("active", models.BigIntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("kind", "slot"), name="table_counter_slot_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(install, remove, elidable=False),
    ]
