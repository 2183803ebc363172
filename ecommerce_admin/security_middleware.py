"""Response hardening (security finding 8): API answers are never stored by a cache, and admin
sessions end after an idle period and at an absolute cap."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.cache import add_never_cache_headers

ADMIN_STARTED = "_admin_session_started"
ADMIN_SEEN = "_admin_session_seen"
# Last-activity writes are coarsened to this many seconds, so an active admin does not write
# its session row on every click.
SEEN_RESOLUTION = 60


class ApiNoStoreMiddleware:
    """`Cache-Control: no-store` (and friends) on every /api/ answer: JSON bodies and exports
    carry customer data and must not land in a browser or proxy cache. A view that chose its own
    caching keeps it (the public avatar images answer `private`, API.md §9.10)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith("/api/") and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


def stamp_session_at_login(sender, request, user, **kwargs):
    """The session's clock starts at login (written with the login's own session save)."""
    session = getattr(request, "session", None)
    if session is not None:
        now = int(time.time())
        session[ADMIN_STARTED] = now
        session[ADMIN_SEEN] = now


class AdminSessionTimeoutMiddleware:
    """An admin session ends after `ADMIN_SESSION_IDLE_MINUTES` without a request and, however
    active, `ADMIN_SESSION_MAX_HOURS` after it started; the next admin request then asks for
    the login again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/admin/") and request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.get(ADMIN_STARTED)
            seen = session.get(ADMIN_SEEN)
            idle = settings.ADMIN_SESSION_IDLE_MINUTES * 60
            cap = settings.ADMIN_SESSION_MAX_HOURS * 3600
            if (started is not None and now - started > cap) or (
                seen is not None and now - seen > idle
            ):
                logout(request)
                return redirect_to_login(request.get_full_path(), "/admin/login/")
            if started is None:
                session[ADMIN_STARTED] = now
            if seen is None or now - seen >= SEEN_RESOLUTION:
                session[ADMIN_SEEN] = now
        return self.get_response(request)
