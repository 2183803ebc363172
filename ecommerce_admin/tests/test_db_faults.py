"""The database goes away (API.md §10): 503 + Retry-After instead of 500, through HTTP.

SQLite: the test database is copied to a file that is then locked by another connection, opened
read-only, or missing. PostgreSQL: the connection points at a closed port, a backend is
terminated, a row lock is held, a link stalls (a proxy that forwards nothing). The whole
outage/stall/failover story under load is bench/faults.py (tests/faults/).
"""

import contextlib
import io
import socket
import sqlite3
import time

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import close_old_connections, connection, transaction
from django.test import Client
from rest_framework.test import APIClient

from customers.models import Customer, CustomerGroup
from ecommerce_admin.api.tokens import issue_for_login
from ecommerce_admin.db_faults import UNAVAILABLE_MESSAGE, is_database_unavailable
from ecommerce_admin.db_timeouts import (
    DatabaseNoAnswer,
    bound_waits,
    command_limits,
    long_statements,
)

FAULTS = pytest.mark.urls("ecommerce_admin.tests.urls_faults")
UNAVAILABLE = {"status": 0, "message": UNAVAILABLE_MESSAGE}
ADD_BODY = {
    "customerGroupId": None,
    "username": "Ada",
    "email": "ada@example.com",
    "mobileNumber": "5550100",
    "password": "Strong-pass1",
    "confirmPassword": "Strong-pass1",
    "mailStatus": 0,
    "status": 1,
}
sqlite_only = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"].endswith("postgresql"), reason="SQLite file faults"
)


def api_client(user) -> APIClient:
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_for_login(user)[0]}")
    return client


def admin_client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def assert_api_503(response):
    assert response.status_code == 503
    assert response.json() == UNAVAILABLE
    assert response["Retry-After"].isdigit()
    assert b"Traceback" not in response.content


def assert_page_503(response):
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"].isdigit()
    assert b"temporarily unavailable" in response.content
    assert b"Traceback" not in response.content


def default_group() -> int:
    # transactional_db empties the tables, the migrated default group too.
    group, _ = CustomerGroup.objects.get_or_create(
        is_default=True, defaults={"name": "default", "color_code": "#6c757d"}
    )
    return group.pk


# --- SQLite: a locked, read-only or missing file ------------------------------------------------
@contextlib.contextmanager
def on_sqlite_file(tmp_path, *, read_only=False, missing=False):
    """Serve from a file copy of the test database (the in-memory one is kept and restored)."""
    connection.ensure_connection()
    path = tmp_path / "copy.sqlite3"
    copy = sqlite3.connect(path)
    connection.connection.backup(copy)
    copy.close()
    memory, saved = connection.connection, dict(connection.settings_dict)
    connection.connection = None  # detached, not closed: closing would drop the memory database
    name = str(tmp_path / "missing" / "db.sqlite3") if missing else str(path)
    connection.settings_dict["NAME"] = f"file:{name}?mode=ro" if read_only else name
    # Short busy timeout so "locked" is quick; no WAL switch, which a read-only file refuses.
    connection.settings_dict["OPTIONS"] = {
        **saved["OPTIONS"],
        "timeout": 0.2,
        "init_command": "",
    }
    try:
        yield path
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
        connection.connection = memory


def stored_emails(path) -> list[str]:
    with contextlib.closing(sqlite3.connect(path)) as db:
        return [row[0] for row in db.execute("SELECT email FROM customers_customer")]


@sqlite_only
def test_a_locked_sqlite_file_is_503_for_api_reads_and_writes_and_admin_pages(
    transactional_db, superuser, tmp_path
):
    api, admin = api_client(superuser), admin_client(superuser)
    with on_sqlite_file(tmp_path) as path:
        locker = sqlite3.connect(path, isolation_level=None)
        locker.execute("BEGIN EXCLUSIVE")  # a writer that does not let go
        try:
            assert_api_503(api.get("/api/customer?limit=5"))
            body = {**ADD_BODY, "customerGroupId": 1}
            assert_api_503(api.post("/api/customer", body, "json"))
            assert_page_503(admin.get("/admin/customers/customer/"))
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        assert stored_emails(path) == []
        # The lock is gone: the same connection serves again, no restart.
        assert api.get("/api/customer?limit=5").status_code == 200


@sqlite_only
def test_a_read_only_sqlite_file_is_503_for_writes_and_nothing_is_written(
    transactional_db, superuser, tmp_path
):
    group = default_group()
    api, admin = api_client(superuser), admin_client(superuser)
    with on_sqlite_file(tmp_path, read_only=True) as path:
        assert api.get("/api/customer?limit=5").status_code == 200  # reads still work
        assert_api_503(api.post("/api/customer", {**ADD_BODY, "customerGroupId": group}, "json"))
        response = admin.post(
            "/admin/customers/customergroup/add/",
            {"name": "Readonly", "description": "", "color_code": "#123456", "is_active": "1"},
        )
        assert_page_503(response)
        assert stored_emails(path) == []
    assert not Customer.objects.exists()


