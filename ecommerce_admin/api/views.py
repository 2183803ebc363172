"""Staff authentication, health and the JSON 404 for unknown routes under /api."""

from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import update_last_login
from django.core.exceptions import ObjectDoesNotExist
from django.db import DatabaseError, connection, transaction
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import AuthenticationFailed, NotFound
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.serializers import TokenRefreshSerializer
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from .auth import is_active_staff
from .permission_map import CLIENT_PERMISSIONS, permission_map
from .responses import envelope, success
from .throttling import LoginIPThrottle, LoginUsernameThrottle

INVALID_LOGIN = "Invalid username or password."


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
    throttle_classes = [LoginIPThrottle, LoginUsernameThrottle]

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
        refresh = RefreshToken.for_user(user)
        update_last_login(None, user)
        return success(
            "Loggedin successfully",
            {
                "token": str(refresh.access_token),
                "refresh": str(refresh),
                "user": StaffUserSerializer(user).data,
                "permission": permission_map(user),
            },
        )


def lock_outstanding_token(data) -> None:
    """Serialise concurrent uses of one refresh token (call inside a transaction).

    simplejwt checks the blacklist, then blacklists with get_or_create: two requests presenting
    the same token at once both pass the check and both get a new pair. Locking the token's row
    first makes the second wait for the first to commit, then fail the blacklist check (401).
    """
    raw = data.get("refresh") if hasattr(data, "get") else None
    if not isinstance(raw, str):
        return
    try:
        jti = RefreshToken(raw, verify=False).get("jti")  # signature is checked by the form
    except TokenError:
        return
    if isinstance(jti, str):
        list(OutstandingToken.objects.select_for_update().filter(jti=jti).values_list("pk"))


class TokenRefreshView(PublicAuthView):
    @extend_schema(
        request=RefreshSerializer,
        responses=inline_serializer(
            "RefreshData", {"token": serializers.CharField(), "refresh": serializers.CharField()}
        ),
        tags=["auth"],
    )
    @transaction.atomic
    def post(self, request):
        form = TokenRefreshSerializer(data=request.data)
        lock_outstanding_token(request.data)
        try:
            form.is_valid(raise_exception=True)  # TokenError → 401 in the exception handler
        except ObjectDoesNotExist as exc:
            # simplejwt looks the token's user up with .get(): a deleted user must be a 401.
            raise AuthenticationFailed("No active account found for the given token.") from exc
        data = form.validated_data
        return success("Token refreshed", {"token": data["access"], "refresh": data["refresh"]})


class LogoutView(PublicAuthView):
    @extend_schema(request=RefreshSerializer, responses={200: None}, tags=["auth"])
    def post(self, request):
        form = RefreshSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        RefreshToken(form.validated_data["refresh"]).blacklist()  # blacklisted/invalid → 401
        return success("Successfully logged out")


class HealthView(APIView):
    authentication_classes: list = []
    permission_classes: list = []
    public = True

    @extend_schema(
        responses=inline_serializer("HealthData", {"database": serializers.CharField()}),
        tags=["health"],
    )
    def get(self, request):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError:
            return Response(
                envelope("database unavailable", {"database": "down"}, status=0), status=503
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
