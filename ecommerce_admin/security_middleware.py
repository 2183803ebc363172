"""Response hardening (security finding 8): API answers are never stored by a cache, and admin
sessions end after an idle period and at an absolute cap."""

import functools
import time

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.signals import setting_changed
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.http import http_date

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
            # Django's add_never_cache_headers, with its Cache-Control value worked out once
            # (it parses and re-joins the header on every call: 30 us of each API request).
            if not response.has_header("Expires"):
                response.headers["Expires"] = http_date()
            response.headers["Cache-Control"] = NEVER_CACHE
        return response


def _never_cache_value() -> str:
    sample = HttpResponse()
    add_never_cache_headers(sample)
    return sample.headers["Cache-Control"]


NEVER_CACHE = _never_cache_value()


class SettingsPolicyCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the policies of the settings built once.

    The library rebuilds both policy strings from the settings on every response (dataclass
    conversion, directive merging: 90 us of each API request, issue 17). A response that
    carries no policy of its own (`csp_update`/`csp_replace`/`csp_exempt`...) and a request
    that used no nonce get exactly the settings' policies, so those are built once per process
    (again when a test overrides the settings); anything else takes the library's own path.
    """

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(
            hasattr(response, name) for name in _PER_RESPONSE_POLICY
        ):
            return super().process_response(request, response)
        policy, policy_ro = _settings_policies()
        path = request.path_info
        if policy and HEADER not in response and not path.startswith(_excluded(False)):
            response[HEADER] = policy
        if (
            policy_ro
            and HEADER_REPORT_ONLY not in response
            and not path.startswith(_excluded(True))
        ):
            response[HEADER_REPORT_ONLY] = policy_ro
        # As the library: a nonce asked for after the header was written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


_PER_RESPONSE_POLICY = (
    "_csp_exempt",
    "_csp_exempt_ro",
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)


@functools.cache
def _settings_policies() -> tuple[str, str]:
    return build_policy(), build_policy(report_only=True)


@functools.cache
def _excluded(report_only: bool) -> tuple[str, ...]:
    name = "CONTENT_SECURITY_POLICY_REPORT_ONLY" if report_only else "CONTENT_SECURITY_POLICY"
    return tuple((getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES") or ())


def _forget_policies(setting, **kwargs) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _settings_policies.cache_clear()
        _excluded.cache_clear()


setting_changed.connect(_forget_policies)


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