@sqlite_only
def test_health_is_503_when_the_sqlite_file_cannot_be_opened(transactional_db, tmp_path):
    with on_sqlite_file(tmp_path, missing=True):
        response = Client(raise_request_exception=False).get("/api/health")
    assert response.status_code == 503
    assert response.json() == {
        "status": 0,
        "message": "database unavailable",
        "data": {"database": "down"},
    }


# --- Bugs stay 500 -------------------------------------------------------------------------------
@FAULTS
def test_a_sql_syntax_error_is_still_the_500_envelope(superuser):
    response = api_client(superuser).get("/api/test-bad-sql")

    assert response.status_code == 500
    assert response.json() == {"status": 0, "message": "Internal server error."}
    assert "Retry-After" not in response
    assert b"SELEC" not in response.content


@FAULTS
def test_a_missing_table_on_a_page_is_still_a_500(superuser):
    response = Client(raise_request_exception=False).get("/test-bad-sql-page")

    assert response.status_code == 500
    assert "Retry-After" not in response
    assert b"no_such_table" not in response.content


def test_errors_are_classified_by_what_they_mean():
    sqlite = sqlite3.connect(":memory:")
    with pytest.raises(sqlite3.OperationalError) as syntax:
        sqlite.execute("SELEC 1")
    with pytest.raises(sqlite3.OperationalError) as no_table:
        sqlite.execute("SELECT * FROM nowhere")
    assert not is_database_unavailable(syntax.value)
    assert not is_database_unavailable(no_table.value)
    assert not is_database_unavailable(RuntimeError("database is locked"))
    with pytest.raises(psycopg.OperationalError) as refused:
        psycopg.connect(host="127.0.0.1", port=closed_port(), dbname="x", connect_timeout=2)
    assert is_database_unavailable(refused.value)


# --- PostgreSQL: unreachable, terminated, locked, stalled ----------------------------------------
def closed_port() -> int:
    """A port in this project's range that nothing listens on."""
    for port in range(18090, 18100):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port  # bound then closed: refused from now on
    pytest.skip("no free port")


@pytest.fixture
def unreachable_postgres(transactional_db):
    """The default connection now points at a closed port (connection refused)."""
    saved = connection.settings_dict["PORT"]

    def cut():
        connection.close()
        connection.settings_dict["PORT"] = str(closed_port())

    yield cut
    connection.close()
    connection.settings_dict["PORT"] = saved


@pytest.mark.postgres
def test_unreachable_postgres_is_503_everywhere_and_health_answers_fast(
    unreachable_postgres, superuser
):
    group = default_group()
    api, admin = api_client(superuser), admin_client(superuser)
    unreachable_postgres()

    assert_api_503(api.get("/api/customer?limit=5"))
    assert_api_503(api.get("/api/customer/customer-count"))
    assert_api_503(api.post("/api/customer", {**ADD_BODY, "customerGroupId": group}, "json"))
    assert_api_503(APIClient().post("/api/auth/login", {"username": "boss", "password": "x"}))
    assert_page_503(admin.get("/admin/customers/customer/"))
    assert_page_503(admin.get("/admin/"))
    started = time.monotonic()
    health = Client().get("/api/health")
    assert health.status_code == 503
    assert health.json()["data"] == {"database": "down"}
    assert health["Retry-After"].isdigit()
    assert time.monotonic() - started < 10


@pytest.mark.postgres
def test_the_schema_and_docs_need_no_database(unreachable_postgres):
    unreachable_postgres()
    assert Client().get("/api/schema/").status_code == 200


def terminate_app_connection() -> int:
    pid = connection.connection.info.backend_pid  # the persistent connection the app keeps
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    return pid


@pytest.mark.postgres
def test_a_terminated_server_connection_is_checked_on_reuse_and_replaced(
    transactional_db, superuser, settings
):
    settings.DB_HEALTH_CHECK_IDLE_SECONDS = 0.05
    api = api_client(superuser)
    assert api.get("/api/customer?limit=5").status_code == 200
    pid = terminate_app_connection()
    time.sleep(0.1)  # idle for longer than DB_HEALTH_CHECK_IDLE_SECONDS

    close_old_connections()  # what every request starts with (the test client skips it)
    response = api.get("/api/customer?limit=5")

    assert response.status_code == 200
    assert connection.connection.info.backend_pid != pid


class UsableSpy:
    """Counts Django's reuse health checks (`is_usable`, a `SELECT 1`) and lets them run."""

    def __init__(self, monkeypatch):
        self.calls = 0
        real = connection.is_usable

        def counted():
            self.calls += 1
            return real()

        monkeypatch.setattr(connection, "is_usable", counted)


