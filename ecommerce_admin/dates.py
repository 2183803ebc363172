"""Local calendar days: every "today", "this month" or day filter counts in settings.TIME_ZONE,
whatever the database session's zone is."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings


def local_zone() -> ZoneInfo:
    """The configured `TIME_ZONE` (read on each call, so a changed setting takes effect)."""
    return ZoneInfo(settings.TIME_ZONE)


def local_midnight(day: dt.date, zone: dt.tzinfo | None = None) -> dt.datetime:
    """The first instant (aware) of `day` in `zone`, by default TIME_ZONE."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone or local_zone())
