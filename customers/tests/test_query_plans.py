"""Query plans of the customer list filters at 100k rows (PostgreSQL only).

Each test sends a real API request, captures the SQL it issues (CaptureQueriesContext) and asks
PostgreSQL for the plan of every statement touching the customer table: none may read the whole
table (`Seq Scan on customers_customer`), and the substring filters must go through the trigram
indexes of the PostgreSQL-only index migration. Counts (`count=1`) are checked as well as pages:
a page with LIMIT 20 can hide a bad plan behind an index walk, a count cannot.

The 100k customers are inserted once for the module (one INSERT ... SELECT generate_series,
then VACUUM ANALYZE so the planner sees a settled table) and removed at the end.
"""

import hashlib
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ecommerce_admin.db_timeouts import lift_statement_limits, restore_statement_limits

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

ROWS = 100_000
DOMAIN = "plans.test"
SEQ_SCAN = re.compile(r"Seq Scan on customers_customer\b")


def md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


@pytest.fixture(scope="module")
def plan_data(django_db_setup, django_db_blocker):
    """100k customers in 20 groups over ~two years; 2% soft-deleted, 10% inactive."""
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        lift_statement_limits(connection)  # 100k rows on a busy machine: not request-sized
        cursor.execute(
            "INSERT INTO customers_customergroup "
            "(name, description, color_code, is_active, is_default, created_at, updated_at) "
            "SELECT 'Plan group ' || g, '', '#336699', true, false, now(), now() "
            "FROM generate_series(1, 20) g RETURNING id"
        )
        group_ids = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            """
            INSERT INTO customers_customer
                (first_name, last_name, username, email, mobile_number, password,
                 customer_group_id, is_active, mail_status, newsletter, is_deleted, safe,
                 created_at, updated_at)
            SELECT 'F' || substr(md5('f' || g), 1, 7), 'L' || substr(md5('l' || g), 1, 9),
                   e, e, '+44770' || lpad(g::text, 7, '0'), '!', (%s::bigint[])[1 + g %% 20],
                   g %% 10 <> 0, false, false, g %% 50 = 0, false,
                   now() - g * interval '10 minutes', now() - g * interval '10 minutes'
            FROM (SELECT g, 'u' || g || '.' || substr(md5('e' || g), 1, 6) || '@' || %s AS e
                  FROM generate_series(1, %s) g) s
            """,
            [group_ids, DOMAIN, ROWS],
        )
        cursor.execute("VACUUM ANALYZE customers_customer")
        restore_statement_limits(connection)
        yield {"group_id": group_ids[3]}
        # Removing the 100k rows is no more request-sized than adding them (it took > 15 s in a
        # full PostgreSQL run on a busy machine, and every later test then failed).
        lift_statement_limits(connection)
        cursor.execute("DELETE FROM customers_customer WHERE email LIKE %s", [f"%@{DOMAIN}"])
        cursor.execute("DELETE FROM customers_customergroup WHERE id = ANY(%s)", [group_ids])
        # Leave no stale planner statistics behind: the admin's paginator reads reltuples.
        cursor.execute("VACUUM ANALYZE customers_customer")
        restore_statement_limits(connection)


def customer_plans(client, url: str) -> list[str]:
    """The plan (text) of each statement the request runs against the customer table."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    plans = []
    with connection.cursor() as cursor:
        for query in ctx.captured_queries:
            if '"customers_customer"' not in query["sql"]:
                continue
            cursor.execute("EXPLAIN " + query["sql"])
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    assert plans, f"no customer query captured for {url}"
    return plans


def filters(group_id: int) -> dict[str, str]:
    # Terms cut from rows the fixture inserted, so each matches a handful of customers.
    return {
        "name": md5("l4242")[:5],
        "email": md5("e31337")[1:6],
        "keyword": md5("f777")[:6],
        "status": "0",
        "customerGroup": str(group_id),
        "date": "2026-01-15",
    }


SUBSTRING = {"name", "email", "keyword"}


@pytest.mark.parametrize(
    "key",
    [
        "name",
        "email",
        "keyword",
        "status",
        "customerGroup",
        "date",
    ],
)
@pytest.mark.parametrize("mode", ["page", "count"])
def test_filtered_list_never_scans_the_customer_table(api, plan_data, key, mode):
    value = filters(plan_data["group_id"])[key]
    window = "count=1" if mode == "count" else "limit=20&offset=0"

    plans = customer_plans(api, f"/api/customer?{window}&{key}={value}")

    for plan in plans:
        assert not SEQ_SCAN.search(plan), plan
        if key in SUBSTRING and mode == "count":
            assert "_trgm" in plan, plan


def test_name_with_a_space_uses_the_full_name_index(api, plan_data):
    # "first last": the term spans both columns, only the full-name expression index answers.
    first = "F" + md5("f4242")[:7]
    last = "L" + md5("l4242")[:3]

    plans = customer_plans(api, f"/api/customer?count=1&name={first[-3:]}%20{last}")

    assert all(not SEQ_SCAN.search(plan) for plan in plans), plans
    assert any("customer_full_name_trgm" in plan for plan in plans), plans


def test_the_filter_terms_really_match_rows(api, plan_data):
    # Guards the tests above against passing on empty results.
    for key, value in filters(plan_data["group_id"]).items():
        response = api.get(f"/api/customer?count=1&{key}={value}")

        assert response.status_code == 200
        assert response.json()["data"] >= 1, key


@pytest.mark.parametrize("offset", [0, 40_000, 90_000])
def test_pages_newest_first_walk_the_partial_newest_index(api, plan_data, offset):
    """The newest-first order comes straight from the partial (created_at, id) index; a deep
    page skips its keys with an index-only scan (migration 0005), never a sort of the table.
    Past the middle of the unfiltered list the scan runs backward, from the oldest row."""
    plans = customer_plans(api, f"/api/customer?limit=20&offset={offset}")

    assert all(not SEQ_SCAN.search(plan) for plan in plans), plans
    assert any("customer_alive_newest" in plan for plan in plans), plans
    if offset:
        # Only the page's 20 keys are sorted again after the deferred join fetched their rows.
        scan = "Index Only Scan Backward using" if offset > 50_000 else "Index Only Scan using"
        assert any(f"{scan} customer_alive_newest" in plan for plan in plans), plans
    else:
        assert all("Sort" not in plan for plan in plans), plans


def test_the_customer_table_vacuums_after_two_percent_of_changes(plan_data):
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'customers_customer'")
        options = set(cursor.fetchone()[0])

    assert {"autovacuum_vacuum_scale_factor=0.02", "autovacuum_vacuum_cost_delay=0"} <= options
