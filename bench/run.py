#!/usr/bin/env python
"""The API benchmark: every customer/analytics read under wrk, against two references.

    .venv/bin/python bench/run.py --customers 1000000
    .venv/bin/python bench/run.py --customers 100000 --wrk "-t2 -c8 -d20s"

One command does it all:
1. creates the database (bench_1m, bench_100k or bench_<N>) if needed, migrates it, and seeds N
   customers with orders, views and visits (bench/seed.py) unless it already holds that seed;
2. creates a bench superuser and a JWT valid for hours (JWT_ACCESS_MINUTES);
3. starts two gunicorns on free loopback ports with production settings (DJANGO_DEBUG=0, test
   keys, workers = 2 x cores, gunicorn.conf.py): ours (`ecommerce_admin.settings`) and the naive
   baseline (`bench.settings`, which only adds /naive/, see bench/naive.py);
4. for each scenario: captures the SQL the endpoint issues (Django test client in this process,
   CaptureQueriesContext, inside a rolled-back transaction) and times each statement directly
   through psycopg (the floor: sum of per-statement p50s, loopback round trips included); runs
   wrk at 1 connection (latency to compare with the floor) and with the --wrk settings (p50, p99,
   req/s), then the same wrk settings against the naive baseline;
5. times the one-shot scenarios (bulk delete of 1,000 fresh ids, full exports) and, at <= 100k
   customers, django-import-export's Resource.export() to xlsx as the export baseline;
6. prints the table (markdown) and writes bench/results/<N>.json, then undoes its writes (added
   customers removed, bulk-deleted customers restored) so reruns see the same data.

Needs wrk (Debian: `apt-get install -y wrk`; installed automatically when running as root).
"""

import argparse
import contextlib
import json
import os
import platform
import random
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import seed as seeder  # noqa: E402
from bench.profile_request import profile_lines, profile_request  # noqa: E402

PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
# The original system (Node + MariaDB) at 100k customers, wrk -t2 -c8 -d20s (the guide's bar).
ORIGINAL_100K = {
    "list": 48.5,
    "list name": 45.9,
    "list offset": 8.4,
    "customer-count": 29.7,
}
TARGET_FACTOR = {"list": 10, "list name": 10, "list offset": 50, "customer-count": 10}
# Issue 17's side-by-side run of the original (Spurtcommerce 5.3, Node 20 + MariaDB, 100k
# customers, wrk -t2 -c8 -d20s on this machine type) and the factors it asks of us.
ORIGINAL_ISSUE17 = {
    "list": (63.4, 15),
    "list name": (53.3, 15),
    "list offset": (10.0, 30),
    "customer-count": (31.9, 20),
}
ADD_DOMAIN = "bench-add.test"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- Environment and processes ----------------------------------------------------------------
def database_name(customers: int) -> str:
    if customers % 1_000_000 == 0:
        return f"bench_{customers // 1_000_000}m"
    if customers % 1000 == 0:
        return f"bench_{customers // 1000}k"
    return f"bench_{customers}"


def server_env(database_url: str, settings: str, cache_dir: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE=settings,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-only-secret-key-not-for-production-3c9e1f7a5b",
        JWT_SIGNING_KEY="bench-only-jwt-signing-key-not-for-production-8d2a6c",
        JWT_ACCESS_MINUTES="720",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,testserver",
        DJANGO_LOG_LEVEL="ERROR",
        DJANGO_CACHE_LOCATION=cache_dir,
    )
    env.pop("DJANGO_API_THROTTLE", None)
    return env


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    if os.geteuid() == 0 and shutil.which("apt-get"):
        log("wrk is missing: apt-get install -y wrk")
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=False, capture_output=True)
        path = shutil.which("wrk")
    if not path:
        sys.exit("wrk is required: install it with `apt-get install -y wrk` (Debian) and rerun.")
    return path


def ensure_database(database_url: str, customers: int, env: dict, reseed: bool) -> dict:
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            log(f"created database {name}")
    log("migrate ...")
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    with psycopg.connect(database_url, autocommit=True) as conn:
        comment = seed_marker(conn)
        # The bench superuser, before any copy of the database, so its id is the same in both.
        conn.execute(
            "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, "
            "email, is_staff, is_active, date_joined) VALUES ('!', true, 'bench-admin', '', '', "
            "'bench@example.com', true, true, now()) ON CONFLICT (username) DO UPDATE SET "
            "is_superuser = true, is_staff = true, is_active = true"
        )
    prefix = f"bench seed: {customers} customers"
    info: dict = {"seeded": False}
    if reseed or not (comment or "").startswith(prefix):
        log(f"seeding {customers:,} customers (+ orders, views, visits) ...")
        result = seeder.seed(database_url, customers, log=log)
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(f"COMMENT ON TABLE customers_customer IS '{prefix} @ {stamp}'")
        info = {"seeded": True, **result}
    else:
        log(f"database {name} already holds the {customers:,}-customer seed")
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE customers_customer")
    return info


def seed_marker(conn) -> str | None:
    return conn.execute(
        "SELECT obj_description('customers_customer'::regclass, 'pg_class')"
    ).fetchone()[0]


