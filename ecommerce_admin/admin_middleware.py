"""Middleware that only the browser side (admin, its login) needs, skipped for the JSON API.

The API authenticates every request with a Bearer token (no cookies): it reads no session,
and shows no messages, so sessions, Django's session-based `request.user` and messages are
pure overhead on /api/. Everything the API does need stays in settings.MIDDLEWARE for every
path: SecurityMiddleware (HTTPS redirect, HSTS, nosniff, referrer policy), CSP,
X-Frame-Options, CommonMiddleware (ALLOWED_HOSTS via get_host), CSRF (Django's own class, which
`check --deploy` looks for; API views are exempt) and the audit source.

Each class below is the Django middleware of the same name, passed straight through for a path
under API_PREFIX.
"""

from django.contrib.auth.middleware import AuthenticationMiddleware as _Authentication
from django.contrib.messages.middleware import MessageMiddleware as _Messages
from django.contrib.sessions.middleware import SessionMiddleware as _Sessions

API_PREFIX = "/api/"


def _is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


class SessionMiddleware(_Sessions):
    def __call__(self, request):
        if _is_api(request):
            return self.get_response(request)
        return super().__call__(request)


class AuthenticationMiddleware(_Authentication):
    def __call__(self, request):
        if _is_api(request):
            return self.get_response(request)
        return super().__call__(request)


class MessageMiddleware(_Messages):
    def __call__(self, request):
        if _is_api(request):
            return self.get_response(request)
        return super().__call__(request)
