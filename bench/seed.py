"""Seed a PostgreSQL database with N customers and proportional sales and analytics rows.

    python bench/seed.py --database-url postgres://postgres@127.0.0.1:5432/bench_100k \\
        --customers 100000 [--reset]

Everything is generated inside PostgreSQL with `generate_series` (no rows cross the wire), with
the secondary indexes of the loaded tables dropped during the load and rebuilt afterwards (a
GIN trigram index is far cheaper to build once than to maintain row by row), and foreign-key
triggers off for the load (`session_replication_role = replica`, the data is consistent by
construction); the customer counters, which triggers keep, are then rebuilt from the rows
(`customers_counters_rebuild()`, as `manage.py rebuild_customer_counters`). Then VACUUM
ANALYZE, so plans and index-only scans are those of a settled table.

Per N customers: 50 groups, ~2% customers soft-deleted, 10% inactive, 5% without a group, a
third with a customer number, created over the last two years (about N/730 a day, some today);
N/500 vendors, N/20 products, N/2 orders with 2 lines each, N product views and N visits.
The schema must already be migrated (`manage.py migrate`). Needs only psycopg.
"""

import argparse
import time

import psycopg


def _words(text: str) -> list[str]:
    return text.split()


FIRST_NAMES = _words("""
Amelia Oliver Isla George Ava Noah Mia Arthur Ivy Leo Freya Oscar Lily Harry Grace
Jack Sofia Theo Emily Finn Chloe Luca Zara Mateo Nora Ravi Yuki Chen Fatima Omar Ingrid Lars Anna
Maria Elena Lucia Paula Carmen Laura Marta Julia Sara Hannah Lea Lena Emma Mila Clara Ella Marie
Sophie Louise Alice Jade Rose Manon Camille Chiara Giulia Aurora Beatrice Ana Ines Beatriz Mariana
Olga Irina Natalia Tatiana Zofia Maja Zuzana Eva Petra Katarina Aisha Layla Amira Priya Ananya
Mei Hana Sakura Minji Liam Lucas Ethan Mason Logan James Benjamin Elijah William Henry Samuel
Daniel Michael David Joseph Thomas Charles Luis Carlos Javier Diego Pablo Marco Matteo Giovanni
Francesco Pierre Louis Hugo Jules Felix Paul Jonas Lukas Maximilian Jan Piotr Tomasz Pavel Ivan
Dmitri Ahmed Yusuf Mehmet Arjun Rahul Vikram Hiroshi Kenji Wei Jun Kofi Kwame Tunde""")
LAST_NAMES = _words("""
Smith Jones Taylor Brown Williams Wilson Johnson Davies Patel Robinson Wright
Thompson Evans Walker White Roberts Green Hall Wood Jackson Clarke Lewis Harris Martin Cooper King
Lee Baker Hill Morris Ward Turner Moore Clark Allen Scott Young Mitchell Anderson Campbell Kelly
Murphy Garcia Martinez Rodriguez Lopez Gonzalez Hernandez Perez Sanchez Ramirez Torres Flores
Rivera Gomez Diaz Cruz Morales Ortiz Gutierrez Chavez Ramos Ruiz Alvarez Castillo Jimenez Moreno
Romero Herrera Medina Aguilar Vargas Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci
Marino Greco Bruno Gallo Conti Costa Mancini Muller Schmidt Schneider Fischer Weber Meyer Wagner
Becker Schulz Hoffmann Koch Richter Klein Wolf Neumann Schwarz Dubois Durand Leroy Moreau Simon
Laurent Lefebvre Michel Bertrand Roux Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau
Nowak Kowalski Wisniewski Wojcik Kowalczyk Kaminski Lewandowski Zielinski Novak Horvat Ivanov
Petrov Smirnov Popov Kuznetsov Sokolov Yilmaz Kaya Demir Sahin Celik Singh Kumar Sharma Gupta
Khan Ali Hussain Tanaka Suzuki Takahashi Watanabe Ito Yamamoto Nakamura Kobayashi Kim Park Choi
Jung Kang Cho Yoon Wang Zhang Liu Yang Huang Zhao Nguyen Tran Pham Okafor Mensah Adeyemi""")
DOMAINS = _words("""
example.com mail.example.org shop-mail.net inbox.example.io post.example.de
webmail.example.fr example.co.uk customers.example.es""")

# Tables filled here, children first (truncation and index handling use this order).
TABLES = [
    "analytics_productviewlog",
    "analytics_customervisit",
    "sales_orderproduct",
    "sales_order",
    "sales_product",
    "sales_vendor",
    "customers_customer",
]


