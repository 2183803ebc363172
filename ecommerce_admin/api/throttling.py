"""Throttles: login per IP and per username (always on), and an opt-in per-user API rate.

The login throttle (API.md §2) counts attempts in fixed windows with atomic counters, so N
concurrent attempts let exactly the limit through whatever the number of worker processes:
- with a shared cache (`DJANGO_CACHE_URL=redis://...`): the cache's add + incr (Redis INCR);
- without one (the embedded default): one upsert in the database
  (`INSERT ... ON CONFLICT DO UPDATE SET count = count + 1 RETURNING count`).
If the counter store fails (Redis down), logins keep working: the throttle fails open and logs a
warning, because refusing every login would turn a cache outage into a full outage.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
import time
import unicodedata
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle, UserRateThrottle

from ecommerce_admin.models import ThrottleCounter

logger = logging.getLogger(__name__)


def normalise_username(value: str) -> str:
    """The spelling the throttle counts: NFKC as the admin's login form applies it (a Fraktur-s
    `staff1` is `staff1`), then case-folded, then NFKC again (folding can denormalise)."""
    folded = unicodedata.normalize("NFKC", value).strip().casefold()
    return unicodedata.normalize("NFKC", folded)


def counter_store() -> str:
    store = getattr(settings, "LOGIN_THROTTLE_STORE", "")
    return store or ("cache" if getattr(settings, "CACHE_IS_SHARED", False) else "database")


@functools.cache
def _upsert_sql() -> str:
    quote = connection.ops.quote_name
    table, key, count = (quote(n) for n in (ThrottleCounter._meta.db_table, "key", "count"))
    expires = quote("expires_at")
    return (
        f"INSERT INTO {table} ({key}, {count}, {expires}) VALUES (%s, 1, %s) "  # nosec B608
        f"ON CONFLICT ({key}) DO UPDATE SET {count} = {table}.{count} + 1 RETURNING {count}"
    )


def _hit_database(key: str, expires: datetime) -> int:
    with connection.cursor() as cursor:
        cursor.execute(_upsert_sql(), [key, connection.ops.adapt_datetimefield_value(expires)])
        count = cursor.fetchone()[0]
    if count == 1:  # a new window's first attempt: sweep the windows that are over
        ThrottleCounter.objects.filter(expires_at__lt=datetime.now(UTC)).delete()
    return count


def _hit_cache(key: str, timeout: int) -> int:
    for _ in range(3):
        cache.add(key, 0, timeout)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr: start the window again
            continue
    raise RuntimeError("throttle counter kept vanishing")


def hit(key: str, window_end: float) -> int | None:
    """Count one attempt in `key`'s window → the attempt's rank, or None if the store failed."""
    try:
        if counter_store() == "cache":
            return _hit_cache(key, max(1, math.ceil(window_end - time.time())) + 1)
        return _hit_database(key, datetime.fromtimestamp(window_end, UTC))
    except Exception:  # any backend error: fail open, loudly
        logger.warning("Login throttle counter unavailable; allowing the attempt", exc_info=True)
        return None


class LoginThrottle(BaseThrottle):
    """Per IP, then per normalised username, `DEFAULT_THROTTLE_RATES["login"]` each.

    One class for both so the username counter only sees attempts the IP counter let through:
    with two independent DRF throttles, concurrent requests interleave differently on each
    counter and fewer than the limit would pass.
    """

    scope = "login"

    def __init__(self):
        rate = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(self.scope)
        self.num_requests, self.duration = SimpleRateThrottle.parse_rate(None, rate)
        self.window_end = 0.0

    @staticmethod
    def username_of(request) -> str | None:
        # A DRF request (API login) or a plain Django one (the admin's login form).
        data = request.data if hasattr(request, "data") else request.POST
        username = data.get("username") if hasattr(data, "get") else None
        if not isinstance(username, str) or not username.strip():
            return None
        return normalise_username(username)

    def _key(self, kind: str, ident: str, window: int) -> str:
        # Hashed: the key must be safe for any cache backend whatever the username holds.
        digest = hashlib.sha256(ident.encode("utf-8", "surrogatepass")).hexdigest()[:40]
        return f"throttle:{self.scope}:{kind}:{window}:{digest}"

    def allow_request(self, request, view) -> bool:
        if self.num_requests is None:
            return True
        now = time.time()
        window = int(now // self.duration)
        self.window_end = (window + 1) * self.duration
        idents = [("ip", str(self.get_ident(request) or ""))]
        username = self.username_of(request)
        if username is not None:
            idents.append(("user", username))
        for kind, ident in idents:
            count = hit(self._key(kind, ident, window), self.window_end)
            if count is not None and count > self.num_requests:
                return False
        return True

    def wait(self) -> float:
        return max(1.0, self.window_end - time.time())


class ApiUserThrottle(UserRateThrottle):
    """Per-user rate for the whole API, on only when DJANGO_API_THROTTLE is set (API.md §2)."""

    scope = "api_user"
