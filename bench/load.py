#!/usr/bin/env python
"""A bounded load test with a correctness check: mixed traffic through gunicorn, then the database
is compared with everything the client saw.

    .venv/bin/python bench/load.py                      # 100k customers, 60 s, 16 clients
    .venv/bin/python bench/load.py --seconds 20 --concurrency 8 --customers 20000

1. Database `bench_load` (override with --database-url): created if missing, migrated, seeded
   with bench/seed.py unless it already holds that seed.
2. One gunicorn (gunicorn.conf.py, DJANGO_DEBUG=0 with test keys, no SSL redirect, allowed host
   127.0.0.1) on a free loopback port; stopped at the end whatever happens.
3. `--concurrency` client threads (http.client, one keep-alive connection each) send for
   `--seconds`: 70% reads (list pages with filters, detail, counts, group list), 20% adds and
   updates (PUT and bulk status), 10% deletes (single and bulk of 2-5). A few writes are meant to
   be refused (an add with a taken email, deleting a vendor that has products).
   Most writes go to customers the thread owns (a slice of the seed plus what it adds): the
   order of the writes to one of them is the thread's order, so the expected final state is
   exact. 30% of the PUTs and bulk status changes go to 16 shared customers all threads race on;
   those are checked by replaying the successful writes in audit-event (= row lock) order.
   More races: ecommerce_admin/tests/test_concurrency_api.py.
4. Verification against the database: every add the client saw succeed exists with the data it
   sent (and the id it was told); every update/status change seen succeeding is there unless a
   later seen-successful write of the same thread changed it; every delete seen succeeding is a
   soft delete; refused writes changed nothing; no other customer row was created or changed
   (created set by the run's email prefix, row counts, `updated_at` since the start); the audit
   trail holds exactly one event per successful write, with the right action, ids and actor.
5. Report: requests, req/s, statuses by kind, p50/p99 per kind, then PASS or FAIL (exit 1).

The client's log of writes is saved in bench/results/load-<run>.json (git-ignored).
"""

import argparse
import http.client
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import seed as seeder  # noqa: E402
from bench.run import PG_SERVER, Server, ensure_database, log, server_env  # noqa: E402

EMAIL_DOMAIN = "load.test"
PASSWORD = "Load-test-pass1"
# The refusals the client provokes on purpose (API.md §8).
EMAIL_TAKEN = "A Customer is already registered with this email Id."
VENDOR_HAS_PRODUCTS = (
    "This customer have vendor account, you have to first delete the products mapped to this "
    "Vendor."
)
AUDIT_ACTION = {
    "add": "customer.create",
    "update": "customer.update",
    "bulk-status": "customer.bulk_status",
    "delete": "customer.delete",
    "bulk-delete": "customer.bulk_delete",
}
READ_KINDS = [
    # (kind, weight within the 70% of reads)
    ("list", 15),
    ("list filtered", 25),
    ("detail", 25),
    ("count filtered", 15),
    ("customer-count", 4),
    ("today-count", 4),
    ("groups", 12),
]
# (kind, share of all requests) for writes: 20% adds/updates, 10% deletes.
# Shared customers every client updates (PUT, bulk status; never deleted): real races.
HOT_CUSTOMERS = 16
HOT_SHARE = 0.3  # of the updates and status changes
WRITE_KINDS = [
    ("add", 0.095),
    ("add duplicate", 0.005),
    ("update", 0.07),
    ("bulk-status", 0.03),
    ("delete", 0.055),
    ("delete vendor", 0.005),
    ("bulk-delete", 0.04),
]
FIELDS = (
    "email",
    "first_name",
    "last_name",
    "mobile_number",
    "customer_group_id",
    "is_active",
    "newsletter",
    "mail_status",
)


def pick_write(r: float) -> str:
    """The write kind for `r` in [0, 0.30): WRITE_KINDS' shares laid end to end."""
    for kind, share in WRITE_KINDS:
        if r < share:
            return kind
        r -= share
    return WRITE_KINDS[-1][0]


@dataclass
class Plan:
    """What every client may touch: read-only ids, the owned slices, groups, vendors."""

    port: int
    token: str
    run: str
    deadline: float
    groups: list[int]
    read_ids: list[int]
    taken_emails: list[str]
    vendor_ids: list[int]
    owned: list[list[int]]
    hot: list[int]
    hot_active: dict  # is_active of each shared customer before the run
    months: list[str]


