"""The database went away (API.md §10): which errors mean "unavailable", and the 503 answers.

A database outage is not a server fault: clients and load balancers must be told to come back
later (503 + Retry-After), never shown a 500. The decision is made here, in one place, and used
by the API's exception handler (JSON envelope) and by the page handlers below (plain HTML for
the admin, and for anything that fails outside a DRF view).

"Unavailable" is deliberately narrow. It covers the database being unreachable or refusing
service for a while: connection refused/reset/timed out, the server shutting down or still
recovering, the connection lost mid-statement, our own no-answer deadline, a statement or lock
wait cancelled by the server's timeouts, and on SQLite a locked, read-only or unopenable file.
A bug (bad SQL, a missing table, a constraint we did not expect) is still a 500.
"""

import logging
import sqlite3
import sys
import time

from django.conf import settings
from django.db import connections
from django.db import utils as db_utils
from django.http import HttpResponse
from django.views import defaults

logger = logging.getLogger("ecommerce_admin.db")

UNAVAILABLE_MESSAGE = "Service temporarily unavailable."

# SQLSTATEs that say "the server cannot serve you right now" rather than "your SQL is wrong":
# class 08 (connection exception), 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03
# cannot_connect_now (starting up / recovering), 57P05 idle_session_timeout, 53300
# too_many_connections, 57014 query_canceled (statement_timeout), 55P03 lock_not_available
# (lock_timeout), 25P03 idle_in_transaction_session_timeout.
_UNAVAILABLE_SQLSTATES = {"57P01", "57P02", "57P03", "57P05", "53300", "57014", "55P03", "25P03"}
_UNAVAILABLE_SQLSTATE_CLASSES = {"08"}

# SQLite primary result codes (extended code & 0xFF): BUSY, LOCKED, READONLY, IOERR, FULL,
# CANTOPEN, PROTOCOL. SQLITE_ERROR (1: syntax errors, missing tables) is not among them.
_SQLITE_UNAVAILABLE_CODES = {5, 6, 8, 10, 13, 14, 15}
_SQLITE_UNAVAILABLE_TEXT = (
    "database is locked",
    "database table is locked",
    "attempt to write a readonly database",
    "unable to open database file",
    "disk i/o error",
)


def _causes(exc: BaseException):
    """`exc` and what it wraps: Django puts the driver's exception in `__cause__`.

    Only explicit causes are followed: a bug raised while handling an outage error (its
    `__context__`) is still a bug.
    """
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__


def _psycopg_unavailable(exc: BaseException) -> bool | None:
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a requirement
        return None
    if not isinstance(exc, psycopg.Error):
        return None
    sqlstate = getattr(exc, "sqlstate", None)
    if sqlstate:
        return sqlstate in _UNAVAILABLE_SQLSTATES or sqlstate[:2] in _UNAVAILABLE_SQLSTATE_CLASSES
    # No SQLSTATE: the error came from the client library, not from a server that answered:
    # connection refused or timed out, "server closed the connection unexpectedly",
    # "consuming input failed", our no-answer deadline, or using a connection already closed.
    if isinstance(exc, psycopg.OperationalError):
        return True
    if isinstance(exc, psycopg.InterfaceError):
        return "closed" in str(exc).lower()
    return False


def _sqlite_unavailable(exc: BaseException) -> bool | None:
    if not isinstance(exc, sqlite3.Error):
        return None
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None and (code & 0xFF) in _SQLITE_UNAVAILABLE_CODES:
        return True
    return isinstance(exc, sqlite3.OperationalError) and str(exc).lower().startswith(
        _SQLITE_UNAVAILABLE_TEXT
    )


def is_database_unavailable(exc: BaseException | None) -> bool:
    """True when `exc` means "the database cannot serve now", false for everything else."""
    if exc is None:
        return False
    for error in _causes(exc):
        for check in (_psycopg_unavailable, _sqlite_unavailable):
            verdict = check(error)
            if verdict is not None:
                return verdict
        if isinstance(error, db_utils.InterfaceError) and "closed" in str(error).lower():
            # Django's own "connection already closed" (no driver exception underneath).
            return True
    return False


def discard_broken_connections() -> None:
    """Close this thread's connections after an outage error, so the next request reconnects.

    Django would test them again at the end of the request (`errors_occurred`), but that test
    is a query on the very connection that just failed: on a stalled link it waits for the
    no-answer deadline a second time. Inside an atomic block Django only marks the connection;
    the block's exit closes it.
    """
    for conn in connections.all(initialized_only=True):
        if conn.connection is None or conn.in_atomic_block:
            continue
        try:
            conn.close()
        except Exception:
            conn.connection = None


def health_check_idle_seconds() -> float:
    return float(getattr(settings, "DB_HEALTH_CHECK_IDLE_SECONDS", 0))


def mark_connections_used(**kwargs) -> None:
    """request_finished: remember when each open connection last served a request."""
    now = time.monotonic()
    for conn in connections.all(initialized_only=True):
        if conn.connection is not None:
            conn.last_request_end = now


