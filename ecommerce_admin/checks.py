"""System checks: the secret key must exist when debug is off; and, for `check --deploy`, the
JWT signing key.

The key must be its own secret (rotating SECRET_KEY for sessions and rotating the JWT key are
separate decisions, PERFORMANCE-AND-SECURITY §A3) and long enough for HS256 (RFC 7518 §3.2:
at least as long as the hash, 256 bits).
"""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

MIN_HMAC_KEY_LENGTH = 32
SECRET_KEY_REQUIRED = "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off."


def require_secret_key() -> None:
    """Fail fast where the app is served (wsgi.py, asgi.py): never run without a key."""
    if getattr(settings, "SECRET_KEY_MISSING", False):
        raise ImproperlyConfigured(SECRET_KEY_REQUIRED)


@register(Tags.security, deploy=True)
def check_secret_key_present(app_configs, **kwargs):
    if getattr(settings, "SECRET_KEY_MISSING", False):
        return [
            Error(
                SECRET_KEY_REQUIRED,
                hint="Set DJANGO_SECRET_KEY to a random value of 50+ characters.",
                id="ecommerce_admin.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_jwt_signing_key(app_configs, **kwargs):
    jwt = getattr(settings, "SIMPLE_JWT", {})
    key = jwt.get("SIGNING_KEY") or ""
    if not str(jwt.get("ALGORITHM", "")).startswith("HS"):
        return []
    problems = []
    if key == settings.SECRET_KEY:
        problems.append(
            Warning(
                "JWT_SIGNING_KEY is not set: access tokens are signed with DJANGO_SECRET_KEY.",
                hint="Set JWT_SIGNING_KEY to its own random value of 32+ characters.",
                id="ecommerce_admin.W001",
            )
        )
    if len(key) < MIN_HMAC_KEY_LENGTH:
        problems.append(
            Warning(
                f"The JWT signing key is shorter than {MIN_HMAC_KEY_LENGTH} characters.",
                hint="Use e.g. `python -c 'import secrets; print(secrets.token_urlsafe(50))'`.",
                id="ecommerce_admin.W002",
            )
        )
    return problems
