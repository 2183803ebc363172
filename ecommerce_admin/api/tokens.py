"""Token lifecycle (API.md §2): one family per login, an absolute session cap, reuse detection,
and revocation on logout, password change, deactivation and loss of staff status.

Every token carries the claim `fam`, the id of its login's TokenFamily row. simplejwt's blacklist
app still records each refresh token (OutstandingToken) and each rotated or logged-out one
(BlacklistedToken); the family row is what lets one write refuse every token of a login, access
tokens included, and what the per-request check reads (see StaffJWTAuthentication).
"""

from __future__ import annotations

import functools
import logging
import uuid
import weakref
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import datetime_from_epoch

from ecommerce_admin.models import TokenFamily

logger = logging.getLogger(__name__)

FAMILY_CLAIM = "fam"


class TokenRevoked(Exception):
    """The presented token is well-formed but its login is over (401)."""


def session_max_age() -> timedelta:
    return timedelta(hours=getattr(settings, "JWT_SESSION_MAX_HOURS", 24))


def _cap_exp(token, family: TokenFamily) -> None:
    """Never let a token outlive its login's session cap."""
    cap = int(family.expires_at.timestamp())
    if token["exp"] > cap:
        token["exp"] = cap


def _pair(user, family: TokenFamily) -> tuple[str, str]:
    refresh = RefreshToken()  # built by hand: for_user would record it before `fam` is set
    refresh[api_settings.USER_ID_CLAIM] = str(getattr(user, api_settings.USER_ID_FIELD))
    if api_settings.CHECK_REVOKE_TOKEN:
        # Same claim simplejwt's for_user adds: a password changed behind the signals' back
        # (a queryset update) still invalidates the tokens.
        from rest_framework_simplejwt.utils import get_md5_hash_password

        refresh[api_settings.REVOKE_TOKEN_CLAIM] = get_md5_hash_password(user.password)
    refresh[FAMILY_CLAIM] = str(family.pk)
    _cap_exp(refresh, family)
    access = refresh.access_token  # copies `fam`, `user_id`; its own exp from the same instant
    _cap_exp(access, family)
    OutstandingToken.objects.create(
        user=user,
        jti=refresh[api_settings.JTI_CLAIM],
        token=str(refresh),
        created_at=refresh.current_time,
        expires_at=datetime_from_epoch(refresh["exp"]),
    )
    return str(access), str(refresh)


def issue_for_login(user) -> tuple[str, str]:
    """A new family for a successful login → (access, refresh)."""
    now = timezone.now()
    with transaction.atomic():
        family = TokenFamily.objects.create(
            user=user, created_at=now, expires_at=now + session_max_age()
        )
        return _pair(user, family)


def _decode_refresh(raw) -> RefreshToken:
    """Signature, expiry and type only; the blacklist is checked by the caller (a blacklisted
    token is a replay to punish, not just an invalid one)."""
    if not isinstance(raw, str) or not raw:
        raise TokenError("Token is invalid")
    token = RefreshToken(raw, verify=False)  # PyJWT still verifies signature, exp, aud, iss
    token.check_exp()
    if token.get(api_settings.JTI_CLAIM) is None:
        raise TokenError("Token has no id")
    token.verify_token_type()
    return token


def _live_family(token, *, lock: bool) -> TokenFamily:
    family_id = _family_id(token)
    query = TokenFamily.objects.select_related("user")
    if lock:
        query = query.select_for_update(of=("self",))
    family = query.filter(pk=family_id).first()
    if family is None:
        raise TokenRevoked("Token is invalid")
    if str(family.user_id) != str(token.get(api_settings.USER_ID_CLAIM)):
        raise TokenRevoked("Token is invalid")
    if family.revoked_at is not None:
        raise TokenRevoked("Token is blacklisted")
    if family.expires_at <= timezone.now():
        raise TokenRevoked("Session has expired")
    return family


def revoke_family(family_id, reason: str) -> int:
    return TokenFamily.objects.filter(pk=family_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason=reason
    )


def revoke_user(user_id, reason: str) -> int:
    """Every live login of the user ends now (password change, deactivation, staff removed)."""
    return TokenFamily.objects.filter(user_id=user_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason=reason
    )


def _blacklist(token: RefreshToken, user) -> None:
    jti = token[api_settings.JTI_CLAIM]
    outstanding, _ = OutstandingToken.objects.get_or_create(
        jti=jti,
        defaults={
            "user": user,
            "created_at": timezone.now(),
            "token": str(token.token),
            "expires_at": datetime_from_epoch(token["exp"]),
        },
    )
    BlacklistedToken.objects.get_or_create(token=outstanding)


def rotate(raw, user_rule) -> tuple[str, str]:
    """Refresh: the presented token is blacklisted and a new pair of the same family issued, capped
    at the family's session end. A token that was already rotated away revokes the family."""
    token = _decode_refresh(raw)
    replayed = False
    with transaction.atomic():
        # Locking the family serialises concurrent refreshes of one login: the second one waits,
        # then finds the token blacklisted, i.e. a replay.
        family = _live_family(token, lock=True)
        jti = token[api_settings.JTI_CLAIM]
        if BlacklistedToken.objects.filter(token__jti=jti).exists():
            replayed = True
        elif not user_rule(family.user):
            revoke_family(family.pk, "inactive")
        elif api_settings.CHECK_REVOKE_TOKEN and _password_changed(token, family.user):
            revoke_family(family.pk, "password")
        else:
            _blacklist(token, family.user)
            return _pair(family.user, family)
    if replayed:
        # Outside the atomic block above so the revocation is committed whatever the caller
        # does with the 401 that follows.
        revoked = revoke_family(family.pk, "reuse")
        if revoked:
            logger.warning(
                "Refresh token replayed: login session %s of user %s revoked",
                family.pk,
                family.user_id,
            )
        raise TokenRevoked("Token is blacklisted")
    raise TokenRevoked("No active account found for the given token.")


