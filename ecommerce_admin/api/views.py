"""Staff authentication, health and the JSON 404 for unknown routes under /api."""

from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import update_last_login
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.exceptions import AuthenticationFailed, NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from ecommerce_admin.db_faults import database_reachable, retry_after

from . import tokens
from .auth import is_active_staff
from .permission_map import CLIENT_PERMISSIONS, permission_map
from .responses import envelope, success
from .throttling import LoginThrottle

INVALID_LOGIN = "Invalid username or password."
HEALTH_DOWN_SCHEMA = {
    "type": "object",
    "properties": {
        "status": {"type": "integer", "enum": [0]},
        "message": {"type": "string", "enum": ["database unavailable"]},
        "data": {
            "type": "object",
            "properties": {"database": {"type": "string", "enum": ["down"]}},
            "required": ["database"],
        },
    },
    "required": ["status", "message", "data"],
}


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150, trim_whitespace=True)
    password = serializers.CharField(max_length=128, trim_whitespace=False)

    def validate(self, attrs):
        for name, value in attrs.items():
            if "\x00" in value:
                raise serializers.ValidationError({name: ["Null characters are not allowed."]})
        return attrs


class RefreshSerializer(serializers.Serializer):
    refresh = serializers.CharField()


class StaffUserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.CharField()
    firstName = serializers.CharField(source="first_name")
    lastName = serializers.CharField(source="last_name")
    isSuperuser = serializers.BooleanField(source="is_superuser")
    permissions = serializers.SerializerMethodField()

    def get_permissions(self, user) -> list[str]:
        return sorted(user.get_all_permissions())


def login_candidate(value: str) -> str:
    """The username to check the password against (API.md §9.5).

    The username itself when one matches exactly; otherwise, for a value with `@`, the username
    of the one active staff user with that e-mail (case-insensitive, trimmed). Two or more such
    users: no candidate, so the password is never tried against several accounts. Without a
    candidate the value itself is returned: it matches no user, and Django's backend still
    spends one password hash on it, so a miss takes as long as a wrong password.
    """
    users = get_user_model()._default_manager
    field = get_user_model().USERNAME_FIELD
    if "@" not in value or users.filter(**{field: value}).exists():
        return value
    matches = list(
        users.filter(email__iexact=value.strip(), is_active=True, is_staff=True).values_list(
            field, flat=True
        )[:2]
    )
    return matches[0] if len(matches) == 1 else value


@extend_schema_field(
    {
        "type": "object",
        "description": "The original admin's permission keys (API.md §9.5), each true when the "
        "user has the Django permission behind it; always all 15 keys.",
        "properties": {key: {"type": "boolean"} for key in CLIENT_PERMISSIONS},
        "required": list(CLIENT_PERMISSIONS),
    }
)
class PermissionMapField(serializers.Field):
    pass


class PublicAuthView(APIView):
    """The auth routes need no access token; a failure is still a 401 (handled centrally)."""

    authentication_classes: list = []
    permission_classes: list = []
    public = True
    auth_errors = True


class LoginView(PublicAuthView):
    throttle_classes = [LoginThrottle]

    @extend_schema(
        request=LoginSerializer,
        responses=inline_serializer(
            "LoginData",
            {
                "token": serializers.CharField(),
                "refresh": serializers.CharField(),
                "user": StaffUserSerializer(),
                "permission": PermissionMapField(),
            },
        ),
        description="`username` is the username, or the e-mail address of exactly one active "
        "staff user (API.md §9.5).",
        tags=["auth"],
    )
    def post(self, request):
        form = LoginSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        credentials = form.validated_data
        user = authenticate(
            request,
            username=login_candidate(credentials["username"]),
            password=credentials["password"],
        )
        # One message for every failure, so the response tells nothing about which part was wrong.
        if not is_active_staff(user):
            raise AuthenticationFailed(INVALID_LOGIN)
        access, refresh = tokens.issue_for_login(user)
        update_last_login(None, user)
        return success(
            "Loggedin successfully",
            {
                "token": access,
                "refresh": refresh,
                "user": StaffUserSerializer(user).data,
                "permission": permission_map(user),
            },
        )


class TokenRefreshView(PublicAuthView):
    @extend_schema(
        request=RefreshSerializer,
        responses=inline_serializer(
            "RefreshData", {"token": serializers.CharField(), "refresh": serializers.CharField()}
        ),
        tags=["auth"],
    )
    def post(self, request):
        form = RefreshSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            access, refresh = tokens.rotate(form.validated_data["refresh"], is_active_staff)
        except tokens.TokenRevoked as exc:  # TokenError → 401 in the exception handler
            raise AuthenticationFailed(str(exc)) from None
        return success("Token refreshed", {"token": access, "refresh": refresh})


class LogoutView(PublicAuthView):
    @extend_schema(request=RefreshSerializer, responses={200: None}, tags=["auth"])
    def post(self, request):
        form = RefreshSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            tokens.logout(form.validated_data["refresh"])  # TokenError → 401
        except tokens.TokenRevoked as exc:
            raise AuthenticationFailed(str(exc)) from None
        return success("Successfully logged out")


class HealthView(APIView):
    authentication_classes: list = []
    permission_classes: list = []
    public = True

    @extend_schema(
        responses={
            200: inline_serializer("HealthData", {"database": serializers.CharField()}),
            503: OpenApiResponse(
                response=HEALTH_DOWN_SCHEMA,
                description="The database is unreachable (answered within 10 s, API.md §10).",
            ),
        },
        tags=["health"],
    )
    def get(self, request):
        # A fresh, bounded probe (API.md §10): a load balancer never waits on a hung database.
        if not database_reachable():
            return Response(
                envelope("database unavailable", {"database": "down"}, status=0),
                status=503,
                headers={"Retry-After": retry_after()},
            )
        return success("ok", {"database": "ok"})


class UnknownRouteView(APIView):
    """Catch-all for /api/...: a 404 envelope for every method, whatever DEBUG says."""

    authentication_classes: list = []
    permission_classes: list = []
    public = True
    schema = None

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise NotFound()

    def get(self, request, *args, **kwargs):
        raise NotFound()

    post = put = patch = delete = head = options = get