def _sql_array(values: list[str]) -> str:
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]::text[]"


def secondary_indexes(cur, table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the table's indexes that back no constraint."""
    cur.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = current_schema() AND i.tablename = %s
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                          WHERE c.conindid = (quote_ident(i.indexname))::regclass)
        """,
        (table,),
    )
    return list(cur.fetchall())


def customer_count(database_url: str) -> int:
    with psycopg.connect(database_url) as conn:
        return conn.execute("SELECT count(*) FROM customers_customer").fetchone()[0]


def seed(database_url: str, customers: int, *, reset: bool = True, log=print) -> dict:
    """Load the data set; returns row counts and seconds per step."""
    n = customers
    timings: dict[str, float] = {}
    t_all = time.perf_counter()
    with psycopg.connect(database_url, autocommit=True) as conn, conn.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '512MB'")
        cur.execute("SET session_replication_role = replica")  # no FK triggers while loading
        if reset:
            # CASCADE: tables added since (addresses, privacy requests, ...) that reference the
            # customers are emptied too; the seed is the whole data set.
            cur.execute("TRUNCATE " + ", ".join(TABLES) + " RESTART IDENTITY CASCADE")
            cur.execute("DELETE FROM customers_customergroup WHERE NOT is_default")
        saved = {t: secondary_indexes(cur, t) for t in TABLES}
        for indexes in saved.values():
            for name, _ in indexes:
                cur.execute(f'DROP INDEX IF EXISTS "{name}"')

        try:

            def step(label: str, sql: str) -> None:
                t0 = time.perf_counter()
                cur.execute(sql)
                timings[label] = time.perf_counter() - t0
                log(f"  {label:<22} {timings[label]:6.1f} s")

            step(
                "groups",
                """
                INSERT INTO customers_customergroup
                    (name, description, color_code, is_active, is_default, created_at, updated_at)
                SELECT 'Group ' || lpad(g::text, 2, '0'), 'Bench group ' || g,
                       '#' || lpad(to_hex((g * 2654435761) % 16777216), 6, '0'),
                       g % 10 <> 0, false, now() - interval '800 days', now()
                FROM generate_series(1, 49) g
                """,
            )
            group_ids = [
                r[0] for r in cur.execute("SELECT id FROM customers_customergroup ORDER BY id")
            ]
            first = _sql_array(FIRST_NAMES)
            last = _sql_array(LAST_NAMES)
            domains = _sql_array(DOMAINS)
            groups = "ARRAY[" + ",".join(map(str, group_ids)) + "]::bigint[]"
            # Row g is created at a point spread linearly over 730 days (ids roughly follow time, as
            # in a live shop), jittered by up to an hour, never in the future.
            step(
                "customers",
                f"""
                INSERT INTO customers_customer
                    (first_name, last_name, username, email, mobile_number, password,
                     customer_group_id, is_active, mail_status, newsletter, is_deleted, deleted_at,
                     city, country_id, ip, safe, customer_no, created_at, updated_at)
                SELECT f, l, e, e, '+44' || lpad((g::bigint * 7919 % 1000000000)::text, 10, '0'),
                       '!bench-unusable-password', grp, r2 >= 0.10, r3 < 0.3, r3 < 0.5,
                       r1 < 0.02, CASE WHEN r1 < 0.02 THEN c + interval '1 day' END,
                       'City ' || (g % 500), 1 + g % 200, '10.0.' || (g % 250) || '.' || (g % 200),
                       false, CASE WHEN g % 3 = 0 THEN 'CN' || lpad(g::text, 8, '0') END, c, c
                FROM (
                    SELECT g, r1, r2, r3, f, l,
                           lower(f || '.' || l || g || '@' || ({domains})[1 + (g % 8)]) AS e,
                           CASE WHEN r4 < 0.05 THEN NULL
                                ELSE ({groups})[1 + floor(r4 * 1000)::int % {len(group_ids)}]
                       END AS grp,
                           least(now(), now() - interval '730 days' * (1 - g::float8 / {n})
                                        + random() * interval '1 hour') AS c
                    FROM (
                        SELECT g, random() r1, random() r2, random() r3, random() r4,
                               ({first})[1 + floor(random() * {len(FIRST_NAMES)})::int] f,
                               ({last})[1 + floor(random() * {len(LAST_NAMES)})::int] l
                        FROM generate_series(1, {n}) g
                    ) s
                ) t
                """,
            )
            lo, hi = cur.execute("SELECT min(id), max(id) FROM customers_customer").fetchone()
            span = hi - lo + 1
            rand_customer = f"({lo} + floor(random() * {span})::bigint)"
            step(
                "vendors",
                f"""
                INSERT INTO sales_vendor (company_name, customer_id, is_active, created_at)
                SELECT 'Vendor ' || g || ' Ltd', {rand_customer}, g % 7 <> 0,
                       now() - random() * interval '730 days'
                FROM generate_series(1, greatest({n} / 500, 5)) g
                """,
            )
            vlo, vhi = cur.execute("SELECT min(id), max(id) FROM sales_vendor").fetchone()
            step(
                "products",
                f"""
                INSERT INTO sales_product (name, vendor_id, quantity, is_approved, price, image,
                                           container_name, created_at)
                SELECT 'Product ' || g, {vlo} + floor(random() * {vhi - vlo + 1})::bigint,
                       CASE WHEN random() < 0.1 THEN 0 ELSE floor(random() * 200)::int END,
                       random() < 0.8, round((1 + random() * 300)::numeric, 2),
                       'product-' || g || '.jpg', 'products/',
                       now() - random() * interval '730 days'
                FROM generate_series(1, greatest({n} / 20, 50)) g
                """,
            )
            plo, phi = cur.execute("SELECT min(id), max(id) FROM sales_product").fetchone()
            rand_product = f"({plo} + floor(random() * {phi - plo + 1})::bigint)"
            step(
                "orders",
                f"""
                INSERT INTO sales_order (customer_id, email, is_paid, created_at)
                SELECT c, 'buyer' || c || '@example.com', random() < 0.7,
                       now() - random() * interval '730 days'
                FROM (SELECT {rand_customer} c FROM generate_series(1, greatest({n} / 2, 1))) s
                """,
            )
            step(
                "order lines",
                f"""
                INSERT INTO sales_orderproduct (order_id, product_id, name, quantity, price, status,
                                                created_at)
                SELECT order_id, p, 'Product ' || p, 1 + floor(random() * 4)::int,
                       round((1 + random() * 300)::numeric, 2),
                       (ARRAY['pending', 'shipped', 'delivered', 'cancelled'])
                           [1 + floor(random() * 4)::int],
                       created_at
                FROM (SELECT o.id AS order_id, o.created_at, {rand_product} AS p
                      FROM sales_order o CROSS JOIN generate_series(1, 2) k) s
                """,
            )
            step(
                "product views",
                f"""
                INSERT INTO analytics_productviewlog (customer_id, product_id, created_at)
                SELECT {rand_customer}, {rand_product}, now() - random() * interval '730 days'
                FROM generate_series(1, {n})
                """,
            )
            step(
                "visits",
                f"""
                INSERT INTO analytics_customervisit
                    (customer_id, session_key, ip_address, user_agent, created_at)
                SELECT CASE WHEN random() < 0.7 THEN {rand_customer} END, md5(g::text),
                       ('10.1.' || (g % 250) || '.' || (g % 199))::inet,
                       'Mozilla/5.0 (bench)', now() - random() * interval '730 days'
                FROM generate_series(1, {n}) g
                """,
            )
        finally:
            # Rebuilt even when a step failed, so a broken load never leaves a table unindexed.
            t0 = time.perf_counter()
            for indexes in saved.values():
                for _, definition in indexes:
                    cur.execute(definition)
            timings["rebuild indexes"] = time.perf_counter() - t0
            log(f"  {'rebuild indexes':<22} {timings['rebuild indexes']:6.1f} s")
        cur.execute("SET session_replication_role = origin")
        for table in ("customers_customer", "customers_customergroup", *TABLES[:-1]):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"coalesce((SELECT max(id) FROM {table}), 1))"
            )
        # The load ran with triggers off (replica role): recount the customer-count/today
        # counters from the rows (customers/counters.py, migration 0004_customer_counters).
        step("rebuild counters", "SELECT customers_counters_rebuild()")
        step("vacuum analyze", "VACUUM ANALYZE")
        counts = {
            t: cur.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("customers_customer", *TABLES[:-1])
        }
    timings["total"] = time.perf_counter() - t_all
    log(f"  {'total':<22} {timings['total']:6.1f} s")
    return {"counts": counts, "timings": timings}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument(
        "--keep", action="store_true", help="append instead of truncating the tables first"
    )
    args = parser.parse_args()
    result = seed(args.database_url, args.customers, reset=not args.keep)
    for table, count in result["counts"].items():
        print(f"  {table:<28} {count:>10,}")


if __name__ == "__main__":
    main()