@pytest.mark.postgres
def test_a_busy_connection_skips_the_reuse_check_and_an_idle_one_gets_it(
    transactional_db, superuser, settings, monkeypatch
):
    settings.DB_HEALTH_CHECK_IDLE_SECONDS = 0.2
    api = api_client(superuser)
    assert api.get("/api/customer?limit=5").status_code == 200
    spy = UsableSpy(monkeypatch)

    for _ in range(3):  # back to back: no `SELECT 1` before each
        close_old_connections()
        assert api.get("/api/customer?limit=5").status_code == 200
    busy_checks = spy.calls
    time.sleep(0.3)
    close_old_connections()
    assert api.get("/api/customer?limit=5").status_code == 200

    assert busy_checks == 0
    assert spy.calls == 1


@pytest.mark.postgres
def test_a_busy_connection_the_server_dropped_is_503_once_then_replaced(
    transactional_db, superuser, settings
):
    settings.DB_HEALTH_CHECK_IDLE_SECONDS = 60
    api = api_client(superuser)
    assert api.get("/api/customer?limit=5").status_code == 200
    pid = terminate_app_connection()

    close_old_connections()
    assert_api_503(api.get("/api/customer?limit=5"))  # found out by the request itself
    close_old_connections()
    response = api.get("/api/customer?limit=5")

    assert response.status_code == 200
    assert connection.connection.info.backend_pid != pid


@pytest.mark.postgres
def test_a_connection_lost_mid_request_is_503_then_discarded(transactional_db, superuser):
    api = api_client(superuser)
    assert api.get("/api/customer?limit=5").status_code == 200
    terminate_app_connection()

    assert_api_503(api.get("/api/customer?limit=5"))  # no reuse check: the request finds out
    assert connection.connection is None  # thrown away at once, not kept for the next request
    assert api.get("/api/customer?limit=5").status_code == 200


@pytest.mark.postgres
def test_a_lock_wait_past_lock_timeout_is_503_and_changes_nothing(transactional_db, superuser):
    customer = Customer.objects.create(
        customer_group_id=default_group(), first_name="Lock", email="lock@example.com"
    )
    api = api_client(superuser)
    assert api.get("/api/customer?limit=1").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '200ms'")  # the setting's 5 s, made quick
    params = connection.get_connection_params()
    try:
        with psycopg.connect(**params) as holder:  # a long transaction holding the row
            holder.execute(
                "SELECT 1 FROM customers_customer WHERE id = %s FOR UPDATE", [customer.pk]
            )
            response = api.post(
                "/api/customer/bulk-status", {"customerIds": [customer.pk], "statusId": 0}, "json"
            )
            holder.rollback()
    finally:
        if connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")

    assert_api_503(response)
    customer.refresh_from_db()
    assert customer.is_active


@pytest.mark.postgres
def test_postgres_connections_carry_the_limits(transactional_db):
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "10s"
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] == "5s"
        with transaction.atomic(), long_statements(connection, 600):
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone()[0] == "10min"
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "10s"
    params = connection.get_connection_params()
    assert params["connect_timeout"] <= 3
    assert params["keepalives"] == 1
    assert params["tcp_user_timeout"] > 0


@pytest.mark.postgres
def test_a_stalled_link_gives_up_at_the_no_answer_deadline(transactional_db):
    from bench.faults import FaultProxy

    params = connection.get_connection_params()
    proxy = FaultProxy(0, (params.get("host") or "127.0.0.1", int(params.get("port") or 5432)))
    try:
        raw = psycopg.connect(**{**params, "host": "127.0.0.1", "port": proxy.port})
        bound_waits(raw, 1)
        raw.execute("SELECT 1")
        proxy.stall()
        started = time.monotonic()
        with pytest.raises(DatabaseNoAnswer) as stalled:
            raw.execute("SELECT 1")
        assert time.monotonic() - started < 3
        assert raw.closed
        assert is_database_unavailable(stalled.value)
    finally:
        proxy.close()


def show(setting: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {setting}")
        return cursor.fetchone()[0]


@pytest.mark.postgres
def test_commands_run_without_the_request_limit_and_give_it_back(db, tmp_path):
    inside = command_limits(lambda: show("statement_timeout"))()

    assert inside == "0"  # DJANGO_DB_COMMAND_STATEMENT_TIMEOUT's default: no limit
    assert show("statement_timeout") == "10s"
    Customer.objects.create(customer_group_id=default_group(), first_name="A", email="a@b.co")
    call_command("export_customers", "--output", str(tmp_path / "all.csv"), stdout=io.StringIO())
    assert show("statement_timeout") == "10s"
