#!/usr/bin/env python
"""Fault test (API.md §10): the database goes away under load; the service answers cleanly,
recovers by itself and loses nothing.

    .venv/bin/python bench/faults.py                                   # 3 rounds, ~2 minutes
    .venv/bin/python bench/faults.py \
        --database-url postgres://postgres@127.0.0.1:5432/faults_bench \
        --port-base 18000 --rounds 3 --clients 8

1. The database (default `ecommerce_admin_faults` on 127.0.0.1:5432) is created if missing and
   migrated; a superuser for the run is made there.
2. A small TCP proxy in this process stands between the app and PostgreSQL. It can
   - cut:     drop every open connection (RST) and refuse new ones (the listener is closed),
   - stall:   keep accepting, but forward nothing in either direction (a frozen server or a
              black-holed link: the kernel still acknowledges, so only timeouts can tell),
   - restore: forward again (stalled bytes flow on; cut connections stay dead).
   Between the outages and stalls, `pg_terminate_backend` kills the app's server connections
   (a failover or restart: the server says "terminating connection due to administrator
   command", 57P01).
3. gunicorn (gunicorn.conf.py, debug off) serves the app with DATABASE_URL pointing at the
   proxy, persistent connections on (DJANGO_CONN_MAX_AGE=60) and short limits
   (statement 3 s, no-answer 4 s, connect 2 s) so the run stays short.
4. `--clients` threads loop over adds, status changes (bulk status of customers they own),
   lists and counts; a prober asks /api/health every half second. Every answer is logged.
5. Schedule: per round an outage (`--outage` s), a stall (`--stall` s), a failover
   (`--failover` s) and a terminate, each followed by `--recovery` s of normal service.
6. Checks (exit 1 if any fails):
   - no 500, and no request failed without an HTTP answer (reset, timeout); no request waited
     more than 15 s;
   - every 503 is `{"status": 0, "message": "Service temporarily unavailable."}` with a numeric
     Retry-After, and each outage, stall and failover produced 503s;
   - /api/health always answered within 10 s, 503 during each outage/stall/failover, 200 from
     5 s after it;
   - every request sent 5 s or more after a restore succeeded;
   - every add answered `status: 1` is stored exactly once (a failed add is retried with the
     same email: its duplicate-email 400 then proves the first attempt was stored), no email
     has two rows; the last acknowledged status change of each customer is in the database
     unless a later unacknowledged change (which may or may not have applied) followed it.
7. Figures: requests, 503s, longest wait, time to the first success after each restore,
   writes acknowledged vs stored.

`pytest -m faults` (tests/faults/) runs the same with FAULTS_DATABASE_URL; `.ci/run` runs it on
PostgreSQL.
"""

