"""OpenAPI: every JSON response is described inside the contract's envelope.

Views describe only their `data` payload (`@extend_schema(responses=...)`); this AutoSchema
wraps it in `{status, message, data}`, turns DRF's default 204 for DELETE into the contract's
200 without `data`, and adds the error envelopes every route can answer with.
"""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

JSON = "application/json"

ERROR_ENVELOPE = {
    "type": "object",
    "properties": {
        "status": {"type": "integer", "enum": [0]},
        "message": {"type": "string"},
    },
    "required": ["status", "message"],
}
VALIDATION_ENVELOPE = {
    "type": "object",
    "properties": {
        **ERROR_ENVELOPE["properties"],
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        "data": {
            "type": "object",
            "description": "The top-level `message` again, where the original admin reads it.",
            "properties": {"message": {"type": "string"}},
            "required": ["message"],
        },
    },
    "required": ["status", "message", "errors", "data"],
}

ERROR_RESPONSES = {
    "400": "Business rule refused the request (message from API.md §8).",
    "401": "Missing, invalid or expired access token.",
    "403": "The staff user lacks the route's permission.",
    "404": "Not found.",
    "405": "Method not allowed.",
    "413": "Request body too large.",
    "415": "Unsupported media type.",
    "422": "Validation error: `errors` maps each bad field to its messages; `data.message` "
    "repeats `message` (API.md §9.3).",
    "429": "Request was throttled.",
    "500": "Internal server error (never any detail).",
    "503": (
        "The database cannot be reached right now (API.md §10): "
        '`{"status": 0, "message": "Service temporarily unavailable."}`; retry after the '
        "`Retry-After` header's seconds. Nothing was committed unless a retry finds it done."
    ),
}
RETRY_AFTER_HEADER = {
    "Retry-After": {
        "description": "Seconds to wait before retrying.",
        "schema": {"type": "integer", "minimum": 1},
    }
}


def success_envelope(data_schema: dict | None) -> dict:
    schema = {
        "type": "object",
        "properties": {
            "status": {"type": "integer", "enum": [1]},
            "message": {"type": "string"},
        },
        "required": ["status", "message"],
    }
    if data_schema is not None:
        schema["properties"]["data"] = data_schema
        schema["required"].append("data")
    return schema


class StaffJWTScheme(SimpleJWTScheme):
    """Publishes the bearer scheme of our JWT authenticator (a subclass the contrib one skips)."""

    target_class = "ecommerce_admin.api.auth.StaffJWTAuthentication"


RAW_SCHEMA_KEYS = {"type", "oneOf", "anyOf", "allOf", "$ref", "properties"}


class EnvelopeAutoSchema(AutoSchema):
    _raw_data_schema = False

    def _get_response_for_code(self, serializer, status_code, *args, **kwargs):
        # A raw schema given by the view (e.g. `oneOf` rows-or-count for the `count` switch)
        # already describes all of `data`; spectacular would wrap it in an array on `list`.
        raw = serializer.response if isinstance(serializer, OpenApiResponse) else serializer
        self._raw_data_schema = isinstance(raw, dict) and bool(RAW_SCHEMA_KEYS & set(raw))
        try:
            return super()._get_response_for_code(serializer, status_code, *args, **kwargs)
        finally:
            self._raw_data_schema = False

    def _is_list_view(self, serializer=None) -> bool:
        return False if self._raw_data_schema else super()._is_list_view(serializer)

    #: Set on a view to leave its responses untouched (file downloads, the health check).
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if getattr(self.view, "schema_raw_responses", False):
            return self._with_errors(responses)
        wrapped = {}
        for code, response in responses.items():
            if code == "204":
                code, response = "200", {"description": "Success without data."}
            if code.startswith("2"):
                content = response.get("content") or {}
                if JSON in content or not content:
                    data_schema = content.get(JSON, {}).get("schema") if content else None
                    response = {
                        **response,
                        "content": {JSON: {"schema": success_envelope(data_schema)}},
                    }
            wrapped[code] = response
        return self._with_errors(wrapped)

    def _with_errors(self, responses: dict) -> dict:
        public = getattr(self.view, "public", False)
        for code, description in ERROR_RESPONSES.items():
            if public and code in {"401", "403"} and not getattr(self.view, "auth_errors", False):
                continue
            schema = VALIDATION_ENVELOPE if code == "422" else ERROR_ENVELOPE
            responses.setdefault(
                code, {"description": description, "content": {JSON: {"schema": schema}}}
            )
        if "503" in responses:
            responses["503"].setdefault("headers", RETRY_AFTER_HEADER)
        return responses


def document_datetimes(result, generator, request, public):
    """Every `date-time` property states the one format the renderer writes (renderers.py)."""
    from .renderers import DATETIME_EXAMPLE

    description = "UTC, with microseconds and `Z` (the same format in every answer)."

    def visit(node):
        if isinstance(node, dict):
            if node.get("type") == "string" and node.get("format") == "date-time":
                node.setdefault("pattern", r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
                node.setdefault("example", DATETIME_EXAMPLE)
                if description not in node.get("description", ""):
                    node["description"] = " ".join(
                        part for part in (node.get("description"), description) if part
                    )
            for child in node.values():
                visit(child)
        elif isinstance(node, list):
            for child in node:
                visit(child)

    # Answers only: a request's datetime (e.g. `occurredAt`) accepts other ISO 8601 spellings.
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if not name.endswith("Request"):
            visit(component)
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict):
                visit(operation.get("responses", {}))
    return result


# --- Helpers for the views' @extend_schema -----------------------------------------------------
def path_parameter(name: str, description: str) -> OpenApiParameter:
    """An id in the route (digits only; see `params.path_id`)."""
    return OpenApiParameter(
        name, OpenApiTypes.INT, OpenApiParameter.PATH, description=description, pattern="^[0-9]+$"
    )


def rows_or_count(component: str) -> dict:
    """A list's `data`: its rows, or with `count` the number of matching rows (API.md §1)."""
    return {
        "oneOf": [
            {"type": "array", "items": {"$ref": f"#/components/schemas/{component}"}},
            {"type": "integer", "description": "With `count`: the number of matching rows."},
        ]
    }
