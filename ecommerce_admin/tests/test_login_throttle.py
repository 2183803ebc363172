"""Login throttle (API.md §2; security finding 4): usernames counted after NFKC normalisation and
case folding, atomic counters under concurrency, and failing open when the cache is down."""

import logging
import os
from types import SimpleNamespace

import pytest
from django.core.cache import caches
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connections
from django.test.testcases import (
    LiveServerThread,
    QuietWSGIRequestHandler,
    _StaticFilesHandler,
)
from rest_framework.test import APIClient

from bench.throttle_concurrency import Server, fire
from conftest import make_staff
from ecommerce_admin.models import ThrottleCounter

LOGIN = "/api/auth/login"
ADMIN_LOGIN = "/admin/login/"
PASSWORD = "Staff-pass-123"
LIVE_PORT = int(os.environ.get("THROTTLE_TEST_PORT", "18531"))
REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/4")
# Spellings the admin's login form (NFKC) or a case-insensitive eye takes for "staff1".
FRAKTUR_S = "\U0001d530"  # MATHEMATICAL FRAKTUR SMALL S: NFKC → "s"
FULLWIDTH = "\uff53\uff54\uff41\uff46\uff46\uff11"  # FULLWIDTH "staff1"
LONG_S = "\u017f"  # LATIN SMALL LETTER LONG S: case-folds to "s"
LOOKALIKES = [
    "staff1",
    "STAFF1",
    f"{FRAKTUR_S}taff1",
    FULLWIDTH,
    "Staff1",
    f"{LONG_S}taff1",
    " staff1 ",
]


def api_login(username, password="wrong-password-x", ip="10.0.0.1"):
    return APIClient().post(
        LOGIN, {"username": username, "password": password}, format="json", REMOTE_ADDR=ip
    )


@pytest.mark.django_db
def test_lookalike_spellings_share_one_username_counter():
    make_staff("staff1")
    for attempt in range(10):  # each from its own address: only the username counter binds
        assert api_login(LOOKALIKES[attempt % 7], ip=f"10.0.1.{attempt}").status_code == 401

    for index, spelling in enumerate(LOOKALIKES):
        response = api_login(spelling, password=PASSWORD, ip=f"10.0.2.{index}")
        assert response.status_code == 429, spelling
        assert int(response["Retry-After"]) >= 1


@pytest.mark.django_db
def test_the_admin_login_counts_lookalikes_with_the_api_login():
    make_staff("staff1")
    for attempt in range(10):
        assert api_login(LOOKALIKES[attempt % 7], ip=f"10.0.3.{attempt}").status_code == 401

    # A Fraktur-s "staff1" is staff1 to the admin's form (NFKC): the right password must not pass.
    response = APIClient().post(
        ADMIN_LOGIN,
        {"username": f"{FRAKTUR_S}taff1", "password": PASSWORD, "next": "/admin/"},
        REMOTE_ADDR="10.0.4.1",
    )

    assert response.status_code == 429
    assert "_auth_user_id" not in APIClient().session


class _BacklogServer(ThreadedWSGIServer):
    # socketserver's default listen backlog (5) resets most of 40 simultaneous connections.
    request_queue_size = 128


class _ServerThread(LiveServerThread):
    server_class = _BacklogServer

    def _create_server(self, connections_override=None):
        # Reuse: the previous test's connections may still be in TIME_WAIT on this fixed port.
        return self.server_class(
            (self.host, self.port),
            QuietWSGIRequestHandler,
            allow_reuse_address=True,
            connections_override=connections_override,
        )


@pytest.fixture
def backlog_server():
    """Django's live server (threaded, on the test database) with a listen backlog for 40
    simultaneous clients, on a port of this project's range. Each server thread needs its own
    database connection: an in-memory SQLite test database has one shared connection, which
    concurrent requests cannot use (there the gunicorn test below covers SQLite)."""
    if any(conn.vendor == "sqlite" and conn.is_in_memory_db() for conn in connections.all()):
        pytest.skip("needs a database with one connection per thread (PostgreSQL)")
    thread = _ServerThread("127.0.0.1", _StaticFilesHandler, {}, port=LIVE_PORT)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield SimpleNamespace(url=f"http://127.0.0.1:{thread.port}")
    thread.terminate()


@pytest.mark.django_db(transaction=True)
def test_forty_concurrent_wrong_attempts_let_exactly_the_limit_through(backlog_server, settings):
    settings.LOGIN_THROTTLE_STORE = "database"  # the embedded default
    make_staff("staff1")

    statuses = fire(backlog_server.url, 40, "staff1")

    assert len(statuses) == 40
    assert statuses.count(401) == 10
    assert statuses.count(429) == 30
    assert ThrottleCounter.objects.count() == 2  # the IP's window and the username's


def redis_cache_settings(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = redis_cache_settings(REDIS_TEST_URL)
    settings.LOGIN_THROTTLE_STORE = "cache"
    cache = caches["default"]
    try:
        cache.clear()
    except Exception:
        pytest.skip(f"no Redis at {REDIS_TEST_URL}")
    yield cache
    cache.clear()


@pytest.mark.django_db(transaction=True)
def test_forty_concurrent_wrong_attempts_on_the_shared_cache(backlog_server, redis_cache):
    make_staff("staff1")

    statuses = fire(backlog_server.url, 40, "staff1")

    assert statuses.count(401) == 10
    assert statuses.count(429) == 30
    assert ThrottleCounter.objects.count() == 0


@pytest.mark.django_db
def test_an_unreachable_cache_fails_open_with_a_warning(settings, caplog):
    # Nothing listens there (this project's test port range).
    settings.CACHES = redis_cache_settings("redis://127.0.0.1:18599/4")
    settings.LOGIN_THROTTLE_STORE = "cache"
    make_staff("staff1")

    with caplog.at_level(logging.WARNING, logger="ecommerce_admin.api.throttling"):
        responses = [api_login("staff1") for _ in range(12)]
        ok = api_login("staff1", password=PASSWORD)

    assert [r.status_code for r in responses] == [401] * 12
    assert ok.status_code == 200
    assert "Login throttle counter unavailable" in caplog.text


@pytest.mark.parametrize("store", ["database", "redis"])
def test_forty_concurrent_wrong_attempts_under_gunicorn(store):
    """Several gunicorn worker processes on a SQLite file: the production shape of the embedded
    default (database counters) and of a deployment with Redis (cache counters)."""
    cache_url = ""
    if store == "redis":
        import redis

        try:
            redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).flushdb()
        except redis.RedisError:
            pytest.skip(f"no Redis at {REDIS_TEST_URL}")
        cache_url = REDIS_TEST_URL
    port = LIVE_PORT + (1 if store == "database" else 2)
    server = Server(port, workers=3, threads=4, cache_url=cache_url)
    try:
        statuses = fire(server.url, 40, "staff1")
    finally:
        server.stop()

    assert statuses.count(401) == 10
    assert statuses.count(429) == 30