@dataclass
class Client:
    index: int
    plan: Plan
    rng: random.Random
    latencies: dict = field(default_factory=lambda: defaultdict(list))
    statuses: Counter = field(default_factory=Counter)
    writes: list = field(default_factory=list)  # every write attempted, with its outcome
    unexpected: list = field(default_factory=list)
    expected: dict = field(default_factory=dict)  # id → {field: value} the client set
    deleted: set = field(default_factory=set)
    added: int = 0
    updated: int = 0

    def __post_init__(self):
        self.alive = list(self.plan.owned[self.index])
        self.conn = self._connect()
        self.headers = {
            "Authorization": f"Bearer {self.plan.token}",
            "Content-Type": "application/json",
            "Connection": "keep-alive",
        }

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.plan.port, timeout=60)

    # --- HTTP -----------------------------------------------------------------------------
    def call(self, kind: str, method: str, path: str, body=None) -> tuple[int | str, dict | None]:
        payload = json.dumps(body) if body is not None else None
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=payload, headers=self.headers)
            response = self.conn.getresponse()
            raw = response.read()
            status: int | str = response.status
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            self.conn = self._connect()
            status, raw = f"conn:{type(exc).__name__}", b""
        self.latencies[kind].append(time.perf_counter() - started)
        self.statuses[(kind, status)] += 1
        try:
            data = json.loads(raw) if raw else None
        except ValueError:
            data = None
        return status, data

    # --- Traffic --------------------------------------------------------------------------
    def run(self) -> None:
        read_weights = [w for _, w in READ_KINDS]
        while time.monotonic() < self.plan.deadline:
            r = self.rng.random()
            if r < 0.70:
                kind = self.rng.choices([k for k, _ in READ_KINDS], read_weights)[0]
                self.read(kind)
                continue
            self.write(pick_write(r - 0.70))
        self.conn.close()

    def read(self, kind: str) -> None:
        rng, plan = self.rng, self.plan
        if kind == "list":
            path = f"/api/customer?limit=20&offset={rng.choice([0, 0, 0, 20, 40, 200])}"
        elif kind in ("list filtered", "count filtered"):
            filters = rng.choice(
                [
                    f"name={rng.choice(seeder.FIRST_NAMES)}",
                    f"status={rng.randint(0, 1)}",
                    f"customerGroup={rng.choice(plan.groups)}",
                    f"keyword={rng.choice(seeder.LAST_NAMES).lower()}",
                    f"date={rng.choice(plan.months)}",
                    f"email={rng.choice(seeder.DOMAINS)}",
                    f"status=1&customerGroup={rng.choice(plan.groups)}",
                ]
            )
            tail = "count=1" if kind == "count filtered" else "limit=20"
            path = f"/api/customer?{filters}&{tail}"
        elif kind == "detail":
            path = f"/api/admin-customer/customer-detail/{rng.choice(plan.read_ids)}"
        elif kind == "customer-count":
            path = "/api/customer/customer-count"
        elif kind == "today-count":
            path = "/api/customer/today-customercount"
        else:
            path = "/api/customer-group"
        status, _ = self.call(kind, "GET", path)
        if status != 200:
            self.unexpected.append({"kind": kind, "path": path, "status": status})

    def write(self, kind: str) -> None:
        rng, plan = self.rng, self.plan
        if kind == "add":
            self.added += 1
            email = f"{plan.run}-{self.index}-{self.added}@{EMAIL_DOMAIN}"
            state = {
                "email": email,
                "first_name": f"Load{self.index}n{self.added}",
                "last_name": rng.choice(seeder.LAST_NAMES),
                "mobile_number": f"+44{rng.randint(10**9, 10**10 - 1)}",
                "customer_group_id": rng.choice(plan.groups),
                "is_active": rng.random() < 0.9,
                "newsletter": rng.random() < 0.5,
                "mail_status": False,
            }
            body = self.body(state) | {
                "email": email,
                "password": PASSWORD,
                "confirmPassword": PASSWORD,
            }
            self.attempt("add", "POST", "/api/customer", body, [], state)
        elif kind == "add duplicate":
            state = {"email": rng.choice(plan.taken_emails), "first_name": "Duplicate"}
            body = {
                "customerGroupId": rng.choice(plan.groups),
                "username": "Duplicate",
                "email": state["email"].upper(),
                "mobileNumber": "1234567",
                "password": PASSWORD,
                "confirmPassword": PASSWORD,
                "mailStatus": 0,
                "status": 1,
            }
            self.attempt(kind, "POST", "/api/customer", body, [], state, refusal=EMAIL_TAKEN)
        elif kind == "delete vendor":
            pk = rng.choice(plan.vendor_ids)
            path = f"/api/customer/{pk}"
            self.attempt(kind, "DELETE", path, None, [pk], {}, refusal=VENDOR_HAS_PRODUCTS)
        elif not self.alive:
            self.read("groups")  # nothing left to write to: a read instead
        elif kind == "update":
            hot = rng.random() < HOT_SHARE
            pk = rng.choice(plan.hot if hot else self.alive)
            self.updated += 1
            state = {
                "first_name": f"Upd{self.index}n{self.updated}",  # unique: finds its audit event
                "last_name": rng.choice(seeder.LAST_NAMES),
                "mobile_number": f"+49{rng.randint(10**8, 10**9 - 1)}",
                "customer_group_id": rng.choice(plan.groups),
                "is_active": rng.random() < 0.8,
                "newsletter": rng.random() < 0.5,
                "mail_status": rng.random() < 0.5,
            }
            path = f"/api/customer/{pk}"
            self.attempt(kind, "PUT", path, self.body(state), [pk], state, hot=hot)
        elif kind == "bulk-status":
            hot = rng.random() < HOT_SHARE
            pool = plan.hot if hot else self.alive
            ids = rng.sample(pool, min(len(pool), rng.randint(1, 5)))
            state = {"is_active": rng.random() < 0.5}
            body = {"customerIds": ids, "statusId": int(state["is_active"])}
            self.attempt(kind, "POST", "/api/customer/bulk-status", body, ids, state, hot=hot)
        elif kind == "delete":
            pk = rng.choice(self.alive)
            self.attempt(kind, "DELETE", f"/api/customer/{pk}", None, [pk], {})
        else:  # bulk-delete
            ids = rng.sample(self.alive, min(len(self.alive), rng.randint(2, 5)))
            body = {"customerId": ids}
            self.attempt(kind, "POST", "/api/customer/delete-customer", body, ids, {})

    @staticmethod
    def body(state: dict) -> dict:
        return {
            "customerGroupId": state["customer_group_id"],
            "username": state["first_name"],
            "lastName": state["last_name"],
            "mobileNumber": state["mobile_number"],
            "newsletter": int(state["newsletter"]),
            "mailStatus": int(state["mail_status"]),
            "status": int(state["is_active"]),
        }

    def attempt(self, kind, method, path, body, ids, state, *, refusal=None, hot=False):
        status, data = self.call(kind, method, path, body)
        message = (data or {}).get("message") if isinstance(data, dict) else None
        ok = status == 200
        entry = {"kind": kind, "ids": ids, "sent": state, "status": status, "message": message}
        entry["hot"] = hot
        self.writes.append(entry)
        if refusal is not None:
            if status != 400 or message != refusal:
                self.unexpected.append(entry)
            return
        if not ok:
            self.unexpected.append(entry)
            return
        if kind == "add":
            pk = data["data"]["id"]
            entry["ids"] = [pk]
            self.expected[pk] = dict(state)
            self.alive.append(pk)
        elif hot:
            pass  # shared customers: checked in the order the database serialised the writes
        elif kind in ("update", "bulk-status"):
            for pk in ids:
                self.expected.setdefault(pk, {}).update(state)
        else:
            for pk in ids:
                self.deleted.add(pk)
                self.alive.remove(pk)