import argparse
import contextlib
import http.client
import json
import os
import random
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/ecommerce_admin_faults"
UNAVAILABLE = {"status": 0, "message": "Service temporarily unavailable."}
EMAIL_TAKEN = "A Customer is already registered with this email Id."
PASSWORD = "Faults-test-pass1"
HEALTH_LIMIT = 10.0
RECOVERY_GRACE = 5.0
#: With the run's limits (no-answer 4 s, connect 2 s) a request waits about 6 s at worst (the
#: check on reuse times out, then the reconnect does); 15 s leaves room for a loaded machine.
WAIT_LIMIT = 15.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- The proxy ---------------------------------------------------------------------------------
class FaultProxy:
    """A TCP proxy whose link to the upstream can be cut, stalled and restored."""

    def __init__(self, port: int, upstream: tuple[str, int]):
        self.upstream = upstream
        self.mode = "up"
        self.lock = threading.Lock()
        self.pairs: set[tuple[socket.socket, socket.socket]] = set()
        self.dead: set[tuple[socket.socket, socket.socket]] = set()
        self.closed = False
        self.listener: socket.socket | None = None
        self.port = port
        self._listen()
        threading.Thread(target=self._accept_loop, daemon=True).start()

    def _listen(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(256)
        self.port = listener.getsockname()[1]
        self.listener = listener

    def _accept_loop(self) -> None:
        while not self.closed:
            listener = self.listener
            if listener is None:
                time.sleep(0.02)
                continue
            try:
                ready, _, _ = select.select([listener], [], [], 0.1)
                if not ready:
                    continue
                client, _ = listener.accept()
            except (OSError, ValueError):
                continue  # the listener was closed by cut()
            try:
                server = socket.create_connection(self.upstream, timeout=5)
                server.settimeout(None)
            except OSError:
                client.close()
                continue
            pair = (client, server)
            with self.lock:
                if self.mode == "cut":
                    self._abort(pair)
                    continue
                self.pairs.add(pair)
            for src, dst in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(pair, src, dst), daemon=True).start()

    def _pump(self, pair, src: socket.socket, dst: socket.socket) -> None:
        try:
            while not self.closed and pair in self.pairs:
                if self.mode == "stall":
                    time.sleep(0.02)  # read nothing, forward nothing
                    continue
                ready, _, _ = select.select([src], [], [], 0.1)
                if not ready or self.mode == "stall":
                    continue
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except (OSError, ValueError):
            pass
        with self.lock:
            if pair in self.pairs:
                self.pairs.discard(pair)
                self._close(pair)

    @staticmethod
    def _abort(pair) -> None:
        for sock in pair:
            try:  # linger 0: close sends RST, like a crashed server or a dropped route
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                sock.close()
            except OSError:
                pass

    @staticmethod
    def _close(pair) -> None:
        for sock in pair:
            with contextlib.suppress(OSError):
                sock.close()

    def cut(self) -> None:
        with self.lock:
            self.mode = "cut"
            if self.listener is not None:
                self.listener.close()  # new connections: "connection refused"
                self.listener = None
            pairs, self.pairs = self.pairs, set()
            for pair in pairs:
                self._abort(pair)

    def stall(self) -> None:
        with self.lock:
            self.mode = "stall"

    def restore(self, *, failover: bool = False) -> None:
        """Forward again; with `failover`, the connections of before stay black holes.

        That is a failover or a partition that healed on a new path: the old connections are
        never answered again, not even with a reset, and only new ones reach the database.
        """
        with self.lock:
            if failover:
                self.dead |= self.pairs  # their pumps stop; the sockets stay open and silent
                self.pairs = set()
            if self.listener is None:
                self._listen()
            self.mode = "up"

    def close(self) -> None:
        self.cut()
        with self.lock:
            for pair in self.dead:
                self._abort(pair)
            self.dead = set()
        self.closed = True


# --- The app -----------------------------------------------------------------------------------
def free_port(base: int, taken: set[int]) -> int:
    if not base:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]
    for port in range(base, base + 100):
        if port in taken:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit(f"no free port in {base}-{base + 99}")


def app_env(database_url: str, cache_dir: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="bench.faults_settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="faults-only-secret-key-not-for-production-6d1e9b3f7a",
        JWT_SIGNING_KEY="faults-only-jwt-signing-key-not-for-production-2c8f4a",
        JWT_ACCESS_MINUTES="120",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_LOG_LEVEL="WARNING",
        DJANGO_CACHE_LOCATION=cache_dir,
    )
    # Short limits keep the run short; set any of them in the environment to try others
    # (e.g. DJANGO_DB_NO_ANSWER_TIMEOUT=0 switches the no-answer deadline off: failovers fail).
    for name, value in (
        ("DJANGO_CONN_MAX_AGE", "60"),
        ("DJANGO_DB_STATEMENT_TIMEOUT", "3"),
        ("DJANGO_DB_NO_ANSWER_TIMEOUT", "4"),
        ("DJANGO_DB_CONNECT_TIMEOUT", "2"),
        ("DJANGO_DB_RETRY_AFTER", "2"),
    ):
        env.setdefault(name, value)
    env.pop("DJANGO_API_THROTTLE", None)
    return env


def prepare_database(database_url: str, env: dict) -> None:
    import psycopg

    server, name = database_url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            log(f"created database {name}")
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    script = (
        "from django.contrib.auth import get_user_model;"
        "U = get_user_model();"
        "u = U.objects.filter(username='faults-admin').first() or U(username='faults-admin');"
        "u.is_staff = u.is_superuser = u.is_active = True;"
        f"u.set_password('{PASSWORD}'); u.save()"
    )
    subprocess.run(
        [PYTHON, "manage.py", "shell", "--no-imports", "-c", script], cwd=ROOT, env=env, check=True
    )