def skip_health_check_if_just_used(**kwargs) -> None:
    """request_started, after Django's own receiver armed the reuse health check: a connection
    that served a request less than DB_HEALTH_CHECK_IDLE_SECONDS ago skips the `SELECT 1`.

    Under load every request reuses a connection a few milliseconds old, and that round trip
    was a tenth of a list request's time (issue 17, bench/run.py). A connection idle for longer
    is still tested before use, as Django does. One that the server dropped within that second
    fails its first statement instead: an outage error, answered 503 with Retry-After, and the
    connection is discarded (`discard_broken_connections`), so the next request reconnects.
    A connection psycopg already knows to be broken is always tested.
    """
    idle = health_check_idle_seconds()
    if idle <= 0:
        return
    now = time.monotonic()
    for conn in connections.all(initialized_only=True):
        raw = conn.connection
        if raw is None or conn.health_check_done:
            continue
        last = getattr(conn, "last_request_end", None)
        if last is None or now - last >= idle or getattr(raw, "broken", False):
            continue
        if getattr(raw, "closed", False):
            continue
        conn.health_check_done = True


#: Health probes give up after these many seconds per step (connect, then `SELECT 1`), so
#: `/api/health` answers within 10 s however the database hangs (API.md §10).
HEALTH_CONNECT_SECONDS = 3
HEALTH_QUERY_SECONDS = 3


def database_reachable(alias: str = "default") -> bool:
    """Probe the database the way a new request would reach it; never hangs.

    On PostgreSQL the probe opens a fresh connection with its own short limits instead of
    borrowing this thread's persistent one (which a stalled link may hold hostage); the pool, if
    any, is bypassed for the same reason. Raises nothing: any database error is "down".
    """
    from ecommerce_admin.db_timeouts import bound_waits

    conn = connections[alias]
    try:
        if conn.vendor != "postgresql":
            with conn.cursor() as cursor:
                cursor.execute("SELECT 1")
            return True
        import psycopg

        params = conn.get_connection_params()
        params.pop("pool", None)
        params["connect_timeout"] = HEALTH_CONNECT_SECONDS
        params["options"] = (
            f"{params.get('options', '')} -c statement_timeout={HEALTH_QUERY_SECONDS * 1000}"
        ).strip()
        probe = psycopg.connect(**params, autocommit=True)
        try:
            bound_waits(probe, HEALTH_QUERY_SECONDS + 1)
            probe.execute("SELECT 1")
        finally:
            probe.close()
        return True
    except Exception as exc:
        log_unavailable(exc, "health")
        return False


def retry_after() -> str:
    return str(settings.DB_RETRY_AFTER_SECONDS)


def log_unavailable(exc: BaseException, where: str) -> None:
    # One line, no traceback: an outage makes every request fail the same way.
    logger.warning("database unavailable in %s: %s: %s", where, type(exc).__name__, exc)


_PAGE = (
    "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>"
    "<title>Service temporarily unavailable</title></head><body>"
    "<h1>Service temporarily unavailable</h1>"
    "<p>The database cannot be reached right now. Please try again in a few seconds.</p>"
    "</body></html>"
)


def unavailable_page() -> HttpResponse:
    response = HttpResponse(_PAGE, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = retry_after()
    response["Cache-Control"] = "no-store"
    return response


def unavailable_json() -> HttpResponse:
    from ecommerce_admin.api.renderers import EnvelopeJSONRenderer
    from ecommerce_admin.api.responses import envelope

    body = EnvelopeJSONRenderer().render(envelope(UNAVAILABLE_MESSAGE, status=0))
    response = HttpResponse(body, status=503, content_type="application/json")
    response["Retry-After"] = retry_after()
    response["Cache-Control"] = "no-store"
    return response


def unavailable_response(request) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        return unavailable_json()
    return unavailable_page()


class DatabaseUnavailableMiddleware:
    """Admin pages and other views: an outage raised by the view becomes the 503 page.

    API views never get here (DRF's exception handler answers first). Errors raised by other
    middleware (sessions, the user lookup) reach `server_error` below instead.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        log_unavailable(exception, request.path_info)
        discard_broken_connections()
        return unavailable_response(request)


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """`handler500`: an outage anywhere in the middleware chain is a 503, anything else a 500.

    Django calls it inside its `except` block, so the exception is still in `sys.exc_info()`.
    """
    exc = sys.exc_info()[1]
    if is_database_unavailable(exc):
        discard_broken_connections()
        return unavailable_response(request)
    if request.path_info.startswith("/api/"):
        from ecommerce_admin.api.exceptions import SERVER_ERROR_MESSAGE
        from ecommerce_admin.api.renderers import EnvelopeJSONRenderer
        from ecommerce_admin.api.responses import envelope

        body = EnvelopeJSONRenderer().render(envelope(SERVER_ERROR_MESSAGE, status=0))
        return HttpResponse(body, status=500, content_type="application/json")
    return defaults.server_error(request, template_name)