# --- Setup ------------------------------------------------------------------------------------
def prepare(database_url: str, concurrency: int, per_client: int, rng: random.Random) -> dict:
    """Pick the ids each client may write to and the ones only read, from the seeded data."""
    import psycopg

    with psycopg.connect(database_url) as conn:
        vendor_ids = [
            r[0]
            for r in conn.execute(
                """SELECT DISTINCT v.customer_id FROM sales_vendor v
                   JOIN sales_product p ON p.vendor_id = v.id
                   JOIN customers_customer c ON c.id = v.customer_id
                   WHERE NOT c.is_deleted AND c.customer_group_id IS NOT NULL LIMIT 50"""
            )
        ]
        wanted = concurrency * per_client + 2000 + HOT_CUSTOMERS
        free = [
            r[0]
            for r in conn.execute(
                f"""SELECT id FROM customers_customer c
                    WHERE NOT is_deleted AND email NOT LIKE '%%@{EMAIL_DOMAIN}'
                      AND NOT EXISTS (SELECT 1 FROM sales_vendor v WHERE v.customer_id = c.id)
                    ORDER BY random() LIMIT %s""",
                [wanted],
            )
        ]
        if len(free) < wanted:
            sys.exit(f"only {len(free)} live customers to use; reseed (--reseed) or use fewer")
        read_ids, hot, owned_ids = (
            free[:2000],
            free[2000 : 2000 + HOT_CUSTOMERS],
            free[2000 + HOT_CUSTOMERS :],
        )
        taken = [
            r[0]
            for r in conn.execute(
                "SELECT email FROM customers_customer WHERE id = ANY(%s)", [read_ids[:200]]
            )
        ]
        groups = [r[0] for r in conn.execute("SELECT id FROM customers_customergroup")]
        lo, hi = conn.execute(
            "SELECT min(created_at), max(created_at) FROM customers_customer"
        ).fetchone()
        months = sorted({f"{y}-{m:02d}" for y in range(lo.year, hi.year + 1) for m in range(1, 13)})
        hot_active = dict(
            conn.execute(
                "SELECT id, is_active FROM customers_customer WHERE id = ANY(%s)", [hot]
            ).fetchall()
        )
    return {
        "vendor_ids": vendor_ids,
        "read_ids": read_ids,
        "taken_emails": taken,
        "groups": groups,
        "owned": [owned_ids[i::concurrency] for i in range(concurrency)],
        "hot": hot,
        "hot_active": hot_active,
        "months": months,
    }


