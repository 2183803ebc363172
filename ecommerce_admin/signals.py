"""A password change, deactivation or loss of staff status ends every login of the user at once
(API.md §2, "Token lifecycle"), whichever code path saved the user (admin, shell, API)."""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save, pre_save

_WATCHED = ("password", "is_active", "is_staff")


def _remember_revocation(sender, instance, update_fields=None, raw=False, **kwargs):
    instance._revoke_tokens_reason = None
    if raw or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(_WATCHED):
        return  # e.g. update_last_login: no extra query on every login
    old = sender._default_manager.filter(pk=instance.pk).values(*_WATCHED).first()
    if old is None:
        return
    if old["password"] != instance.password:
        instance._revoke_tokens_reason = "password"
    elif old["is_active"] and not instance.is_active:
        instance._revoke_tokens_reason = "inactive"
    elif old["is_staff"] and not instance.is_staff:
        instance._revoke_tokens_reason = "not-staff"


def _revoke(sender, instance, created=False, raw=False, **kwargs):
    reason = getattr(instance, "_revoke_tokens_reason", None)
    if reason and not created and not raw:
        from ecommerce_admin.api.tokens import revoke_user

        revoke_user(instance.pk, reason)
        instance._revoke_tokens_reason = None


def connect() -> None:
    from django.contrib.auth.signals import user_logged_in

    from ecommerce_admin.security_middleware import stamp_session_at_login

    user_logged_in.connect(stamp_session_at_login, dispatch_uid="admin-session-stamp")
    user_model = get_user_model()
    pre_save.connect(_remember_revocation, sender=user_model, dispatch_uid="tokens-pre-save")
    post_save.connect(_revoke, sender=user_model, dispatch_uid="tokens-post-save")
