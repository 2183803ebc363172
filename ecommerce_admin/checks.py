"""Deployment checks (`manage.py check --deploy`) for the JWT signing key.

The key must be its own secret (rotating SECRET_KEY for sessions and rotating the JWT key are
separate decisions, PERFORMANCE-AND-SECURITY §A3) and long enough for HS256 (RFC 7518 §3.2:
at least as long as the hash, 256 bits).
"""

from django.conf import settings
from django.core.checks import Tags, Warning, register

MIN_HMAC_KEY_LENGTH = 32


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