def search_index_names() -> list[str]:
    """The indexes of the PostgreSQL-only index migration (read from the migration itself)."""
    import importlib.util

    names: list[str] = []
    for path in sorted((ROOT / "customers" / "migrations").glob("*postgres*index*.py")):
        spec = importlib.util.spec_from_file_location(f"bench_mig_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        names += [entry[0] for entry in getattr(module, "INDEXES", [])]
    return names


def naive_database(database_url: str) -> tuple[str, list[str]]:
    """A copy of the bench database without the migration's search indexes, for the baseline.

    The baseline is "DRF defaults, no index tuning": it keeps the model's own indexes but not the
    PostgreSQL-only trigram/filter indexes. Copied (CREATE DATABASE … TEMPLATE) once per seed.
    """
    import psycopg

    source = database_url.rsplit("/", 1)[1]
    name = f"{source}_naive"
    url = database_url.rsplit("/", 1)[0] + f"/{name}"
    admin = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(database_url) as conn:
        wanted = seed_marker(conn)
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    current = None
    if exists:
        with psycopg.connect(url) as conn:
            current = seed_marker(conn)
    if current != wanted:
        log(f"copying {source} to {name} for the naive baseline ...")
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    dropped = search_index_names()
    with psycopg.connect(url, autocommit=True) as conn:
        for index in dropped:
            conn.execute(f'DROP INDEX IF EXISTS "{index}"')
    return url, dropped


# --ports (or BENCH_PORTS, for bench/load.py too): servers bind only inside this range.
PORT_RANGE: tuple[int, int] | None = (
    tuple(int(x) for x in os.environ["BENCH_PORTS"].split("-"))  # type: ignore[assignment]
    if os.environ.get("BENCH_PORTS")
    else None
)


def free_port() -> int:
    candidates = range(PORT_RANGE[0], PORT_RANGE[1] + 1) if PORT_RANGE else [0]
    for port in candidates:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    sys.exit(f"no free port in {PORT_RANGE}")


class Server:
    """One gunicorn with the production config on a free loopback port."""

    def __init__(
        self,
        label: str,
        env: dict,
        workers: int,
        log_dir: Path,
        extra: list[str],
        app: str = "ecommerce_admin.wsgi",
    ):
        self.label = label
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_dir / f"gunicorn-{label}.log"
        cmd = [GUNICORN, app]
        if (ROOT / "gunicorn.conf.py").exists():
            cmd += ["--config", str(ROOT / "gunicorn.conf.py")]
        else:
            cmd += ["--worker-class", "gthread", "--threads", "4", "--timeout", "300"]
        cmd += ["--bind", f"127.0.0.1:{self.port}", "--workers", str(workers)]
        cmd += ["--access-logfile", "/dev/null", "--error-logfile", str(self.log_path), *extra]
        self.command = cmd
        self.process = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn ({label}) exited; see {self.log_path}")
            try:
                with urllib.request.urlopen(f"{self.base}/api/health", timeout=2):
                    return
            except urllib.error.HTTPError:
                return  # it answers: good enough (health may be 503 during a hiccup)
            except OSError:
                time.sleep(0.3)
        self.stop()
        sys.exit(f"gunicorn ({label}) did not start in 60 s; see {self.log_path}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# --- Scenarios ---------------------------------------------------------------------------------
@dataclass
class Scenario:
    name: str
    path: str
    naive: str | None = None
    method: str = "GET"
    body: dict | None = None
    lua: str | None = None  # a request() generator (POST with unique emails)
    note: str = ""
    floor: str | None = None  # bench/floor_app.py's shape of the answer (None: no floor)


@dataclass
class Result:
    name: str
    path: str
    status: int | None = None
    queries: int | None = None
    floor_ms: float | None = None
    floor_detail: list = field(default_factory=list)
    c1_p50_ms: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    rps: float | None = None
    errors: int = 0
    naive_status: int | None = None
    naive_p50_ms: float | None = None
    naive_p99_ms: float | None = None
    naive_rps: float | None = None
    naive_errors: int = 0
    floor_p50_ms: float | None = None
    floor_rps: float | None = None
    floor_errors: int = 0
    floor_same_json: bool | None = None
    note: str = ""


def pick_parameters(database_url: str, customers: int) -> dict:
    """Realistic values for the scenarios, read from the seeded data."""
    import psycopg

    with psycopg.connect(database_url) as conn:
        q = conn.execute
        lo, hi = q(
            "SELECT min(id), max(id) FROM customers_customer WHERE NOT is_deleted"
        ).fetchone()
        detail_id = q(
            "SELECT id FROM customers_customer WHERE NOT is_deleted AND id >= %s ORDER BY id "
            "LIMIT 1",
            [(lo + hi) // 2],
        ).fetchone()[0]
        group_id = q(
            "SELECT customer_group_id FROM customers_customer WHERE customer_group_id IS NOT NULL "
            "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
        vendor_id = q(
            "SELECT vendor_id FROM sales_product WHERE vendor_id IS NOT NULL GROUP BY 1 "
            "ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
        order_customer = q(
            "SELECT customer_id FROM sales_order WHERE customer_id IS NOT NULL GROUP BY 1 "
            "ORDER BY count(*) DESC, 1 LIMIT 1"
        ).fetchone()[0]
        view_customer = q(
            "SELECT customer_id FROM analytics_productviewlog GROUP BY 1 "
            "ORDER BY count(*) DESC, 1 LIMIT 1"
        ).fetchone()[0]
    day = (datetime.now(UTC) - timedelta(days=30)).date()
    month = datetime.now(UTC).date()
    return {
        "detail_id": detail_id,
        "group_id": group_id,
        "vendor_id": vendor_id,
        "order_customer": order_customer,
        "view_customer": view_customer,
        "day": day.isoformat(),
        "month": f"{month.year:04d}-{month.month:02d}",
        "year": month.year,
        "month_number": month.month,
        "offset": 500_000 if customers >= 1_000_000 else int(customers * 0.9),
        "name": "kowal",
        "email": "a.garcia",
        "keyword": "schmidt",
    }


ADD_LUA = """
local counter = 0
function request()
  counter = counter + 1
  local body = string.format(
    '{"customerGroupId": %d, "username": "Bench", "lastName": "Adder", '
    .. '"email": "add-%s-%d-%d@bench-add.test", "mobileNumber": "+44 7700 900123", '
    .. '"password": "Bench-pass-123", "confirmPassword": "Bench-pass-123", '
    .. '"newsletter": 0, "mailStatus": 0, "status": 1}', GROUP, RUN, tid, counter)
  return wrk.format("POST", nil, nil, body)
end
"""


def scenarios(p: dict) -> list[Scenario]:
    page = "limit=20&offset=0"
    out = [
        Scenario("list", f"/api/customer?{page}", f"/naive/customer/?{page}", floor="rows"),
    ]
    for key, value in [
        ("name", p["name"]),
        ("email", p["email"]),
        ("status", "0"),
        ("customerGroup", p["group_id"]),
        ("date", p["day"]),
        ("keyword", p["keyword"]),
    ]:
        naive = f"/naive/customer/?{page}&{key}={value}"
        out.append(
            Scenario(f"list {key}", f"/api/customer?{page}&{key}={value}", naive, floor="rows")
        )
    # The table shows "list name" for the 100k comparison with the original system.
    off = f"limit=20&offset={p['offset']}"
    out += [
        Scenario("list offset", f"/api/customer?{off}", f"/naive/customer/?{off}", floor="rows"),
        Scenario("count", "/api/customer?count=1", "/naive/customer/?limit=1", floor="count"),
        Scenario(
            "count name",
            f"/api/customer?count=1&name={p['name']}",
            f"/naive/customer/?limit=1&name={p['name']}",
        ),
        Scenario(
            "count status+group+month",
            f"/api/customer?count=1&status=1&customerGroup={p['group_id']}&date={p['month']}",
            f"/naive/customer/?limit=1&status=1&customerGroup={p['group_id']}",
            note="naive: no month filter (status+group only)",
        ),
        Scenario(
            "detail",
            f"/api/admin-customer/customer-detail/{p['detail_id']}",
            f"/naive/customer/{p['detail_id']}/",
        ),
        Scenario(
            "customer-count",
            "/api/customer/customer-count",
            "/naive/customer/customer-count/",
            floor="customer-count",
        ),
        Scenario(
            "today count",
            "/api/customer/today-customercount",
            "/naive/customer/today-customercount/",
            floor="today",
        ),
        Scenario(
            "recent", "/api/customer/recent-customerlist", "/naive/customer/recent-customerlist/"
        ),
        Scenario("group list", "/api/customer-group", "/naive/customer-group/?limit=100"),
        Scenario(
            "visit list",
            f"/api/customer/customer-visit-list?month={p['month_number']}&year={p['year']}",
            f"/naive/customer-visit-list/?month={p['month_number']}&year={p['year']}",
        ),
        Scenario(
            "vendor graph",
            f"/api/customer/vendor-graph-list?vendorId={p['vendor_id']}&duration=4",
            f"/naive/vendor-graph-list/?vendorId={p['vendor_id']}",
        ),
        Scenario(
            "order-product list",
            f"/api/customer/order-product-list?{page}&customerId={p['order_customer']}",
            f"/naive/order-product/?{page}&order__customer_id={p['order_customer']}",
        ),
        Scenario(
            "product-view list",
            f"/api/customer/product-view-log-list?{page}&customerId={p['view_customer']}",
            f"/naive/product-view-log/?{page}&customer_id={p['view_customer']}",
        ),
        Scenario(
            "add customer",
            "/api/customer",
            method="POST",
            body={
                "customerGroupId": p["group_id"],
                "username": "Bench",
                "lastName": "Capture",
                "email": f"capture@{ADD_DOMAIN}",
                "mobileNumber": "+44 7700 900123",
                "password": "Bench-pass-123",
                "confirmPassword": "Bench-pass-123",
                "newsletter": 0,
                "mailStatus": 0,
                "status": 1,
            },
            lua=ADD_LUA.replace("GROUP", str(p["group_id"])),
            note="unique email per request; Argon2 hashing dominates",
        ),
    ]
    return out


# --- Measurements ------------------------------------------------------------------------------
DONE_LUA = """
local threads = {}
local next_id = 0
function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
  thread:set("RUN", "RUNID")
  table.insert(threads, thread)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, '
    .. '"non2xx": %d, "timeouts": %d, "socket_errors": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.timeout, e.connect + e.read + e.write))
end
"""


def wrk(
    wrk_bin: str, url: str, args: list[str], token: str, tmp: Path, extra_lua: str = ""
) -> dict:
    script = tmp / "bench.lua"
    run_id = f"{int(time.time() * 1000)}{random.randint(0, 999)}"
    script.write_text(DONE_LUA.replace("RUNID", run_id) + extra_lua)
    cmd = [wrk_bin, *args, "-s", str(script), "-H", f"Authorization: Bearer {token}"]
    if extra_lua:
        cmd += ["-H", "Content-Type: application/json"]
    if not any(a.startswith("--timeout") for a in args):
        cmd += ["--timeout", "30s"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=False).stdout
    line = next((l for l in out.splitlines() if l.startswith("WRKJSON ")), None)  # noqa: E741
    if line is None:
        return {"error": out[-500:]}
    data = json.loads(line[len("WRKJSON ") :])
    seconds = data["duration_us"] / 1e6
    ok = data["requests"] > 0
    return {
        "p50_ms": data["p50_us"] / 1000 if ok else None,
        "p99_ms": data["p99_us"] / 1000 if ok else None,
        "rps": data["requests"] / seconds if seconds else None,
        "requests": data["requests"],
        "errors": data["non2xx"] + data["timeouts"] + data["socket_errors"],
    }


def http(method: str, url: str, token: str, body: dict | None = None) -> tuple[int, int, float]:
    """One request read to the end: (status, bytes received, seconds to the last byte)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=900) as response:
            size = 0
            while chunk := response.read(1 << 16):
                size += len(chunk)
            return response.status, size, time.perf_counter() - started
    except urllib.error.HTTPError as exc:
        return exc.code, len(exc.read()), time.perf_counter() - started


class Capture:
    """The SQL one request issues, via the Django test client in this process (rolled back)."""

    def __init__(self, token: str):
        from django.test import Client

        self.client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")

    def __call__(self, method: str, path: str, body: dict | None = None) -> tuple[int, list[str]]:
        from django.db import connection, transaction
        from django.test.utils import CaptureQueriesContext

        with transaction.atomic():
            with CaptureQueriesContext(connection) as ctx:
                if method == "GET":
                    response = self.client.get(path)
                else:
                    response = self.client.generic(
                        method, path, json.dumps(body), content_type="application/json"
                    )
                if hasattr(response, "streaming_content"):
                    for _ in response.streaming_content:
                        pass
            transaction.set_rollback(True)
        body = b"" if hasattr(response, "streaming_content") else response.content
        return response.status_code, [q["sql"] for q in ctx.captured_queries], body


def floor(database_url: str, statements: list[str], budget_s: float = 3.0) -> tuple[float, list]:
    """Sum of per-statement p50 (ms) running the captured SQL through psycopg, rolled back."""
    import psycopg

    timings: list[list[float]] = [[] for _ in statements]
    with psycopg.connect(database_url) as conn:
        started = time.perf_counter()
        rounds = 0
        while rounds < 3 or (rounds < 30 and time.perf_counter() - started < budget_s):
            with conn.cursor() as cur:
                for i, sql in enumerate(statements):
                    t0 = time.perf_counter()
                    cur.execute(sql.encode())
                    if cur.description is not None:
                        cur.fetchall()
                    timings[i].append((time.perf_counter() - t0) * 1000)
            conn.rollback()
            rounds += 1
    detail = [
        {"p50_ms": round(statistics.median(t), 3), "sql": s[:160]}
        for s, t in zip(statements, timings, strict=True)
    ]
    return sum(d["p50_ms"] for d in detail), detail


def alive_ids(database_url: str, count: int, exclude: set[int]) -> list[int]:
    import psycopg

    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT id FROM customers_customer TABLESAMPLE SYSTEM (5) "
            "WHERE NOT is_deleted AND NOT EXISTS (SELECT 1 FROM sales_vendor v "
            "WHERE v.customer_id = customers_customer.id) LIMIT %s",
            [count * 3],
        ).fetchall()
    ids = [r[0] for r in rows if r[0] not in exclude]
    random.shuffle(ids)
    return ids[:count]


def copy_floor(database_url: str) -> float:
    import psycopg

    sql = (
        "COPY (SELECT id, first_name, last_name, username, email, mobile_number, created_at "
        "FROM customers_customer WHERE NOT is_deleted ORDER BY created_at DESC, id DESC) "
        "TO STDOUT"
    )
    with psycopg.connect(database_url) as conn, conn.cursor() as cur:
        started = time.perf_counter()
        with cur.copy(sql) as copy:
            for _ in copy:
                pass
        return time.perf_counter() - started


def import_export_baseline(env: dict) -> dict:
    """django-import-export Resource.export() to xlsx, own process, peak RSS from rusage."""
    code = (
        "import django, json, time, resource; django.setup();"
        "from import_export.resources import modelresource_factory;"
        "from customers.models import Customer;"
        "t = time.perf_counter();"
        "Resource = modelresource_factory(Customer);"
        "qs = Customer.objects.filter(is_deleted=False);"
        "data = Resource().export(queryset=qs).export('xlsx');"
        "print(json.dumps({'seconds': time.perf_counter() - t, 'bytes': len(data),"
        " 'peak_rss_mib': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))"
    )
    out = subprocess.run(
        [PYTHON, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    try:
        return json.loads(out.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {"error": (out.stderr or out.stdout)[-400:]}


def median_run(runs: list[dict]) -> dict:
    """The run with the median req/s (the lower middle of an even count)."""
    ranked = sorted(runs, key=lambda r: r.get("rps") or 0)
    return ranked[(len(ranked) - 1) // 2] if ranked else {}


def fetch_json(url: str, token: str):
    """One GET's parsed JSON body (None when it is not JSON)."""
    request = urllib.request.Request(url)
    request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())
    except (urllib.error.URLError, ValueError):
        return None


# --- Right after a mass update -----------------------------------------------------------------
MASS_SCENARIOS = ("list", "list name", "list offset", "customer-count", "today count")
MASS_UPDATE_SQL = "UPDATE customers_customer SET updated_at = updated_at"


def table_health(database_url: str) -> dict:
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT n_dead_tup, n_live_tup, last_autovacuum, autovacuum_count "
            "FROM pg_stat_user_tables WHERE relname = 'customers_customer'"
        ).fetchone()
    return {
        "dead": row[0],
        "live": row[1],
        "last_autovacuum": row[2].isoformat() if row[2] else None,
        "autovacuums": row[3],
    }


@contextlib.contextmanager
def server_autovacuum(database_url: str, switch_on: bool):
    """Autovacuum on for the block when asked and the server has it off; restored after.

    Production PostgreSQL runs autovacuum (the default); a CI machine may switch it off for
    determinism, and then no per-table setting (migration 0005) can take effect: the launcher
    itself is not running. ALTER SYSTEM writes postgresql.auto.conf, read after every other
    configuration file; RESET removes that line again, so the previous value comes back.
    """
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        was = conn.execute("SHOW autovacuum").fetchone()[0]
        changed = switch_on and was == "off"
        if changed:
            log("  server autovacuum is off: switching it on for this phase (ALTER SYSTEM)")
            conn.execute("ALTER SYSTEM SET autovacuum = on")
            conn.execute("SELECT pg_reload_conf()")
            time.sleep(1)  # the launcher starts on the reload
            # Switched on, it first catches up on every database of the server (test databases
            # included): wait for that, so it does not load the machine during the rounds.
            deadline, quiet_since = time.monotonic() + 300, None
            while time.monotonic() < deadline:
                busy = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'"
                ).fetchone()[0]
                quiet_since = None if busy else (quiet_since or time.monotonic())
                if quiet_since and time.monotonic() - quiet_since >= 5:
                    break
                time.sleep(1)
            log("  autovacuum has caught up on the server's databases")
    try:
        yield changed
    finally:
        if changed:
            with psycopg.connect(database_url, autocommit=True) as conn:
                conn.execute("ALTER SYSTEM RESET autovacuum")
                conn.execute("SELECT pg_reload_conf()")
            log("  server autovacuum restored to off")


def mass_update_phase(
    database_url: str,
    steady: list[Result],
    ours: Server,
    floor_server: Server | None,
    routes: dict,
    wrk_bin: str,
    wrk_args: list[str],
    token: str,
    tmp: Path,
    seconds: float,
) -> dict:
    """UPDATE every customer row (new versions of every tuple: the visibility map is lost until
    (auto)vacuum runs), then measure at once and in rounds until `seconds` have passed."""
    import psycopg

    # The reference: the same short wrk runs, right before the update, in the same conditions
    # (autovacuum on, same minute), so the verdict compares like with like.
    before = {
        res.name: wrk(wrk_bin, ours.base + res.path, wrk_args, token, tmp).get("rps")
        for res in steady
    }
    log(f"- before the mass update: {before}")
    log(f"- mass update: {MASS_UPDATE_SQL}")
    with psycopg.connect(database_url, autocommit=True) as conn:
        started = time.perf_counter()
        updated = conn.execute(MASS_UPDATE_SQL).rowcount
        update_s = time.perf_counter() - started
    log(f"  {updated:,} rows in {update_s:.1f} s; health {table_health(database_url)}")
    t0 = time.perf_counter()
    rounds = []
    while True:
        at = time.perf_counter() - t0
        entry = {"at_s": round(at, 1), "rps": {}, "floor_rps": {}}
        for res in steady:
            entry["rps"][res.name] = wrk(wrk_bin, ours.base + res.path, wrk_args, token, tmp).get(
                "rps"
            )
            if floor_server and res.path in routes:
                entry["floor_rps"][res.name] = wrk(
                    wrk_bin, floor_server.base + res.path, wrk_args, token, tmp
                ).get("rps")
        entry["health"] = table_health(database_url)
        log(
            f"  t={entry['at_s']:5.1f} s: "
            + ", ".join(f"{k} {fmt(v, 0)}" for k, v in entry["rps"].items())
            + f" | {entry['health']}"
        )
        rounds.append(entry)
        if at >= seconds:
            break
    # Back at t: from that round on, every round is within 20% of the reference.
    recovered = {}
    for res in steady:
        reference = before.get(res.name) or res.rps
        recovered[res.name] = None
        for index, r in enumerate(rounds):
            later = [(x["rps"].get(res.name) or 0) for x in rounds[index:]]
            if all(rps >= 0.8 * reference for rps in later):
                recovered[res.name] = r["at_s"]
                break
    # What autovacuum would do once it comes (and the state the rest of the run needs): VACUUM,
    # timed, then one more round.
    with psycopg.connect(database_url, autocommit=True) as conn:
        autovacuum = conn.execute("SHOW autovacuum").fetchone()[0]
        naptime = conn.execute("SHOW autovacuum_naptime").fetchone()[0]
        started = time.perf_counter()
        conn.execute("VACUUM customers_customer")
        vacuum_s = time.perf_counter() - started
    after_vacuum = {
        res.name: wrk(wrk_bin, ours.base + res.path, wrk_args, token, tmp).get("rps")
        for res in steady
    }
    log(f"  VACUUM {vacuum_s:.1f} s, then: {after_vacuum} (autovacuum = {autovacuum})")
    return {
        "autovacuum": autovacuum,
        "autovacuum_naptime": naptime,
        "vacuum_s": vacuum_s,
        "after_vacuum": after_vacuum,
        "sql": MASS_UPDATE_SQL,
        "rows": updated,
        "update_s": update_s,
        "steady": {r.name: r.rps for r in steady},
        "before": before,
        "rounds": rounds,
        "recovered_at_s": recovered,
        "wrk": " ".join(wrk_args),
    }


def mass_lines(mass: dict) -> list[str]:
    names = list(mass["steady"])
    head = "| scenario | steady req/s | before (same wrk) | " + " | ".join(
        f"t={r['at_s']:.0f} s" for r in mass["rounds"]
    )
    lines = [
        f"Right after `{mass['sql']}` ({mass['rows']:,} rows, {mass['update_s']:.1f} s), "
        f"wrk {mass['wrk']} per figure:",
        "",
        head + " | after VACUUM | within 20% of 'before' from |",
        "|---|--:|--:|" + "--:|" * len(mass["rounds"]) + "--:|--:|",
    ]
    for name in names:
        cells = " | ".join(fmt(r["rps"].get(name), 0) for r in mass["rounds"])
        at = mass["recovered_at_s"].get(name)
        lines.append(
            f"| {name} | {fmt(mass['steady'][name], 0)} | "
            f"{fmt(mass.get('before', {}).get(name), 0)} | {cells} | "
            f"{fmt(mass['after_vacuum'].get(name), 0)} | "
            + ("never (in this run)" if at is None else f"t={at:.0f} s")
            + " |"
        )
    health = " | ".join(
        f"{r['health']['dead']:,} / {r['health']['autovacuums']}" for r in mass["rounds"]
    )
    lines.append(f"| (dead tuples / autovacuums so far) | | | {health} | | |")
    lines += [
        "",
        f"Server: autovacuum = {mass['autovacuum']}, autovacuum_naptime = "
        f"{mass['autovacuum_naptime']}; the VACUUM after the rounds took {mass['vacuum_s']:.1f} s.",
    ]
    return lines


def floor_lines(results: list[Result]) -> list[str]:
    goals = {"list": 0.6, "list name": 0.6, "customer-count": 0.8, "today count": 0.8}
    lines = [
        "Against the in-run floor (bench/floor_app.py: bare WSGI, same gunicorn settings, same "
        "SQL, same JSON, psycopg + orjson + PyJWT):",
        "",
        "| scenario | floor p50 | floor req/s | ours req/s | ours/floor | same JSON | target |",
        "|---|--:|--:|--:|--:|---|---|",
    ]
    for r in results:
        if r.floor_rps is None:
            continue
        share = r.rps / r.floor_rps if r.rps and r.floor_rps else None
        goal = goals.get(r.name)
        verdict = ""
        if goal is not None and share is not None:
            verdict = f">= {goal:.0%}: " + ("met" if share >= goal else "NOT met")
        if r.name == "list offset" and r.rps:
            verdict = ">= 300 req/s: " + ("met" if r.rps >= 300 else "NOT met")
        lines.append(
            f"| {r.name} | {fmt(r.floor_p50_ms)} ms | {fmt(r.floor_rps, 0)} | {fmt(r.rps, 0)} "
            f"| {'—' if share is None else f'{share:.0%}'} | "
            f"{'yes' if r.floor_same_json else 'NO'} | {verdict} |"
        )
    return lines


# --- Report ------------------------------------------------------------------------------------
def fmt(value, digits=1, suffix="") -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}{suffix}"


def ratio(a, b) -> str:
    if a is None or b is None or b == 0:
        return "—"
    return f"{a / b:.1f}x"


def table(results: list[Result], wrk_args: str) -> str:
    head = (
        "| scenario | queries | floor p50 | ours p50 @1 | ours/floor | ours p50 | ours p99 "
        "| ours req/s | naive p50 | naive req/s | naive/ours p50 | ours/naive req/s |\n"
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n"
    )
    rows = []
    for r in results:
        if r.status is not None and r.status >= 300:
            rows.append(f"| {r.name} | HTTP {r.status} | | | | | | | | | | |")
            continue
        err = f" ({r.errors} errors)" if r.errors else ""
        nerr = f" ({r.naive_errors} errors)" if r.naive_errors else ""
        rows.append(
            f"| {r.name}{err} | {fmt(r.queries, 0)} | {fmt(r.floor_ms, 2)} ms "
            f"| {fmt(r.c1_p50_ms, 2)} ms | {ratio(r.c1_p50_ms, r.floor_ms)} "
            f"| {fmt(r.p50_ms, 1)} ms | {fmt(r.p99_ms, 1)} ms | {fmt(r.rps, 0)} "
            f"| {fmt(r.naive_p50_ms, 1)} ms{nerr} | {fmt(r.naive_rps, 0)} "
            f"| {ratio(r.naive_p50_ms, r.p50_ms)} | {ratio(r.rps, r.naive_rps)} |"
        )
    return head + "\n".join(rows) + f"\n\n(wrk {wrk_args}, median of the runs; '@1' = wrk -t1 -c1)"


def bench_token(user, access_token_class, naive_url: str | None) -> str:
    """An access token our authentication accepts: since token families (API.md §2) a token
    must belong to a live login; the family row is copied into the naive baseline's database
    (copied before this login) so both servers accept the same token."""
    try:
        from ecommerce_admin.api.tokens import issue_for_login
    except ImportError:  # a checkout from before token families
        return str(access_token_class.for_user(user))
    import psycopg
    from django.db import connection

    access, _refresh = issue_for_login(user)
    if naive_url:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, user_id, created_at, expires_at FROM ecommerce_admin_tokenfamily "
                "WHERE user_id = %s ORDER BY created_at DESC LIMIT 1",
                [user.pk],
            )
            row = cursor.fetchone()
        with psycopg.connect(naive_url, autocommit=True) as conn:
            conn.execute(
                "INSERT INTO ecommerce_admin_tokenfamily "
                "(id, user_id, created_at, expires_at, revoked_at, revoked_reason) "
                "VALUES (%s, %s, %s, %s, NULL, '') ON CONFLICT (id) DO NOTHING",
                row,
            )
    return access


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--wrk", default="-t2 -c8 -d5s", help='wrk settings, e.g. "-t2 -c8 -d20s"')
    parser.add_argument("--wrk1", default="-t1 -c1 -d2s", help="single-connection run")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="wrk runs per scenario for ours and the floor, alternated; the median is reported",
    )
    parser.add_argument("--database-url", help="default: postgres://.../bench_<N>")
    parser.add_argument(
        "--gunicorn-args",
        default="",
        help='extra gunicorn flags, after the config file (e.g. "--worker-class sync")',
    )
    parser.add_argument("--reseed", action="store_true", help="reload the data even if present")
    parser.add_argument("--only", help="comma-separated scenario names (substring match)")
    parser.add_argument("--no-naive", action="store_true")
    parser.add_argument(
        "--naive-db",
        choices=["copy", "same"],
        default="copy",
        help="copy: the baseline reads a copy without the search indexes (default); "
        "same: it reads our database, indexes included",
    )
    parser.add_argument("--no-exports", action="store_true")
    parser.add_argument(
        "--no-floor", action="store_true", help="skip the bare-WSGI floor (bench/floor_app.py)"
    )
    parser.add_argument("--no-mass-update", action="store_true")
    parser.add_argument("--mass-wrk", default="-t2 -c8 -d2s", help="wrk per figure after it")
    parser.add_argument("--mass-seconds", type=float, default=60, help="measure this long")
    parser.add_argument(
        "--server-autovacuum",
        choices=["on", "leave"],
        default="on",
        help="on (default): if the server runs with autovacuum off (a CI machine), switch it on "
        "for the mass-update phase (ALTER SYSTEM, reload) and restore it after; leave: measure "
        "the server as it is",
    )
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--ports", help="bind the servers only inside this range, e.g. 19500-19599")
    parser.add_argument("--no-bulk-delete", action="store_true")
    parser.add_argument(
        "--import-export-baseline",
        choices=["auto", "yes", "no"],
        default="auto",
        help="django-import-export xlsx export of every customer (auto: only <= 100k rows)",
    )
    args = parser.parse_args()

    wrk_bin = ensure_wrk()
    load_start = os.getloadavg()[0]
    if args.ports:
        global PORT_RANGE
        low, high = (int(x) for x in args.ports.split("-"))
        PORT_RANGE = (low, high)
    customers = args.customers
    database_url = args.database_url or f"{PG_SERVER}/{database_name(customers)}"
    workers = 2 * (os.cpu_count() or 1)
    tmp = Path(tempfile.mkdtemp(prefix="bench-"))
    env_ours = server_env(database_url, "ecommerce_admin.settings", str(tmp / "cache"))
    seed_info = ensure_database(database_url, customers, env_ours, args.reseed)
    naive_url, naive_dropped = database_url, []
    if not args.no_naive and args.naive_db == "copy":
        naive_url, naive_dropped = naive_database(database_url)
    env_naive = server_env(naive_url, "bench.settings", str(tmp / "cache"))

    # This process: bench settings on our database (captures and the token).
    os.environ.update(server_env(database_url, "bench.settings", str(tmp / "cache")))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from rest_framework_simplejwt.tokens import AccessToken

    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(
        username="bench-admin",
        defaults={"is_staff": True, "is_superuser": True, "email": "bench@example.com"},
    )
    if not (user.is_staff and user.is_superuser and user.is_active):
        user.is_staff = user.is_superuser = user.is_active = True
        user.save()
    token = bench_token(user, AccessToken, naive_url if naive_url != database_url else None)
    params = pick_parameters(database_url, customers)
    capture = Capture(token)
    wrk_args = shlex.split(args.wrk)
    wrk1_args = shlex.split(args.wrk1)

    import psycopg

    with psycopg.connect(database_url) as conn:
        pg_version = conn.execute("SHOW server_version").fetchone()[0]
    meminfo = Path("/proc/meminfo").read_text().split("\n")[0].split()[1]
    machine = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "ram_gib": round(int(meminfo) / 2**20, 1),
        "postgresql": pg_version,
        "python": platform.python_version(),
        "customers": customers,
        "database": database_url.rsplit("/", 1)[1],
        "wrk": args.wrk,
        "repeat": args.repeat,
        "wrk1": args.wrk1,
        "gunicorn_workers": workers,
        "gunicorn_args": args.gunicorn_args,
        "naive_database": naive_url.rsplit("/", 1)[1],
        "naive_without_indexes": naive_dropped,
    }
    log(f"machine: {machine}")

    selected = scenarios(params)
    if args.only:
        wanted = [w.strip() for w in args.only.split(",")]
        selected = [s for s in selected if any(w == s.name for w in wanted)]
    # Captured first: the SQL and our answer of each scenario; the floor replays that SQL.
    captured = {sc.name: capture(sc.method, sc.path, sc.body) for sc in selected}
    routes = {}
    for sc in selected:
        status, statements, body = captured[sc.name]
        if sc.floor and status == 200 and not args.no_floor:
            routes[sc.path] = {
                "statements": statements,
                "shape": sc.floor,
                "message": json.loads(body)["message"],
            }
    routes_path = tmp / "floor-routes.json"
    routes_path.write_text(json.dumps(routes))

    servers: list[Server] = []
    results: list[Result] = []
    once: dict = {}
    deleted_ids: list[int] = []
    mass: dict = {}
    try:
        extra = shlex.split(args.gunicorn_args)
        ours = Server("ours", env_ours, workers, tmp, extra)
        servers.append(ours)
        naive = None if args.no_naive else Server("naive", env_naive, workers, tmp, extra)
        if naive:
            servers.append(naive)
        floor_server = None
        if routes:
            env_floor = {**env_ours, "FLOOR_ROUTES": str(routes_path)}
            floor_server = Server(
                "floor", env_floor, workers, tmp, extra, app="bench.floor_app:application"
            )
            servers.append(floor_server)
        # Warm every worker (imports, DB connections, caches) before anything is measured.
        for server, path in [
            (ours, "/api/customer?limit=20"),
            (naive, "/naive/customer/?limit=20"),
            (floor_server, next(iter(routes), "")),
        ]:
            if server:
                wrk(wrk_bin, server.base + path, ["-t2", "-c16", "-d2s"], token, tmp)
        for sc in selected:
            log(f"- {sc.name}: {sc.path}")
            res = Result(sc.name, sc.path, note=sc.note)
            status, statements, body = captured[sc.name]
            res.status = status
            if status >= 300:
                log(f"  HTTP {status}: skipped")
                results.append(res)
                continue
            res.queries = len(statements)
            res.floor_ms, res.floor_detail = floor(database_url, statements)
            lua = sc.lua or ""
            one = wrk(wrk_bin, ours.base + sc.path, wrk1_args, token, tmp, lua)
            res.c1_p50_ms = one.get("p50_ms")
            with_floor = bool(floor_server and sc.path in routes)
            if with_floor:
                ours_now = fetch_json(ours.base + sc.path, token)
                floor_now = fetch_json(floor_server.base + sc.path, token)
                res.floor_same_json = ours_now == floor_now and ours_now is not None
            # Ours and the floor alternate `--repeat` times; the median run of each is kept, so
            # one disturbed run (a noisy neighbour, a checkpoint) does not decide the ratio.
            ours_runs, floor_runs = [], []
            for _ in range(args.repeat):
                ours_runs.append(wrk(wrk_bin, ours.base + sc.path, wrk_args, token, tmp, lua))
                if with_floor:
                    floor_runs.append(
                        wrk(wrk_bin, floor_server.base + sc.path, wrk_args, token, tmp)
                    )
            many = median_run(ours_runs)
            res.p50_ms, res.p99_ms, res.rps = (
                many.get("p50_ms"),
                many.get("p99_ms"),
                many.get("rps"),
            )
            res.errors = one.get("errors", 0) + sum(r.get("errors", 0) for r in ours_runs)
            if with_floor:
                fl = median_run(floor_runs)
                res.floor_p50_ms, res.floor_rps = fl.get("p50_ms"), fl.get("rps")
                res.floor_errors = sum(r.get("errors", 0) for r in floor_runs)
            if args.repeat > 1:
                log(
                    "  runs: ours "
                    + ", ".join(fmt(r.get("rps"), 0) for r in ours_runs)
                    + " | floor "
                    + ", ".join(fmt(r.get("rps"), 0) for r in floor_runs)
                )
            if naive and sc.naive:
                res.naive_status = http("GET", naive.base + sc.naive, token)[0]
                if res.naive_status < 300:
                    nv = wrk(wrk_bin, naive.base + sc.naive, wrk_args, token, tmp)
                    res.naive_p50_ms, res.naive_p99_ms = nv.get("p50_ms"), nv.get("p99_ms")
                    res.naive_rps, res.naive_errors = nv.get("rps"), nv.get("errors", 0)
            log(
                f"  SQL floor {fmt(res.floor_ms, 2)} ms | @1 p50 {fmt(res.c1_p50_ms, 2)} ms | "
                f"p50 {fmt(res.p50_ms)} ms p99 {fmt(res.p99_ms)} ms {fmt(res.rps, 0)} req/s | "
                f"WSGI floor {fmt(res.floor_rps, 0)} req/s (same JSON: {res.floor_same_json}) | "
                f"naive p50 {fmt(res.naive_p50_ms)} ms {fmt(res.naive_rps, 0)} req/s"
            )
            results.append(res)

        if not args.no_mass_update:
            with server_autovacuum(database_url, args.server_autovacuum == "on"):
                mass = mass_update_phase(
                    database_url,
                    [r for r in results if r.name in MASS_SCENARIOS and r.rps],
                    ours,
                    floor_server,
                    routes,
                    wrk_bin,
                    shlex.split(args.mass_wrk),
                    token,
                    tmp,
                    args.mass_seconds,
                )

        if not args.no_bulk_delete and (not args.only or "bulk delete" in args.only):
            log("- bulk delete of 1,000 ids (one request per fresh id set)")
            used: set[int] = set()
            probe = alive_ids(database_url, 1000, used)
            used.update(probe)
            status, statements, _ = capture(
                "POST", "/api/customer/delete-customer", {"customerId": probe}
            )
            entry: dict = {"status": status, "queries": len(statements)}
            if status < 300:
                entry["floor_ms"], _ = floor(database_url, statements, budget_s=5)
                times = []
                for _ in range(3):
                    ids = alive_ids(database_url, 1000, used)
                    used.update(ids)
                    code, _, seconds = http(
                        "POST",
                        ours.base + "/api/customer/delete-customer",
                        token,
                        {"customerId": ids},
                    )
                    entry.setdefault("http_status", []).append(code)
                    if code < 300:
                        deleted_ids += ids
                    times.append(seconds * 1000)
                entry["ms"] = [round(t, 1) for t in times]
                entry["p50_ms"] = statistics.median(times)
            once["bulk delete 1,000 ids"] = entry
            log(f"  {entry}")

        if not args.no_exports and (not args.only or "export" in args.only):
            log("- exports (one request each)")
            entry = {"copy_floor_s": copy_floor(database_url)}
            for fmt_name, suffix in [("xlsx", ""), ("csv", "?format=csv")]:
                path = "/api/customer/allcustomer-excel-list" + suffix
                code, size, seconds = http("GET", ours.base + path, token)
                entry[fmt_name] = {"status": code, "seconds": seconds, "bytes": size}
            use_ie = args.import_export_baseline == "yes" or (
                args.import_export_baseline == "auto" and customers <= 100_000
            )
            if use_ie:
                log("  django-import-export baseline (Resource.export() to xlsx) ...")
                entry["import_export_xlsx"] = import_export_baseline(env_naive)
            else:
                entry["import_export_xlsx"] = "skipped above 100k rows (slow, memory hungry)"
            once["export all"] = entry
            log(f"  {entry}")
    finally:
        for server in servers:
            server.stop()
        cleanup(database_url, deleted_ids)

    profile = None
    if not args.no_profile:
        log("- profile of one list request (in-process) ...")
        profile = profile_request("/api/customer?limit=20&offset=0", token)
    report = table(results, args.wrk)
    lines = [
        f"## {customers:,} customers — {machine['date']}",
        "",
        f"Machine: {machine['nproc']} cores, {machine['ram_gib']} GiB RAM, PostgreSQL "
        f"{machine['postgresql']}, Python {machine['python']}, gunicorn {workers} workers "
        f"(gunicorn.conf.py {args.gunicorn_args}".rstrip()
        + "), server and wrk on the same "
        f"machine; load average {load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at "
        "the end. Naive baseline on "
        f"`{machine['naive_database']}`"
        + (
            f" (a copy without {', '.join(naive_dropped)})."
            if naive_dropped
            else " (no search-index migration to leave out)."
        ),
        "",
        report,
        "",
    ]
    if any(r.floor_rps for r in results):
        lines += [*floor_lines(results), ""]
    if mass:
        lines += [*mass_lines(mass), ""]
    if profile:
        lines += [*profile_lines(profile), ""]
    if once:
        lines.append("One-shot scenarios:")
        bd = once.get("bulk delete 1,000 ids")
        if bd:
            lines.append(
                f"- bulk delete of 1,000 fresh ids: {fmt(bd.get('p50_ms'))} ms p50 of "
                f"{bd.get('ms')} (HTTP {bd.get('http_status', bd['status'])}), "
                f"{bd['queries']} queries, SQL floor {fmt(bd.get('floor_ms'))} ms"
            )
        ex = once.get("export all")
        if ex:
            lines.append(f"- export-all SQL floor (COPY … TO STDOUT): {ex['copy_floor_s']:.2f} s")
            for name in ("xlsx", "csv"):
                e = ex[name]
                lines.append(
                    f"- export-all {name}: HTTP {e['status']}, {e['seconds']:.2f} s, "
                    f"{e['bytes'] / 2**20:.1f} MiB ({e['seconds'] / ex['copy_floor_s']:.1f}x floor)"
                )
            ie = ex["import_export_xlsx"]
            if isinstance(ie, dict) and "seconds" in ie:
                lines.append(
                    "- baseline django-import-export Resource.export() xlsx: "
                    f"{ie['seconds']:.2f} s, "
                    f"peak RSS {ie['peak_rss_mib']:.0f} MiB"
                )
            else:
                lines.append(f"- baseline django-import-export xlsx: {ie}")
    if customers == 100_000:
        lines += ["", "Against the original system at 100k (req/s, target factor):"]
        by_name = {r.name: r for r in results}
        for name, original in ORIGINAL_100K.items():
            r = by_name.get(name)
            rps = r.rps if r else None
            factor = rps / original if rps else None
            goal = TARGET_FACTOR[name]
            verdict = "—" if factor is None else ("met" if factor >= goal else "NOT met")
            lines.append(
                f"- {name}: {fmt(rps, 0)} req/s vs {original} → {fmt(factor)}x "
                f"(target ≥ {goal}x: {verdict})"
            )
        lines += ["", "Against issue 17's run of the original (req/s, factor asked):"]
        for name, (original, goal) in ORIGINAL_ISSUE17.items():
            r = by_name.get(name)
            rps = r.rps if r else None
            factor = rps / original if rps else None
            verdict = "—" if factor is None else ("met" if factor >= goal else "NOT met")
            lines.append(
                f"- {name}: {fmt(rps, 0)} req/s vs {original} → {fmt(factor)}x "
                f"(≥ {goal}x: {verdict})"
            )
    lines += ["", *target_lines(results, once, customers)]
    text = "\n".join(lines)
    print(text)
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    stamp = database_name(customers).removeprefix("bench_")
    (out_dir / f"{stamp}.md").write_text(text + "\n")
    (out_dir / f"{stamp}.json").write_text(
        json.dumps(
            {
                "machine": machine,
                "params": params,
                "seed": seed_info,
                "results": [asdict(r) for r in results],
                "once": once,
                "mass_update": mass,
                "profile": profile,
            },
            indent=2,
            default=str,
        )
    )
    log(f"written bench/results/{stamp}.md and .json")
    shutil.rmtree(tmp, ignore_errors=True)  # gunicorn logs and caches (kept when a run fails)