class App:
    """gunicorn with the production config, on a loopback port."""

    def __init__(self, port: int, env: dict, log_path: Path, workers: int, threads: int):
        self.port = port
        self.log_path = log_path
        env = {**env, "GUNICORN_WORKERS": str(workers), "GUNICORN_THREADS": str(threads)}
        cmd = [GUNICORN, "ecommerce_admin.wsgi", "--config", str(ROOT / "gunicorn.conf.py")]
        cmd += ["--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null"]
        cmd += ["--error-logfile", str(log_path)]
        with open(log_path, "ab") as output:  # the app's own warnings (one per 503) go here
            self.process = subprocess.Popen(
                cmd,
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=output,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {log_path}")
            try:
                status, _, _ = request(port, "GET", "/api/health", timeout=5)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        raise SystemExit(f"gunicorn did not start in 60 s; see {log_path}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def request(port, method, path, body=None, token=None, timeout=30.0, conn=None):
    """One request → (status, json body or None, headers). Raises OSError on transport errors."""
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        conn.request(
            method, path, body=json.dumps(body) if body is not None else None, headers=headers
        )
        response = conn.getresponse()
        raw = response.read()
        try:
            data = json.loads(raw)
        except ValueError:
            data = None
        return response.status, data, dict(response.getheaders())
    finally:
        if own:
            conn.close()


# --- Clients -----------------------------------------------------------------------------------
@dataclass
class Call:
    kind: str
    start: float
    end: float
    status: int | str  # HTTP status, or the transport error's name
    ok: bool  # the answer the client wanted (200 status 1, or the expected duplicate 400)
    body_ok: bool = True  # 503s: the contract's body and a Retry-After header


@dataclass
class Client:
    number: int
    port: int
    token: str
    group: int
    run: str
    stop: threading.Event
    calls: list[Call] = field(default_factory=list)
    adds: dict[str, str] = field(default_factory=dict)  # email → "acked" | "pending"
    statuses: dict[int, list[tuple[int, bool]]] = field(default_factory=dict)  # id → [(v, acked)]
    pending_email: str | None = None
    counter: int = 0

    def __post_init__(self):
        self.rng = random.Random(self.number)
        self.conn: http.client.HTTPConnection | None = None

    def call(self, kind, method, path, body=None):
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        start = time.monotonic()
        try:
            status, data, headers = request(
                self.port, method, path, body, self.token, conn=self.conn
            )
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            self.conn = None
            call = Call(kind, start, time.monotonic(), type(exc).__name__, False)
            self.calls.append(call)
            return call, None
        call = Call(kind, start, time.monotonic(), status, False)
        if status == 503:
            retry = headers.get("Retry-After", "")
            call.body_ok = data == UNAVAILABLE and retry.isdigit()
        if headers.get("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        self.calls.append(call)
        return call, data

    def email(self) -> str:
        if self.pending_email is None:
            self.counter += 1
            self.pending_email = f"f{self.run}-{self.number}-{self.counter}@faults.test"
        return self.pending_email

    def add(self, kind="add") -> int | None:
        email = self.email()
        body = {
            "customerGroupId": self.group,
            "username": f"Fault {self.number}",
            "email": email,
            "mobileNumber": "5550100",
            "password": PASSWORD,
            "confirmPassword": PASSWORD,
            "mailStatus": 0,
            "status": 1,
        }
        retried = email in self.adds
        self.adds.setdefault(email, "pending")
        call, data = self.call(kind, "POST", "/api/customer", body)
        if call.status == 200 and data and data.get("status") == 1:
            call.ok = True
            self.adds[email] = "acked"
            self.pending_email = None
            return data["data"]["id"]
        if retried and call.status == 400 and data and data.get("message") == EMAIL_TAKEN:
            call.ok = True  # an earlier attempt whose answer was lost did store it
            self.adds[email] = "stored-earlier"
            self.pending_email = None
        return None

    def set_status(self) -> None:
        if not self.statuses:
            return
        customer = self.rng.choice(sorted(self.statuses))
        value = self.rng.randint(0, 1)
        entry = [value, False]
        self.statuses[customer].append(entry)
        call, data = self.call(
            "status",
            "POST",
            "/api/customer/bulk-status",
            {"customerIds": [customer], "statusId": value},
        )
        if call.status == 200 and data and data.get("status") == 1:
            call.ok = entry[1] = True

    def read(self, kind: str) -> None:
        path = {
            "list": "/api/customer?limit=20",
            "count": "/api/customer?count=1",
            "counts": "/api/customer/customer-count",
        }[kind]
        call, data = self.call(kind, "GET", path)
        call.ok = call.status == 200 and bool(data) and data.get("status") == 1

    def setup(self, owned: int) -> None:
        while len(self.statuses) < owned:
            customer = self.add("setup")
            if customer is not None:
                self.statuses[customer] = [[1, True]]

    def run_loop(self) -> None:
        while not self.stop.is_set():
            r = self.rng.random()
            if r < 0.25:
                self.add()
            elif r < 0.5:
                self.set_status()
            else:
                self.read(self.rng.choice(["list", "count", "counts"]))


def health_prober(port: int, stop: threading.Event, samples: list) -> None:
    while not stop.is_set():
        start = time.monotonic()
        try:
            status, _data, _ = request(port, "GET", "/api/health", timeout=HEALTH_LIMIT + 5)
        except (OSError, http.client.HTTPException) as exc:
            status = type(exc).__name__
        samples.append((start, time.monotonic() - start, status))
        stop.wait(0.5)


# --- Checks ------------------------------------------------------------------------------------
def terminate_backends(direct_url: str, name: str) -> int:
    import psycopg

    with psycopg.connect(direct_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
            [name],
        ).fetchall()
    return len(rows)


def verify_writes(direct_url: str, clients: list[Client], run: str) -> tuple[list, dict]:
    import psycopg

    failures = []
    with psycopg.connect(direct_url) as conn:
        rows = conn.execute(
            "SELECT lower(email), count(*) FROM customers_customer "
            "WHERE email LIKE %s GROUP BY lower(email)",
            [f"f{run}-%"],
        ).fetchall()
        stored = dict(rows)
        ids = [c for client in clients for c in client.statuses]
        active = dict(
            conn.execute(
                "SELECT id, is_active FROM customers_customer WHERE id = ANY(%s)", [ids]
            ).fetchall()
        )
    acked = [e for client in clients for e, s in client.adds.items() if s != "pending"]
    tried = [e for client in clients for e in client.adds]
    missing = [e for e in acked if stored.get(e, 0) != 1]
    if missing:
        failures.append(f"{len(missing)} acknowledged adds not stored exactly once: {missing[:3]}")
    doubles = [e for e, n in stored.items() if n > 1]
    if doubles:
        failures.append(f"{len(doubles)} emails stored twice: {doubles[:3]}")
    strangers = set(stored) - set(tried)
    if strangers:
        failures.append(f"{len(strangers)} rows nobody added: {sorted(strangers)[:3]}")
    lost = []
    status_acked = 0
    for client in clients:
        for customer, writes in client.statuses.items():
            status_acked += sum(1 for _, ok in writes if ok)
            last = max(i for i, (_, ok) in enumerate(writes) if ok)
            allowed = {writes[last][0]} | {v for v, _ in writes[last + 1 :]}
            if int(active.get(customer, -1)) not in allowed:
                lost.append(customer)
    if lost:
        failures.append(f"acknowledged status changes lost on customers {lost[:5]}")
    figures = {
        "adds acknowledged": len(acked),
        "adds stored (of those tried)": sum(1 for e in tried if stored.get(e)),
        "adds tried": len(tried),
        "status changes acknowledged": status_acked,
        "status changes lost": len(lost),
    }
    return failures, figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("FAULTS_DATABASE_URL") or DEFAULT_DATABASE_URL
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--outage", type=float, default=5.0)
    parser.add_argument("--stall", type=float, default=8.0)
    parser.add_argument("--failover", type=float, default=5.0)
    parser.add_argument("--recovery", type=float, default=7.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--port-base", type=int, default=int(os.environ.get("FAULTS_PORT_BASE", 0)))
    args = parser.parse_args(argv)

    direct = args.database_url
    upstream_host_port = direct.split("@", 1)[1].split("/", 1)[0]
    host, _, port = upstream_host_port.partition(":")
    upstream = (host or "127.0.0.1", int(port or 5432))
    name = direct.rsplit("/", 1)[1]
    run = f"{int(time.time()) % 100000:05d}"
    work = Path(tempfile.mkdtemp(prefix="faults-"))

    prepare_database(direct, app_env(direct, str(work / "cache")))
    proxy = FaultProxy(free_port(args.port_base, set()), upstream)
    proxied = direct.replace(upstream_host_port, f"127.0.0.1:{proxy.port}")
    app_port = free_port(args.port_base, {proxy.port})
    log(
        f"proxy 127.0.0.1:{proxy.port} → {upstream[0]}:{upstream[1]}; gunicorn :{app_port} "
        f"({args.workers} workers x {args.threads} threads); run {run}"
    )
    app = App(
        app_port,
        app_env(proxied, str(work / "cache")),
        work / "gunicorn.log",
        args.workers,
        args.threads,
    )
    stop = threading.Event()
    clients: list[Client] = []
    health: list[tuple[float, float, int | str]] = []
    faults: list[tuple[str, float, float]] = []  # (kind, start, restored)
    try:
        status, data, _ = request(
            app_port, "POST", "/api/auth/login", {"username": "faults-admin", "password": PASSWORD}
        )
        if status != 200:
            raise SystemExit(f"login failed: {status} {data}")
        token = data["data"]["token"]
        status, data, _ = request(app_port, "GET", "/api/customer-group?limit=1", token=token)
        group = data["data"][0]["groupId"] if status == 200 and data.get("data") else 1
        clients = [Client(i, app_port, token, group, run, stop) for i in range(args.clients)]
        for client in clients:
            client.setup(owned=3)
        threads = [threading.Thread(target=c.run_loop, daemon=True) for c in clients]
        threads.append(
            threading.Thread(target=health_prober, args=(app_port, stop, health), daemon=True)
        )
        for thread in threads:
            thread.start()
        time.sleep(3)
        for number in range(1, args.rounds + 1):
            for kind, seconds in (
                ("outage", args.outage),
                ("stall", args.stall),
                ("failover", args.failover),
                ("terminate", 0.0),
            ):
                log(f"round {number}: {kind} {seconds:g} s")
                start = time.monotonic()
                if kind == "outage":
                    proxy.cut()
                elif kind in ("stall", "failover"):
                    proxy.stall()
                else:
                    killed = terminate_backends(direct, name)
                    log(f"  terminated {killed} server connections")
                time.sleep(seconds)
                proxy.restore(failover=kind == "failover")
                restored = time.monotonic()
                faults.append((kind, start, restored))
                time.sleep(args.recovery)
        stop.set()
        for thread in threads:
            thread.join(timeout=40)
    finally:
        stop.set()
        app.stop()
        proxy.close()

    if os.environ.get("FAULTS_DEBUG"):
        for kind, start, restored in faults:
            for client in clients:
                for c in client.calls:
                    if c.end >= start - 1 and c.start <= restored + 1:
                        log(
                            f"{kind} c{client.number} {c.kind} {c.start - start:+.2f} "
                            f"→ {c.end - start:+.2f} {c.status}"
                        )
        t0 = faults[0][1] if faults else 0
        for client in clients:
            for c in client.calls:
                if not str(c.status).isdigit():
                    log(
                        f"transport c{client.number} {c.kind} {c.start - t0:+.2f} → "
                        f"{c.end - t0:+.2f} {c.status}"
                    )
        for t, d, s in health:
            log(f"health {t - t0:+.2f} {d:.2f} {s}")
        log(f"faults {[(k, round(a - t0, 2), round(b - t0, 2)) for k, a, b in faults]}")
    failures, figures = evaluate(clients, health, faults, args)
    write_failures, write_figures = verify_writes(direct, clients, run)
    failures += write_failures
    figures.update(write_figures)
    print(
        f"\nFault test (API.md §10): {args.rounds} rounds of outage {args.outage:g} s, "
        f"stall {args.stall:g} s, failover {args.failover:g} s and terminate, each followed by "
        f"{args.recovery:g} s of service; {args.clients} clients, "
        f"{args.workers} gunicorn workers x {args.threads} threads"
    )
    per_fault = figures.pop("per fault (requests sent while it lasted)")
    for key, value in figures.items():
        print(f"  {key:<42} {value}")
    print(f"  per fault (requests sent while it lasted):{per_fault}")
    if failures:
        print("FAIL")
        for failure in failures:
            print(f"  - {failure}")
        print(f"  (gunicorn log: {work / 'gunicorn.log'})")
        return 1
    print("PASS")
    return 0


def evaluate(clients, health, faults, args) -> tuple[list[str], dict]:
    calls = [call for client in clients for call in client.calls]
    failures: list[str] = []
    statuses = Counter(str(call.status) for call in calls)
    if statuses.get("500"):
        failures.append(f"{statuses['500']} answers were 500")
    transport = {k: v for k, v in statuses.items() if not k.isdigit()}
    if transport:
        failures.append(f"requests without an HTTP answer: {transport}")
    bad_503 = sum(1 for call in calls if call.status == 503 and not call.body_ok)
    if bad_503:
        failures.append(f"{bad_503} 503s without the contract's body or a Retry-After header")
    first_success = []
    per_fault: list[str] = []
    for index, (kind, start, restored) in enumerate(faults):
        end = faults[index + 1][1] if index + 1 < len(faults) else float("inf")
        during = [c for c in calls if start <= c.start <= restored]
        label = f"{kind} #{index // 4 + 1}"
        ok_after = [c.end - restored for c in calls if c.ok and c.start >= restored]
        per_fault.append(
            f"  {label:<14} {restored - start:5.1f} s  sent {len(during):5d}  "
            f"503 {sum(1 for c in during if c.status == 503):5d}  "
            f"longest {max((c.end - c.start for c in during), default=0):4.1f} s  "
            f"first success after restore {min(ok_after, default=float('inf')):4.2f} s"
        )
        if kind != "terminate":
            # Sent during the fault or in flight when it began: someone must have been told 503
            # (the few requests sent during a stall may well succeed once it ends).
            touched = [c for c in calls if c.end >= start and c.start <= restored]
            if not any(c.status == 503 for c in touched):
                failures.append(f"{kind} #{index // 4 + 1}: no 503 while the database was away")
            h_during = [s for t, d, s in health if start <= t <= restored - 1]
            if h_during and 503 not in h_during:
                failures.append(f"{kind} #{index // 4 + 1}: health never said 503")
        # Sent 5 s or more after the restore, answered before the next fault began.
        after = [c for c in calls if restored + RECOVERY_GRACE <= c.start and c.end < end]
        failed = [c for c in after if not c.ok]
        if failed:
            failures.append(
                f"{kind} #{index // 4 + 1}: {len(failed)} of {len(after)} requests failed "
                f"≥{RECOVERY_GRACE:g} s after recovery ({Counter(str(c.status) for c in failed)})"
            )
        first_success.append(min(ok_after) if ok_after else float("inf"))
        if not ok_after:
            failures.append(f"{label}: no request succeeded after the restore")
        h_after = [s for t, d, s in health if restored + RECOVERY_GRACE <= t and t + d < end]
        if any(s != 200 for s in h_after):
            failures.append(f"{kind} #{index // 4 + 1}: health not 200 after recovery")
    slow_health = [d for _, d, _ in health if d > HEALTH_LIMIT]
    if slow_health or any(not str(s).isdigit() for _, _, s in health):
        failures.append(f"health slower than {HEALTH_LIMIT:g} s or unanswered: {slow_health}")
    longest = max((c.end - c.start for c in calls), default=0.0)
    if longest > WAIT_LIMIT:
        failures.append(f"a request waited {longest:.1f} s (bounded waits: at most {WAIT_LIMIT:g})")
    figures = {
        "requests": len(calls),
        "answers by status": dict(sorted(statuses.items())),
        "503s": statuses.get("503", 0),
        "500s": statuses.get("500", 0),
        "longest wait (s)": f"{longest:.2f}",
        "health probes / longest (s)": f"{len(health)} / "
        f"{max((d for _, d, _ in health), default=0):.2f}",
        "slowest first success after a restore (s)": f"{max(first_success, default=0):.2f}",
    }
    figures["per fault (requests sent while it lasted)"] = "\n" + "\n".join(per_fault)
    return failures, figures


if __name__ == "__main__":
    sys.exit(main())