def _password_changed(token, user) -> bool:
    from rest_framework_simplejwt.utils import get_md5_hash_password

    return token.get(api_settings.REVOKE_TOKEN_CLAIM) != get_md5_hash_password(user.password)


def logout(raw) -> None:
    """Ends the login: the refresh token is blacklisted and its family (access tokens too) revoked.
    An invalid, blacklisted or already-ended token → TokenError/TokenRevoked (401)."""
    token = _decode_refresh(raw)
    with transaction.atomic():
        family = _live_family(token, lock=True)
        if BlacklistedToken.objects.filter(token__jti=token[api_settings.JTI_CLAIM]).exists():
            raise TokenRevoked("Token is blacklisted")
        _blacklist(token, family.user)
        revoke_family(family.pk, "logout")


def _family_id(token) -> uuid.UUID:
    try:
        return uuid.UUID(str(token.get(FAMILY_CLAIM)))
    except ValueError:
        raise TokenRevoked("Token is invalid") from None


@functools.cache
def _live_user_sql(vendor: str) -> str:
    """`SELECT user's columns FROM user JOIN family ... WHERE family alive`, built once per process
    from the models' own table and column names (no user input). Raw SQL read through a plain
    cursor because compiling the equivalent ORM query, or even a RawQuerySet's column mapping,
    cost more than running it (bench/auth_cost.py). The columns are the user model's concrete
    fields in order, so `Model.from_db` builds the user without any name lookups."""
    user_model = get_user_model()
    quote = connection.ops.quote_name
    user_table = quote(user_model._meta.db_table)
    user_pk = quote(user_model._meta.pk.column)
    family_table = quote(TokenFamily._meta.db_table)
    columns = ", ".join(f"{user_table}.{quote(f.column)}" for f in user_model._meta.concrete_fields)
    return (
        f"SELECT {columns} FROM {user_table} "  # nosec B608
        f"INNER JOIN {family_table} ON {family_table}.user_id = {user_table}.{user_pk} "
        f"WHERE {family_table}.id = %s AND {family_table}.user_id = %s "
        f"AND {family_table}.revoked_at IS NULL AND {family_table}.expires_at > %s"
    )


def _live_user(params: list):
    """The token's user if its login is alive, else None: one indexed query."""
    user_model = get_user_model()
    with connection.cursor() as cursor:
        cursor.execute(_live_user_sql(connection.vendor), params)
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    wrapper = connections[connection.alias]  # this thread's connection (the proxy is not hashable)
    for index, converters in _user_converters(wrapper):
        for convert, column in converters:
            values[index] = convert(values[index], column, wrapper)
    names = [f.attname for f in user_model._meta.concrete_fields]
    return user_model.from_db(connection.alias, names, values)


# Per connection object (one per thread, dropped with it): the backend's converters are bound to
# the connection they were asked from.
_USER_CONVERTERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _user_converters(wrapper) -> tuple:
    """The converters the ORM would apply to each column of `_live_user_sql` (the backend's,
    e.g. SQLite's text to datetime, then the field's own), as (index, [(convert, column)])."""
    found = _USER_CONVERTERS.get(wrapper)
    if found is None:
        table = get_user_model()._meta.db_table
        converters = []
        for index, field in enumerate(get_user_model()._meta.concrete_fields):
            column = field.get_col(table)
            convs = wrapper.ops.get_db_converters(column) + column.get_db_converters(wrapper)
            if convs:
                converters.append((index, [(convert, column) for convert in convs]))
        found = _USER_CONVERTERS[wrapper] = tuple(converters)
    return found


def check_access(validated_token, user_rule):
    """The per-request check: one indexed query (the login session by primary key, joined to its
    user, alive and unexpired) answers both "is this login still alive" and "who is the user".
    No cache, so a revocation or deactivation committed before the request started is always
    seen."""
    family_id = _family_id(validated_token)
    user_model = get_user_model()
    try:
        user_id = user_model._meta.pk.to_python(validated_token.get(api_settings.USER_ID_CLAIM))
    except ValidationError:
        raise TokenRevoked("Token is invalid") from None
    params = [
        TokenFamily._meta.pk.get_db_prep_value(family_id, connection),
        user_id,
        connection.ops.adapt_datetimefield_value(timezone.now()),
    ]
    user = _live_user(params)
    if user is None:
        raise TokenRevoked("Token is invalid, expired or revoked")
    if not user_rule(user):
        raise TokenRevoked("User is inactive")
    if api_settings.CHECK_REVOKE_TOKEN and _password_changed(validated_token, user):
        raise TokenRevoked("The user's password has been changed.")
    return user


def expired_families_before(when: datetime):
    return TokenFamily.objects.filter(expires_at__lt=when)
