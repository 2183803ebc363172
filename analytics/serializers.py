"""Input rules and output shapes of the analytics routes (API.md §5, §6.2).

List rows are built from `values()` dicts by plain functions (a DRF serializer per row costs ~15x
more, PERFORMANCE-AND-SECURITY §B3). The `*RowSerializer` classes document the same shapes in the
OpenAPI schema; a test keeps the two in step.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from drf_spectacular.extensions import OpenApiSerializerExtension
from rest_framework import serializers

from analytics.selectors import DayVisits, VendorFigures
from ecommerce_admin.ids import MAX_ID

MAX_EVENTS = 1000
FUTURE_TOLERANCE = dt.timedelta(minutes=5)
USER_AGENT_LENGTH = 512
CENTS = Decimal("0.01")


def money(value: Decimal | None) -> str | None:
    """A money amount as the contract's two-place decimal string (`"19.90"`)."""
    if value is None:
        return None
    return str(Decimal(value).quantize(CENTS))


# --- Output rows ---------------------------------------------------------------------------------


def order_product_row(row: dict[str, Any]) -> dict[str, Any]:
    price = row["price"]
    return {
        "orderProductId": row["id"],
        "orderId": row["order_id"],
        "customerId": row["customer_id"],
        "email": row["email"],
        "productId": row["product_id"],
        "productName": row["product_name"],
        "quantity": row["quantity"],
        "price": money(price),
        "total": money(price * row["quantity"]),
        "image": row["image"] or None,
        "containerName": row["container_name"] or None,
        "createdDate": row["ordered_at"],
    }


def product_view_row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "customerId": row["customer_id"],
        "productId": row["product_id"],
        "productName": row["product_name"],
        "image": row["image"] or None,
        "containerName": row["container_name"] or None,
        "createdDate": row["created_at"],
    }


def vendor_graph_data(figures: VendorFigures) -> dict[str, Any]:
    return {
        "vendorId": figures.vendor_id,
        "companyName": figures.company_name,
        "productCount": figures.product_count,
        "productSoldCount": figures.product_sold_count,
        "deliveryCount": figures.delivery_count,
        "outOfStockCount": figures.out_of_stock_count,
        "pendingStockCount": figures.pending_stock_count,
    }


def visit_day_row(day: DayVisits) -> dict[str, int]:
    return {
        "dayOfMonth": day.day.day,
        "month": day.day.month,
        "year": day.day.year,
        "visitCount": day.visit_count,
        "uniqueVisitors": day.unique_visitors,
    }


class CountSerializer(serializers.Serializer):
    """Schema marker: `data` is a bare integer (a list route's `count=1` answer)."""


class CountSerializerSchema(OpenApiSerializerExtension):
    target_class = "analytics.serializers.CountSerializer"

    def map_serializer(self, auto_schema, direction):
        return {"type": "integer", "description": "The number of matching rows (with `count`)."}


class EmptySerializer(serializers.Serializer):
    """Schema marker: `data` is `{}`."""


class EmptySerializerSchema(OpenApiSerializerExtension):
    target_class = "analytics.serializers.EmptySerializer"

    def map_serializer(self, auto_schema, direction):
        return {
            "type": "object",
            "additionalProperties": False,
            "maxProperties": 0,
            "description": "`{}` (vendorId 0).",
        }


class OrderProductRowSerializer(serializers.Serializer):
    orderProductId = serializers.IntegerField()
    orderId = serializers.IntegerField()
    customerId = serializers.IntegerField(allow_null=True, help_text="Null if the order has none.")
    email = serializers.CharField()
    productId = serializers.IntegerField(allow_null=True, help_text="Null if the product is gone.")
    productName = serializers.CharField(help_text="The name stored on the order line.")
    quantity = serializers.IntegerField()
    price = serializers.DecimalField(max_digits=12, decimal_places=2)
    total = serializers.DecimalField(max_digits=24, decimal_places=2, help_text="quantity x price")
    image = serializers.CharField(allow_null=True)
    containerName = serializers.CharField(allow_null=True)
    createdDate = serializers.DateTimeField(help_text="The order's creation time.")


class ProductViewRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    customerId = serializers.IntegerField()
    productId = serializers.IntegerField(allow_null=True, help_text="Null if the product is gone.")
    productName = serializers.CharField(allow_null=True)
    image = serializers.CharField(allow_null=True)
    containerName = serializers.CharField(allow_null=True)
    createdDate = serializers.DateTimeField()


class VendorGraphSerializer(serializers.Serializer):
    vendorId = serializers.IntegerField()
    companyName = serializers.CharField()
    productCount = serializers.IntegerField()
    productSoldCount = serializers.IntegerField()
    deliveryCount = serializers.IntegerField()
    outOfStockCount = serializers.IntegerField()
    pendingStockCount = serializers.IntegerField()


class VisitDaySerializer(serializers.Serializer):
    dayOfMonth = serializers.IntegerField()
    month = serializers.IntegerField()
    year = serializers.IntegerField()
    visitCount = serializers.IntegerField()
    uniqueVisitors = serializers.IntegerField()


# --- Event ingestion -----------------------------------------------------------------------------


def _id_field(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class EventSerializer(serializers.Serializer):
    occurredAt = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="ISO 8601; defaults to now; at most 5 minutes in the future.",
    )

    def validate_occurredAt(self, value: dt.datetime | None) -> dt.datetime | None:
        if value is not None and value > timezone.now() + FUTURE_TOLERANCE:
            raise serializers.ValidationError("Must not be more than 5 minutes in the future.")
        return value


class VisitEventSerializer(EventSerializer):
    customerId = _id_field(required=False, allow_null=True)
    sessionKey = serializers.CharField(
        max_length=64, required=False, allow_null=True, allow_blank=True
    )
    ipAddress = serializers.IPAddressField(required=False, allow_null=True, allow_blank=True)
    userAgent = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        trim_whitespace=False,
        help_text=f"Stored truncated to {USER_AGENT_LENGTH} characters.",
    )

    def to_event(self, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "customer_id": data.get("customerId"),
            "session_key": data.get("sessionKey") or "",
            "ip_address": data.get("ipAddress") or None,
            "user_agent": (data.get("userAgent") or "")[:USER_AGENT_LENGTH],
            "created_at": data.get("occurredAt"),
        }


class ProductViewEventSerializer(EventSerializer):
    customerId = _id_field()
    productId = _id_field()

    def to_event(self, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "customer_id": data["customerId"],
            "product_id": data["productId"],
            "created_at": data.get("occurredAt"),
        }


def parse_events(body: Any, serializer_class: type[EventSerializer]) -> tuple[list[dict], bool]:
    """Validate one event or a JSON array of up to 1000; return (events, is_bulk).

    Errors name the request's own fields, prefixed with the item index for arrays
    (`[3].customerId`). An array is validated by one list serializer (one set of fields for
    every item: per-item serializers cost ~0.4 ms each).
    """
    if hasattr(body, "keys"):
        form = serializer_class(data=body)
        form.is_valid(raise_exception=True)
        return [form.to_event(form.validated_data)], False
    if not isinstance(body, list):
        raise serializers.ValidationError(
            {"non_field_errors": ["Expected an event object or an array of event objects."]}
        )
    if not body:
        raise serializers.ValidationError({"non_field_errors": ["At least one event is required."]})
    if len(body) > MAX_EVENTS:
        raise serializers.ValidationError(
            {"non_field_errors": [f"At most {MAX_EVENTS} events are allowed per request."]}
        )

    form = serializer_class(data=body, many=True)
    if not form.is_valid():
        errors: dict[str, list[str]] = {}
        item_errors = form.errors  # {index: errors} in DRF 3.18, a list before
        pairs = item_errors.items() if isinstance(item_errors, dict) else enumerate(item_errors)
        for index, fields in sorted(pairs):
            if not isinstance(fields, dict):
                # An item that is not an object at all (`[null]`): DRF reports a bare list.
                fields = {"non_field_errors": fields}
            for field, messages in fields.items():
                key = f"[{index}]" if field == "non_field_errors" else f"[{index}].{field}"
                errors[key] = [str(message) for message in messages]
        raise serializers.ValidationError(errors)
    child = form.child
    return [child.to_event(item) for item in form.validated_data], True


class EventRecordedSerializer(serializers.Serializer):
    id = serializers.IntegerField()


class EventsRecordedSerializer(serializers.Serializer):
    created = serializers.IntegerField()
