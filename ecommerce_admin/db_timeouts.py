"""Bounded waits on PostgreSQL (API.md §10): nothing waits on a dead or hung database for ever.

Layers, from the wire up:
- `connect_timeout` (≤ 3 s): opening a connection gives up.
- TCP keepalives and `tcp_user_timeout`: a peer that vanished (host down, network cut, packets
  dropped) is detected by the kernel, idle or mid-statement.
- `statement_timeout` / `lock_timeout` (server side): a statement that runs too long, or waits
  too long for a row or table lock behind another transaction, is cancelled by the server, which
  answers with an error. Exports and commands raise the limit for their own work
  (`long_statements`, `lift_statement_limits`).
- The no-answer deadline (client side): a server or proxy that accepts bytes but never answers
  (a frozen process, a stalled middlebox) defeats the three above, because the kernel keeps
  acknowledging. psycopg waits for every answer through `Connection.wait()`; each connection
  gets a `wait` that gives up after `DJANGO_DB_NO_ANSWER_TIMEOUT` (longer than
  `statement_timeout`, so a live server always cancels first), closes the connection and raises
  an `OperationalError`, which the API turns into a 503.

Rule: code that needs a longer `statement_timeout` raises it through `long_statements` (a
transaction) or `lift_statement_limits`/`command_limits` (a session), never with a bare `SET`:
the client-side deadline must grow with it, or a legitimately long statement is cut at
`DJANGO_DB_NO_ANSWER_TIMEOUT`. Lowering it with `SET LOCAL` (the admin's count) needs nothing.

The same settings apply if DATABASES["default"]["OPTIONS"]["pool"] (Django 5.1+ psycopg pool)
is switched on: the pool opens its connections with these OPTIONS, `CONN_HEALTH_CHECKS=True` makes
Django pass `check=ConnectionPool.check_connection` (checked on every checkout), and the
`connection_created` signal still installs the deadline on each checked-out connection. A pool
needs `CONN_MAX_AGE = 0`.
"""

import functools
import os
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg


def _seconds(name: str, default: float) -> float:
    raw = os.environ.get(name, "")
    return float(raw) if raw.strip() else default


def timeout_settings() -> dict[str, float]:
    """The limits, in seconds, from the environment (README: environment variables)."""
    statement = _seconds("DJANGO_DB_STATEMENT_TIMEOUT", 10)
    return {
        # psycopg enforces at least 2 s; the contract allows at most 3 s.
        "connect": min(max(_seconds("DJANGO_DB_CONNECT_TIMEOUT", 3), 2), 3),
        "statement": statement,
        "lock": _seconds("DJANGO_DB_LOCK_TIMEOUT", 5),
        "idle_in_transaction": _seconds("DJANGO_DB_IDLE_IN_TRANSACTION_TIMEOUT", 60),
        # A silent peer is given up after idle 5 s + 2 probes 2 s apart, or 5 s of
        # unacknowledged data: kernels acknowledge in milliseconds even when the server is busy.
        "keepalives_idle": _seconds("DJANGO_DB_KEEPALIVES_IDLE", 5),
        "tcp_user_timeout": _seconds("DJANGO_DB_TCP_USER_TIMEOUT", 5),
        "no_answer": _seconds("DJANGO_DB_NO_ANSWER_TIMEOUT", statement + 5 if statement else 0),
        "export_statement": _seconds("DJANGO_DB_EXPORT_STATEMENT_TIMEOUT", 600),
        "command_statement": _seconds("DJANGO_DB_COMMAND_STATEMENT_TIMEOUT", 0),
    }


def _ms(seconds: float) -> int:
    return int(seconds * 1000)


def postgres_options(options: dict, limits: dict[str, float]) -> dict:
    """`OPTIONS` for a PostgreSQL DATABASES entry: the URL's own options win where they overlap."""
    merged = dict(options)
    merged.setdefault("connect_timeout", int(limits["connect"]))
    merged.setdefault("keepalives", 1)
    merged.setdefault("keepalives_idle", max(1, int(limits["keepalives_idle"])))
    merged.setdefault("keepalives_interval", 2)
    merged.setdefault("keepalives_count", 2)
    merged.setdefault("tcp_user_timeout", _ms(limits["tcp_user_timeout"]))
    server = (
        f"-c statement_timeout={_ms(limits['statement'])} "
        f"-c lock_timeout={_ms(limits['lock'])} "
        f"-c idle_in_transaction_session_timeout={_ms(limits['idle_in_transaction'])}"
    )
    merged["options"] = f"{merged['options']} {server}" if merged.get("options") else server
    return merged


# --- The no-answer deadline --------------------------------------------------------------------
_LIMIT_ATTR = "_backoffice_no_answer_seconds"


class DatabaseNoAnswer(psycopg.OperationalError):
    """The server did not answer within the deadline; the connection was closed."""


