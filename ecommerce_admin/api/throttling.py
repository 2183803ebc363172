"""Throttles: login per IP and per username (always on), and an opt-in per-user API rate."""

import hashlib

from rest_framework.throttling import SimpleRateThrottle, UserRateThrottle


class LoginIPThrottle(SimpleRateThrottle):
    scope = "login"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": "login-ip", "ident": self.get_ident(request)}


class LoginUsernameThrottle(SimpleRateThrottle):
    scope = "login"

    def get_cache_key(self, request, view):
        # A DRF request (API login) or a plain Django one (the admin's login form).
        data = request.data if hasattr(request, "data") else request.POST
        username = data.get("username") if hasattr(data, "get") else None
        if not isinstance(username, str) or not username:
            return None
        # Hashed: the key must be safe for any cache backend whatever the username holds.
        ident = hashlib.sha256(username.strip().lower().encode()).hexdigest()
        return self.cache_format % {"scope": "login-user", "ident": ident}


class ApiUserThrottle(UserRateThrottle):
    """Per-user rate for the whole API, on only when DJANGO_API_THROTTLE is set (API.md §2)."""

    scope = "api_user"
