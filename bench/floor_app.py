"""The in-run floor of bench/run.py: a bare WSGI app with no Django and no DRF.

It answers the bench's URLs with the SAME SQL our API sent for them (captured by run.py through
the Django test client and handed over in the file named by FLOOR_ROUTES) through psycopg, and
the SAME JSON (an envelope with our message; rows as dicts; built with orjson), after the same
security work every API request needs: a Bearer token checked with PyJWT (HS256, audience,
issuer, expiry) and the token user's row read and checked (active staff). run.py verifies that
its answers equal ours before measuring.

Served by gunicorn with our gunicorn.conf.py and the same worker/thread counts as ours:
    FLOOR_ROUTES=routes.json DATABASE_URL=... JWT_SIGNING_KEY=... \\
        gunicorn bench.floor_app:application --config gunicorn.conf.py

So `ours req/s / floor req/s` is what our stack (Django, DRF, django-filter, middleware, the ORM)
costs on top of the work that cannot be avoided, a ratio that means the same on any machine.
"""

import datetime
import json
import os
import threading

import jwt
import orjson
import psycopg
from psycopg.rows import dict_row

DSN = os.environ["DATABASE_URL"]
KEY = os.environ["JWT_SIGNING_KEY"]
AUDIENCE = os.environ.get("JWT_AUDIENCE", "customer-back-office")
ISSUER = os.environ.get("JWT_ISSUER", "customer-back-office")
with open(os.environ["FLOOR_ROUTES"], encoding="utf-8") as handle:
    # {"/api/customer?limit=20&offset=0": {"statements": [...], "shape": "rows", "message": ...}}
    ROUTES: dict = json.load(handle)

_local = threading.local()
JSON = [("Content-Type", "application/json")]


def _connection() -> psycopg.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None or conn.closed:
        # Autocommit, as Django runs; UTC, as Django sets for USE_TZ, so datetimes match ours.
        conn = _local.conn = psycopg.connect(DSN, autocommit=True, row_factory=dict_row)
        conn.execute("SET TIME ZONE 'UTC'")
    return conn


def _datetime(value):
    # The API's one datetime format (ecommerce_admin/api/renderers.py): UTC, microseconds, Z.
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    raise TypeError


def _answer(start_response, status: str, body: dict) -> list[bytes]:
    data = orjson.dumps(body, default=_datetime, option=orjson.OPT_PASSTHROUGH_DATETIME)
    start_response(status, [*JSON, ("Content-Length", str(len(data)))])
    return [data]


def _shape(kind: str, rows: list[dict]):
    if kind == "rows":
        for row in rows:
            row["isActive"] = int(row["isActive"])
        return rows
    if kind == "count":
        if rows and "kind" in rows[0]:  # an unfiltered count, read from the counter rows
            return sum(int(row["total"] or 0) for row in rows if row["kind"] == "customer")
        return next(iter(rows[0].values()))
    if kind == "today":
        return {"customerCount": int(next(iter(rows[0].values())) or 0)}
    if kind == "customer-count":
        sums = {row["kind"]: (int(row["total"] or 0), int(row["active"] or 0)) for row in rows}
        customers, groups = sums.get("customer", (0, 0)), sums.get("group", (0, 0))
        return {
            "totalCustomer": customers[0],
            "activeCustomer": customers[1],
            "inActiveCustomer": customers[0] - customers[1],
            "totalCustomerGroup": groups[0],
            "activeCustomerGroup": groups[1],
            "inActiveCustomerGroup": groups[0] - groups[1],
        }
    raise ValueError(kind)


def application(environ, start_response):
    query = environ.get("QUERY_STRING", "")
    route = ROUTES.get(environ["PATH_INFO"] + (f"?{query}" if query else ""))
    if route is None:
        return _answer(start_response, "404 Not Found", {"status": 0, "message": "not found"})
    header = environ.get("HTTP_AUTHORIZATION", "")
    if not header.startswith("Bearer "):
        return _answer(start_response, "401 Unauthorized", {"status": 0, "message": "no token"})
    try:
        claims = jwt.decode(header[7:], KEY, algorithms=["HS256"], audience=AUDIENCE, issuer=ISSUER)
    except jwt.InvalidTokenError:
        return _answer(start_response, "401 Unauthorized", {"status": 0, "message": "bad token"})
    rows: list[dict] = []
    with _connection().cursor() as cursor:
        for sql in route["statements"]:
            cursor.execute(sql.encode())
            rows = cursor.fetchall() if cursor.description is not None else []
            if sql.lstrip().startswith('SELECT "auth_user"'):
                user = rows[0] if rows else None
                if not (user and user["is_active"] and user["is_staff"]):
                    return _answer(
                        start_response, "401 Unauthorized", {"status": 0, "message": "inactive"}
                    )
                if str(user["id"]) != str(claims.get("user_id")):
                    return _answer(
                        start_response, "401 Unauthorized", {"status": 0, "message": "user"}
                    )
    body = {"status": 1, "message": route["message"], "data": _shape(route["shape"], rows)}
    return _answer(start_response, "200 OK", body)