def bound_waits(pg_connection, seconds: float) -> None:
    """Give every wait for the server on `pg_connection` (a psycopg Connection) a deadline."""
    setattr(pg_connection, _LIMIT_ATTR, seconds)
    if "wait" in vars(pg_connection):
        return
    timed_out = getattr(psycopg.errors, "_WaitTimeout", psycopg.OperationalError)
    original = pg_connection.wait  # the bound method of the class

    def wait(gen, interval=0.1, timeout=None):
        limit = getattr(pg_connection, _LIMIT_ATTR, 0) or None
        if limit is not None and timeout is not None:
            limit = min(limit, timeout)
        elif limit is None:
            limit = timeout
        try:
            return original(gen, interval=interval, timeout=limit)
        except timed_out as exc:
            if timeout is not None and limit == timeout:
                raise  # the caller's own timeout (e.g. notifies): its business
            # The answer may still come later; the protocol state is unknown: never reuse.
            pg_connection.pgconn.finish()
            raise DatabaseNoAnswer(f"no answer from the database within {limit:g} s") from exc

    pg_connection.wait = wait


def install_no_answer_deadline(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: every new PostgreSQL connection gets the deadline."""
    from django.conf import settings

    seconds = settings.DB_TIMEOUTS["no_answer"]
    if connection.vendor != "postgresql" or not seconds:
        return
    raw = connection.connection
    if raw is not None and hasattr(raw, "pgconn"):
        bound_waits(raw, seconds)


def _set_statement_limit(connection, seconds: float, *, local: bool) -> None:
    scope = "LOCAL " if local else ""
    with connection.cursor() as cursor:
        # Integers we computed, not user input.
        cursor.execute(f"SET {scope}statement_timeout = {_ms(seconds)}")
    raw = connection.connection
    if raw is not None and hasattr(raw, "pgconn"):
        # The client must wait at least as long as the server now may take.
        no_answer = seconds + 5 if seconds else 0
        bound_waits(raw, no_answer)


@contextmanager
def long_statements(connection, seconds: float | None = None) -> Iterator[None]:
    """Inside a transaction: allow this transaction's statements `seconds` (0 = no limit).

    `SET LOCAL` ends with the transaction, so the limit cannot leak into the next request that
    reuses the connection; the client-side deadline is restored on the way out.
    """
    from django.conf import settings

    if connection.vendor != "postgresql":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("long_statements() needs a transaction (SET LOCAL)")
    if seconds is None:
        seconds = settings.DB_TIMEOUTS["export_statement"]
    _set_statement_limit(connection, seconds, local=True)
    try:
        yield
    finally:
        raw = connection.connection
        if raw is not None and hasattr(raw, "pgconn") and "wait" in vars(raw):
            setattr(raw, _LIMIT_ATTR, settings.DB_TIMEOUTS["no_answer"])


def lift_statement_limits(connection, seconds: float | None = None) -> None:
    """For a management command or a migration: this session's statements may run `seconds`.

    Session-wide (`SET`), for processes that are not serving requests. 0 = no limit.
    """
    from django.conf import settings

    if connection.vendor != "postgresql":
        return
    if seconds is None:
        seconds = settings.DB_TIMEOUTS["command_statement"]
    _set_statement_limit(connection, seconds, local=False)


def restore_statement_limits(connection) -> None:
    """Back to the configured limits: `RESET` returns to the connection's startup options."""
    from django.conf import settings
    from django.db import DatabaseError

    if connection.vendor != "postgresql" or connection.connection is None:
        return
    if connection.needs_rollback:
        return  # an aborted transaction: its SET is rolled back with it
    try:
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")
    except DatabaseError:
        return  # the connection broke: it will be replaced, with the startup limits
    bound_waits(connection.connection, settings.DB_TIMEOUTS["no_answer"])


def command_limits(handle):
    """Decorates a management command's `handle`: its statements may run as long as they need
    (`DJANGO_DB_COMMAND_STATEMENT_TIMEOUT`, default none); the usual limits come back after,
    so a connection shared with other work (tests, `call_command` in a request) keeps them.
    """

    @functools.wraps(handle)
    def wrapper(*args, **kwargs):
        from django.db import connection

        lift_statement_limits(connection)
        try:
            return handle(*args, **kwargs)
        finally:
            restore_statement_limits(connection)

    return wrapper


def lift_limits_for_migrations(sender, using="default", **kwargs) -> None:
    """`pre_migrate` receiver: building an index on a million rows takes longer than a request."""
    from django.db import connections

    lift_statement_limits(connections[using])


def restore_limits_after_migrations(sender, using="default", **kwargs) -> None:
    """`post_migrate` receiver: back to the configured limits."""
    from django.db import connections

    restore_statement_limits(connections[using])
