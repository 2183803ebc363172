"""Staff-only JWT authentication.

Customers are not Django users and never get a token. A staff member who is deactivated or
loses staff status is refused on the next request (401), with the same rule at login, refresh
and on every request.
"""

from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed


def is_active_staff(user) -> bool:
    return user is not None and user.is_active and user.is_staff


class StaffJWTAuthentication(JWTAuthentication):
    def get_user(self, validated_token):
        user = super().get_user(validated_token)
        if not is_active_staff(user):
            raise AuthenticationFailed("User is inactive", code="user_inactive")
        return user