def snapshot(database_url: str) -> dict:
    import psycopg

    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            """SELECT (SELECT count(*) FROM customers_customer),
                      (SELECT count(*) FROM customers_customer WHERE NOT is_deleted),
                      (SELECT coalesce(max(id), 0) FROM customers_customer),
                      (SELECT coalesce(max(id), 0) FROM audit_auditevent),
                      now()"""
        ).fetchone()
    return dict(zip(("rows", "alive", "max_id", "max_event", "at"), row, strict=True))


# --- Verification -----------------------------------------------------------------------------
def verify(database_url: str, clients: list[Client], before: dict, run: str, user_id: int):
    """Every check as (description, passed, detail)."""
    import psycopg

    checks: list[tuple[str, bool, str]] = []
    writes = [w for c in clients for w in c.writes]
    ok_writes = [w for w in writes if w["status"] == 200]
    added = {w["sent"]["email"]: w["ids"][0] for w in ok_writes if w["kind"] == "add"}
    deleted = set().union(*(c.deleted for c in clients))
    expected = {}
    for client in clients:
        expected.update(client.expected)
    hot = set(clients[0].plan.hot)
    hot_ok = [w for w in ok_writes if w["hot"]]
    touched = set(expected) | deleted | {pk for w in hot_ok for pk in w["ids"]}

    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            f"""SELECT id, {", ".join(FIELDS)}, is_deleted, deleted_at IS NOT NULL
                FROM customers_customer WHERE id = ANY(%s)""",
            [sorted(touched | hot | {pk for c in clients for pk in c.plan.vendor_ids})],
        ).fetchall()
        db = {
            r[0]: {**dict(zip(FIELDS, r[1:-2], strict=True)), "is_deleted": r[-2], "has_at": r[-1]}
            for r in rows
        }
        prefix_rows = dict(
            conn.execute(
                "SELECT email, id FROM customers_customer WHERE email LIKE %s",
                [f"{run}-%@{EMAIL_DOMAIN}"],
            ).fetchall()
        )
        rows_now, alive_now = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE NOT is_deleted) FROM customers_customer"
        ).fetchone()
        changed = {
            r[0]
            for r in conn.execute(
                "SELECT id FROM customers_customer WHERE updated_at >= %s OR created_at >= %s "
                "OR id > %s",
                [before["at"], before["at"], before["max_id"]],
            )
        }
        events = conn.execute(
            """SELECT id, action, object_ids, actor_id, source, changes FROM audit_auditevent
               WHERE id > %s ORDER BY id""",
            [before["max_event"]],
        ).fetchall()
        targets = conn.execute(
            "SELECT count(*) FROM audit_auditeventtarget WHERE event_id > %s",
            [before["max_event"]],
        ).fetchone()[0]

    def check(description: str, passed: bool, detail: str = "") -> None:
        checks.append((description, bool(passed), detail))

    check(
        "customers created = the adds seen succeeding (by email and id)",
        prefix_rows == added,
        f"{len(added)} seen, {len(prefix_rows)} in the database"
        + (
            ""
            if prefix_rows == added
            else f"; diff {set(prefix_rows.items()) ^ set(added.items())}"
        ),
    )
    wrong = []
    for pk, fields in expected.items():
        row = db.get(pk)
        if row is None or any(row[f] != v for f, v in fields.items()):
            wrong.append((pk, fields, row))
    check(
        "every add/update/status change seen succeeding is in the row (last write wins)",
        not wrong,
        f"{len(expected)} customers checked" + (f"; first mismatch {wrong[0]}" if wrong else ""),
    )
    not_deleted = [pk for pk in deleted if not (db[pk]["is_deleted"] and db[pk]["has_at"])]
    check(
        "every delete seen succeeding is a soft delete",
        not not_deleted and all(pk in db for pk in deleted),
        f"{len(deleted)} deleted" + (f"; not deleted: {not_deleted[:10]}" if not_deleted else ""),
    )
    still = [pk for pk in touched - deleted if db[pk]["is_deleted"]]
    vendors = {pk for c in clients for pk in c.plan.vendor_ids}
    vendor_gone = [pk for pk in vendors if db[pk]["is_deleted"]]
    check(
        "no other customer of the run deleted (refused vendor deletes included)",
        not still and not vendor_gone,
        f"{still[:10]} {vendor_gone[:10]}" if still or vendor_gone else "",
    )
    extra = changed - touched
    check(
        "no row created or changed that the client did not see succeed",
        not extra,
        f"{len(changed)} rows changed since the start"
        + (f"; extra {sorted(extra)[:10]}" if extra else ""),
    )
    check(
        "row counts: total = before + adds; live = before + adds - deletes",
        rows_now == before["rows"] + len(added)
        and alive_now == before["alive"] + len(added) - len(deleted),
        f"total {before['rows']} → {rows_now}, live {before['alive']} → {alive_now}",
    )
    problems, replayed = replay_hot(clients[0].plan.hot_active, hot_ok, events)
    wrong_hot = [
        (pk, fields, db.get(pk))
        for pk, fields in replayed.items()
        if any(db[pk][f] != v for f, v in fields.items())
    ]
    check(
        "shared customers: the writes seen succeeding, replayed in audit (= lock) order, give "
        "the final rows (no lost update)",
        not problems and not wrong_hot,
        f"{len(hot_ok)} writes on {len(hot)} shared customers"
        + (f"; {problems[:3]}" if problems else "")
        + (f"; first mismatch {wrong_hot[0]}" if wrong_hot else ""),
    )
    want = Counter((AUDIT_ACTION[w["kind"]], tuple(sorted(w["ids"]))) for w in ok_writes)
    got = Counter((action, tuple(sorted(ids))) for _, action, ids, *_ in events)
    check(
        "audit trail: exactly one event per successful write (action and ids)",
        want == got,
        f"{len(ok_writes)} successful writes, {len(events)} events"
        + (
            ""
            if want == got
            else f"; missing {list((want - got).items())[:5]}; "
            f"extra {list((got - want).items())[:5]}"
        ),
    )
    check(
        "audit events: actor = the client's staff user, source = api; one target row per id",
        all(actor == user_id and source == "api" for _, _, _, actor, source, _ in events)
        and targets == sum(len(ids) for _, _, ids, *_ in events),
        f"{targets} targets",
    )
    return checks


