"""The one exception handler: every error under /api leaves in the contract's envelope.

Business errors (`DomainError`) are 400, validation errors 422 with `errors`, the database being
unreachable a 503 with Retry-After (ecommerce_admin/db_faults.py), and anything unexpected a 500
with a fixed message: no exception text, SQL or traceback reaches a client.
"""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError

from ecommerce_admin.db_faults import (
    UNAVAILABLE_MESSAGE,
    discard_broken_connections,
    is_database_unavailable,
    log_unavailable,
    retry_after,
)
from ecommerce_admin.errors import DomainError

from .responses import envelope

logger = logging.getLogger("ecommerce_admin.api")

SERVER_ERROR_MESSAGE = "Internal server error."
NOT_FOUND_MESSAGE = "Not found."
BODY_TOO_LARGE_MESSAGE = "Request body is too large."


def normalise_errors(detail: Any, field: str = "non_field_errors") -> dict[str, list[str]]:
    """Flatten DRF's nested error detail into `{field: [messages]}` with dotted field paths."""
    if isinstance(detail, dict):
        errors: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = key if field == "non_field_errors" else f"{field}.{key}"
            for sub_field, messages in normalise_errors(value, name).items():
                errors.setdefault(sub_field, []).extend(messages)
        return errors
    if isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            return {field: [str(item) for item in detail]}
        errors = {}
        for index, item in enumerate(detail):
            for sub_field, messages in normalise_errors(item, f"{field}[{index}]").items():
                errors.setdefault(sub_field, []).extend(messages)
        return errors
    return {field: [str(detail)]}


def validation_message(errors: dict[str, list[str]]) -> str:
    field, messages = next(iter(errors.items()), ("request", ["Invalid input."]))
    message = messages[0] if messages else "Invalid input."
    if field == "non_field_errors":
        return message
    return f"{field}: {message}"


def validation_response(errors: dict[str, list[str]]) -> Response:
    message = validation_message(errors)
    body = envelope(message, status=0)
    body["errors"] = errors
    # API.md §9.3: the original admin's interceptor shows a 422's text only from `data.message`.
    body["data"] = {"message": message}
    return Response(body, status=422)


def _detail_text(detail: Any) -> str:
    if isinstance(detail, dict):
        # simplejwt's InvalidToken carries {"detail": ..., "code": ..., "messages": [...]}.
        return str(detail.get("detail") or next(iter(detail.values()), ""))
    if isinstance(detail, list):
        return str(detail[0]) if detail else ""
    return str(detail)


def envelope_exception_handler(exc: Exception, context: dict) -> Response:
    set_rollback()
    headers: dict[str, str] = {}

    if isinstance(exc, DomainError):
        return Response(envelope(exc.message, status=0), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, exceptions.ValidationError):
        return validation_response(normalise_errors(exc.detail))
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return validation_response(normalise_errors(detail))
    if isinstance(exc, (RequestDataTooBig, TooManyFieldsSent)):
        return Response(envelope(BODY_TOO_LARGE_MESSAGE, status=0), status=413)
    if isinstance(exc, TokenError):
        exc = InvalidToken(str(exc))
    if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
        # DRF turns these into 403 when the view has no authenticator; the contract wants 401.
        headers["WWW-Authenticate"] = 'Bearer realm="api"'
        return Response(envelope(_detail_text(exc.detail), status=0), status=401, headers=headers)
    if isinstance(exc, (Http404, exceptions.NotFound)):
        return Response(envelope(NOT_FOUND_MESSAGE, status=0), status=404)
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.Throttled):
        if exc.wait is not None:
            headers["Retry-After"] = str(int(exc.wait) + (exc.wait % 1 > 0))
        return Response(envelope(_detail_text(exc.detail), status=0), status=429, headers=headers)
    if isinstance(exc, exceptions.APIException):
        return Response(envelope(_detail_text(exc.detail), status=0), status=exc.status_code)

    if is_database_unavailable(exc):
        # An outage is not a server fault (API.md §10): tell the client when to come back.
        log_unavailable(exc, context.get("view").__class__.__name__)
        discard_broken_connections()
        headers["Retry-After"] = retry_after()
        return Response(envelope(UNAVAILABLE_MESSAGE, status=0), status=503, headers=headers)

    logger.exception("Unhandled error in %s", context.get("view").__class__.__name__)
    return Response(envelope(SERVER_ERROR_MESSAGE, status=0), status=500)
