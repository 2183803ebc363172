"""Staff-only JWT authentication.

Customers are not Django users and never get a token. A staff member who is deactivated or
loses staff status is refused on the next request (401), with the same rule at login, refresh
and on every request.

Per-request cost: one indexed query (the token's login session by primary key, joined to its
user), the same count as simplejwt's own user lookup. It reads no cache on purpose: a logout,
a replayed refresh token, a password change or a deactivation is committed to that row or the
user's, so the very next request sees it (revocation takes effect at once, never "within the
access token's lifetime").
"""

from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed


def is_active_staff(user) -> bool:
    return user is not None and user.is_active and user.is_staff


class StaffJWTAuthentication(JWTAuthentication):
    def get_user(self, validated_token):
        from .tokens import TokenRevoked, check_access

        try:
            return check_access(validated_token, is_active_staff)
        except TokenRevoked as exc:
            raise AuthenticationFailed(str(exc), code="token_not_valid") from None