def sabotage(database_url: str, clients: list[Client]) -> None:
    import psycopg

    deleted = sorted(set().union(*(c.deleted for c in clients)))
    with psycopg.connect(database_url) as conn:
        conn.execute(
            "UPDATE customers_customer SET first_name = 'Sabotage', updated_at = now() "
            "WHERE id = %s",
            [clients[0].plan.read_ids[0]],
        )
        if deleted:
            conn.execute(
                "UPDATE customers_customer SET is_deleted = false, deleted_at = NULL WHERE id = %s",
                [deleted[0]],
            )
        conn.execute(  # a lost update on a shared customer
            "UPDATE customers_customer SET is_active = NOT is_active WHERE id = %s",
            [clients[0].plan.hot[0]],
        )
        conn.execute(
            "INSERT INTO audit_auditevent (created_at, actor_name, source, action, object_type, "
            "object_ids, changes, extra) VALUES (now(), '', 'api', 'customer.update', 'customer', "
            "'[1]', '{}', '{}')"
        )
    log("sabotage: 1 untouched and 1 shared customer changed, 1 delete undone, 1 audit event added")


def replay_hot(initial: dict, hot_ok: list, events: list) -> tuple[list, dict]:
    """Apply the successful writes to the shared customers in audit event order.

    Each write holds the customer's row lock from its first statement to its commit and records
    its event under it, so for one customer the event ids are the order the writes took effect.
    A PUT is found by the unique first name it set; a bulk status by its ids and the value (when
    it changed nothing, every customer already had the value it sent). `initial`: is_active of
    each shared customer before the run (only the client writes to them).
    """
    hot = set(initial)
    puts = {w["sent"]["first_name"]: w for w in hot_ok if w["kind"] == "update"}
    statuses = Counter(
        (tuple(sorted(w["ids"])), w["sent"]["is_active"])
        for w in hot_ok
        if w["kind"] == "bulk-status"
    )
    state: dict[int, dict] = {pk: {"is_active": active} for pk, active in initial.items()}
    problems = []
    for event_id, action, ids, _, _, changes in events:
        if not hot & set(ids):
            continue
        if action == "customer.update":
            write = puts.pop(changes.get("first_name", [None, None])[1], None)
            if write is None or write["ids"] != ids:
                problems.append(f"event {event_id}: no PUT seen succeeding matches it")
                continue
            state[ids[0]].update(write["sent"])
        elif action == "customer.bulk_status":
            key = tuple(sorted(ids))
            if "is_active" in changes:
                value = changes["is_active"][1]
            else:
                known = {state[pk]["is_active"] for pk in ids}
                value = known.pop() if len(known) == 1 else None  # None: it should have changed
            if not statuses[(key, value)]:
                problems.append(f"event {event_id}: no bulk status {key} = {value} seen")
                continue
            statuses[(key, value)] -= 1
            for pk in ids:
                state[pk]["is_active"] = value
        else:
            problems.append(f"event {event_id}: {action} on a shared customer")
    if puts:
        problems.append(f"PUTs seen succeeding without an event: {sorted(puts)[:5]}")
    return problems, state


