"""JSON renderer for the contract's envelope.

Views build bodies with `responses.success`; errors are shaped by the exception handler. A body
that reaches the renderer without an envelope (a third-party view) is wrapped here, so no
response under /api can escape the contract's shape.
"""

import datetime
import decimal
import uuid
from typing import Any

import orjson
from django.utils.functional import Promise
from rest_framework.renderers import BaseRenderer

from .responses import envelope, is_envelope

#: The one datetime format of every API answer (API.md §1): UTC, microseconds, `Z`.
#: Serializers hand datetimes over unformatted (REST_FRAMEWORK["DATETIME_FORMAT"] = None) and
#: list rows built from `.values()` carry them as they come from the database, so this renderer is
#: the only place a datetime becomes text: one format whatever the endpoint or TIME_ZONE.
DATETIME_EXAMPLE = "2026-11-26T21:02:25.123456Z"


def format_datetime(value: datetime.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(datetime.UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _default(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return format_datetime(value)
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (uuid.UUID,)):
        return str(value)
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, Promise):  # lazy translation strings
        return str(value)
    raise TypeError


class EnvelopeJSONRenderer(BaseRenderer):
    media_type = "application/json"
    format = "json"
    charset = None  # JSON is UTF-8 by definition (RFC 8259)

    def render(self, data: Any, accepted_media_type=None, renderer_context=None) -> bytes:
        response = (renderer_context or {}).get("response")
        if data is None and response is not None and response.status_code == 204:
            return b""
        if not is_envelope(data):
            ok = response is None or response.status_code < 400
            data = envelope("", data) if ok else envelope(str(data), status=0)
        return orjson.dumps(data, default=_default, option=orjson.OPT_PASSTHROUGH_DATETIME)
