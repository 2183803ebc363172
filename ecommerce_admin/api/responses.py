"""The one place success bodies are built: `{"status": 1, "message": ..., "data": ...}`."""

from typing import Any

from rest_framework import status as http_status
from rest_framework.response import Response

_NO_DATA = object()


def envelope(message: str, data: Any = _NO_DATA, *, status: int = 1) -> dict[str, Any]:
    body: dict[str, Any] = {"status": status, "message": message}
    if data is not _NO_DATA:
        body["data"] = data
    return body


def success(message: str, data: Any = _NO_DATA, *, http: int = http_status.HTTP_200_OK) -> Response:
    """A success response; omit `data` for the routes whose contract has none (deletes, logout)."""
    return Response(envelope(message, data), status=http)


def is_envelope(data: Any) -> bool:
    return isinstance(data, dict) and "status" in data and "message" in data