# --- Report -----------------------------------------------------------------------------------
def percentile(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def report(clients, seconds, checks, args, workers, server_log: Path) -> tuple[str, bool]:
    latencies = defaultdict(list)
    statuses = Counter()
    for client in clients:
        for kind, values in client.latencies.items():
            latencies[kind].extend(values)
        statuses.update(client.statuses)
    total = sum(statuses.values())
    server_errors = sum(
        n for (_, status), n in statuses.items() if isinstance(status, str) or status >= 500
    )
    unexpected = [u for c in clients for u in c.unexpected]
    tracebacks = (
        server_log.read_text(errors="replace").count("Traceback") if server_log.exists() else 0
    )
    lines = [
        f"## Load test: {args.seconds:g} s x {args.concurrency} clients, "
        f"{args.customers:,} customers",
        "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M UTC}, {os.cpu_count()} cores, gunicorn {workers} "
        f"workers (gthread), load average at the end {os.getloadavg()[0]:.1f}",
        "",
        f"requests served: {total:,} in {seconds:.1f} s = **{total / seconds:,.0f} req/s**; "
        f"server errors (5xx or connection): {server_errors}; unexpected answers: "
        f"{len(unexpected)}; tracebacks in the server log: {tracebacks}",
        "",
        "| kind | requests | statuses | p50 ms | p99 ms |",
        "|---|---:|---|---:|---:|",
    ]
    order = [k for k, _ in READ_KINDS] + [k for k, _ in WRITE_KINDS]
    for kind in order:
        values = latencies.get(kind)
        if not values:
            continue
        by_status = ", ".join(
            f"{status}: {n}"
            for (k, status), n in sorted(statuses.items(), key=lambda i: str(i[0][1]))
            if k == kind
        )
        lines.append(
            f"| {kind} | {len(values):,} | {by_status} | {percentile(values, 50) * 1000:.1f} | "
            f"{percentile(values, 99) * 1000:.1f} |"
        )
    lines += ["", "Checks against the database:"]
    for description, passed, detail in checks:
        lines.append(
            f"- [{'ok' if passed else 'FAILED'}] {description}" + (f" ({detail})" if detail else "")
        )
    if unexpected:
        lines.append(f"- first unexpected answers: {unexpected[:5]}")
    passed = all(p for _, p, _ in checks) and server_errors == 0 and not unexpected and total > 0
    return "\n".join(lines), passed


# --- Main -------------------------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--database-url", default=f"{PG_SERVER}/bench_load")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--per-client", type=int, default=600, help="seeded customers per client")
    parser.add_argument("--random-seed", type=int, default=None)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument(
        "--sabotage",
        action="store_true",
        help="prove the checks can fail: after the run, change one untouched and one shared "
        "customer, undo one seen delete and add one audit event behind the client's back "
        "(the run must FAIL)",
    )
    args = parser.parse_args()

    rng = random.Random(args.random_seed)
    run = f"load{datetime.now(UTC):%Y%m%d%H%M%S}x{rng.randrange(16**4):04x}"
    tmp = Path(tempfile.mkdtemp(prefix="bench-load-"))
    env = server_env(args.database_url, "ecommerce_admin.settings", str(tmp / "cache"))
    env["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1"
    ensure_database(args.database_url, args.customers, env, args.reseed)

    os.environ.update(env)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from rest_framework_simplejwt.tokens import AccessToken

    user, _ = get_user_model().objects.update_or_create(
        username="load-admin",
        defaults={"is_staff": True, "is_superuser": True, "is_active": True},
    )
    try:  # since token families (API.md §2) a token must belong to a live login
        from ecommerce_admin.api.tokens import issue_for_login

        token = issue_for_login(user)[0]
    except ImportError:  # a checkout from before token families
        token = str(AccessToken.for_user(user))
    connection.close()

    picked = prepare(args.database_url, args.concurrency, args.per_client, rng)
    server = Server("load", env, args.workers, tmp, [])
    log(f"run {run}: gunicorn on {server.base}, {args.concurrency} clients for {args.seconds} s")
    try:
        # Warm every worker (imports, connections) with reads that the report does not count.
        warm = Plan(server.port, token, run, time.monotonic() + 2, **picked)
        warmers = [Client(i, warm, random.Random(i)) for i in range(args.concurrency)]
        threads = [threading.Thread(target=lambda c=c: [c.read("list") for _ in range(5)])
                   for c in warmers]  # fmt: skip
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for warmer in warmers:
            warmer.conn.close()

        before = snapshot(args.database_url)
        started = time.monotonic()
        plan = Plan(server.port, token, run, started + args.seconds, **picked)
        clients = [Client(i, plan, random.Random(rng.random())) for i in range(args.concurrency)]
        threads = [threading.Thread(target=c.run, name=f"client-{c.index}") for c in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.seconds + 120)
        elapsed = time.monotonic() - started
        if any(t.is_alive() for t in threads):
            log("some clients did not stop: FAIL")
            return 1
    finally:
        server.stop()

    if args.sabotage:
        sabotage(args.database_url, clients)
    checks = verify(args.database_url, clients, before, run, user.pk)
    text, passed = report(clients, elapsed, checks, args, args.workers, server.log_path)
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / f"{run}.json").write_text(
        json.dumps(
            {"run": run, "writes": [w for c in clients for w in c.writes], "report": text},
            default=str,
        )
    )
    print(text)
    print(f"\n{'PASS' if passed else 'FAIL'}: load test {run} (write log bench/results/{run}.json)")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
