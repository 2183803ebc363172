"""Security state shared by every worker process: login sessions (token families) and the
login throttle's counters for deployments without a shared cache."""

import uuid

from django.conf import settings
from django.db import models


class TokenFamily(models.Model):
    """One login: every refresh and access token issued from it carries this row's id (`fam`).

    Revoking the row (logout, a replayed refresh token, a password change, deactivation) refuses
    every token of the login at once; `expires_at` is the session's absolute end, which refreshes
    never move (API.md §2, "Token lifecycle").
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="token_families"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = "login session"
        indexes = [
            models.Index(
                fields=["user"],
                condition=models.Q(revoked_at__isnull=True),
                name="tokenfamily_live_by_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.id}"


class ThrottleCounter(models.Model):
    """A fixed-window attempt counter, incremented atomically in the database (one upsert), for
    the embedded default where no shared cache (Redis) is configured."""

    key = models.CharField(max_length=128, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}={self.count}"