def target_lines(results: list[Result], once: dict, customers: int) -> list[str]:
    """The issue's targets, reported (not asserted): met / NOT met with the figures."""

    def verdict(ok: bool | None) -> str:
        return "—" if ok is None else ("met" if ok else "NOT met")

    out = ["Targets (reported, not asserted):"]
    for r in results:
        if r.status != 200:
            continue
        if r.name.startswith("list") and r.c1_p50_ms is not None and r.floor_ms is not None:
            bound = 1.5 * r.floor_ms + 5
            out.append(
                f"- {r.name}: p50 @1 {r.c1_p50_ms:.2f} ms vs 1.5 x floor + 5 ms = {bound:.2f} ms: "
                f"{verdict(r.c1_p50_ms <= bound)}"
            )
    for r in results:
        searched = r.name in {"list name", "list email", "list keyword"}
        if (searched or r.name.startswith("count") or r.name == "customer-count") and r.p50_ms:
            factor = r.naive_p50_ms / r.p50_ms if r.naive_p50_ms else None
            out.append(
                f"- {r.name}: naive/ours p50 {fmt(factor)}x (target >= 5x): "
                f"{verdict(None if factor is None else factor >= 5)}"
            )
    if customers >= 1_000_000:
        for r in results:
            if r.name.startswith("count ") and r.c1_p50_ms is not None:
                out.append(
                    f"- {r.name} at {customers:,}: p50 @1 {r.c1_p50_ms:.1f} ms (target < 150 ms): "
                    f"{verdict(r.c1_p50_ms < 150)}"
                )
    bulk = once.get("bulk delete 1,000 ids", {})
    if bulk.get("p50_ms") is not None:
        out.append(
            f"- bulk delete of 1,000 ids: {bulk['p50_ms']:.1f} ms (target < 200 ms): "
            f"{verdict(bulk['p50_ms'] < 200)}"
        )
    return out


def cleanup(database_url: str, deleted_ids: list[int]) -> None:
    """Undo the benchmark's writes so the next run sees the same data set."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        added = conn.execute(
            "DELETE FROM customers_customer WHERE email LIKE %s", [f"%@{ADD_DOMAIN}"]
        ).rowcount
        restored = 0
        if deleted_ids:
            restored = conn.execute(
                "UPDATE customers_customer SET is_deleted = false, deleted_at = NULL "
                "WHERE id = ANY(%s)",
                [deleted_ids],
            ).rowcount
        conn.execute("VACUUM ANALYZE customers_customer")
    log(f"cleanup: removed {added} added customers, restored {restored} deleted ones")


if __name__ == "__main__":
    main()
