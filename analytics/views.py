"""The analytics routes (API.md §5) and storefront event ingestion (§6.2). Thin: parse, call a
selector or a service, shape the envelope."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import serializers

from analytics import filters, selectors, services
from analytics import serializers as out
from ecommerce_admin.api.contract import ContractAPIView
from ecommerce_admin.api.params import parse_int, parse_list_window
from ecommerce_admin.api.responses import success
from ecommerce_admin.errors import DomainError


def _int_param(name: str, description: str, *, required: bool = False) -> OpenApiParameter:
    return OpenApiParameter(
        name, OpenApiTypes.INT, OpenApiParameter.QUERY, required=required, description=description
    )


def _required(query_params, name: str) -> str:
    value = query_params.get(name)
    if value is None:
        raise serializers.ValidationError({name: ["This parameter is required."]})
    return value


LIST_PARAMETERS = [
    _int_param("limit", "Rows per page, 1-1000. Required unless `count` is set."),
    _int_param("offset", "Rows to skip (default 0)."),
    OpenApiParameter(
        "count",
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        enum=["1", "0", "true", "false"],
        description="`1`/`true`: answer the number of matching rows in `data` instead of rows.",
    ),
    _int_param(
        "customerId",
        "Only this customer's rows (digits only; deleted customers' history is included).",
    ),
]


def _email_param(whose: str) -> OpenApiParameter:
    return OpenApiParameter(
        "emailId",
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        description=f"Only rows whose {whose} e-mail equals this (case-insensitive, trimmed; "
        "an exact match). Empty = no filter; combines with `customerId` (AND). API.md §9.4.",
    )


def _list_or_count(name: str, row: type[serializers.Serializer]) -> PolymorphicProxySerializer:
    return PolymorphicProxySerializer(
        component_name=name,
        serializers=[row(many=True), out.CountSerializer],
        resource_type_field_name=None,
        many=False,
    )


class AnalyticsListView(ContractAPIView):
    """A newest-first list with the contract's limit/offset/count and an optional customerId."""

    list_message = ""
    count_message = ""
    filterset_class: type | None = None

    def get(self, request):
        params = request.query_params
        window = parse_list_window(params)
        raw_customer = params.get("customerId")
        customer_id = None if raw_customer is None else parse_int("customerId", raw_customer)
        if window.count:
            lines = filters.apply(self.filterset_class, params, self.lines(customer_id=customer_id))
            return success(self.count_message, lines.count())
        rows = filters.apply(self.filterset_class, params, self.rows(customer_id=customer_id))
        page = rows[window.offset : window.offset + window.limit]
        return success(self.list_message, [self.shape(row) for row in page])


class OrderProductListView(AnalyticsListView):
    required_permissions = {"get": "sales.view_orderproduct", "head": "sales.view_orderproduct"}
    list_message = "Successfully got order product list"
    count_message = "Successfully got the count of order product count"

    filterset_class = filters.OrderProductFilter
    lines = staticmethod(selectors.order_product_lines)
    rows = staticmethod(selectors.order_product_rows)
    shape = staticmethod(out.order_product_row)

    @extend_schema(
        summary="Ordered products (order lines), newest order first",
        description=(
            "Order lines of every customer (deleted customers included), or of `customerId`. "
            "`productName` is the name stored on the line; `image`/`containerName` are the "
            "product's, null when empty or when the product is gone. `total` = quantity x price. "
            "With `count`, `data` is the number of matching lines."
        ),
        parameters=[*LIST_PARAMETERS, _email_param("order's")],
        responses=_list_or_count("OrderProductListData", out.OrderProductRowSerializer),
        tags=["analytics"],
    )
    def get(self, request):
        return super().get(request)


class ProductViewLogListView(AnalyticsListView):
    required_permissions = {
        "get": "analytics.view_productviewlog",
        "head": "analytics.view_productviewlog",
    }
    list_message = "Successfully got product view log list"
    count_message = "Successfully got the count of product view log list"

    filterset_class = filters.ProductViewLogFilter
    lines = staticmethod(selectors.product_views)
    rows = staticmethod(selectors.product_view_rows)
    shape = staticmethod(out.product_view_row)

    @extend_schema(
        summary="Product views, newest first",
        description=(
            "Every recorded product view (deleted customers included), or those of `customerId`. "
            "Product fields are null when the product is gone. With `count`, `data` is the "
            "number of matching views."
        ),
        parameters=[*LIST_PARAMETERS, _email_param("customer's")],
        responses=_list_or_count("ProductViewLogListData", out.ProductViewRowSerializer),
        tags=["analytics"],
    )
    def get(self, request):
        return super().get(request)


class VendorGraphView(ContractAPIView):
    required_permissions = {"get": "sales.view_vendor", "head": "sales.view_vendor"}

    @extend_schema(
        summary="A vendor's product and sales figures for a period",
        description=(
            "Periods are computed in the server's TIME_ZONE: 1 = today, 2 = this ISO week "
            "(Monday-Sunday), 3 = this month, 4 = this year. `vendorId=0` answers `data` = `{}`; "
            "an unknown vendor is a 400 `Invalid Vendor.`."
        ),
        parameters=[
            _int_param("vendorId", "The vendor (0 = none: empty `data`).", required=True),
            OpenApiParameter(
                "duration",
                OpenApiTypes.INT,
                OpenApiParameter.QUERY,
                required=True,
                enum=[1, 2, 3, 4],
                description="1 = today, 2 = this week, 3 = this month, 4 = this year.",
            ),
        ],
        responses=PolymorphicProxySerializer(
            component_name="VendorGraphData",
            serializers=[out.VendorGraphSerializer, out.EmptySerializer],
            resource_type_field_name=None,
        ),
        tags=["analytics"],
    )
    def get(self, request):
        params = request.query_params
        vendor_id = parse_int("vendorId", _required(params, "vendorId"))
        period = selectors.Period(
            parse_int("duration", _required(params, "duration"), minimum=1, maximum=4)
        )
        message = "Successfully got the vendor graph list"
        if vendor_id == 0:
            return success(message, {})
        figures = selectors.vendor_figures(vendor_id=vendor_id, period=period)
        if figures is None:
            raise DomainError("Invalid Vendor.")
        return success(message, out.vendor_graph_data(figures))


class CustomerVisitListView(ContractAPIView):
    required_permissions = {
        "get": "analytics.view_customervisit",
        "head": "analytics.view_customervisit",
    }

    @extend_schema(
        summary="Storefront visits per day of a month (zero-filled)",
        description=(
            "One entry per day of the month, in order. Days are calendar days in the server's "
            "TIME_ZONE. `uniqueVisitors` counts distinct visitors that day: the customer when "
            "known, else the session key, else the IP address."
        ),
        parameters=[
            _int_param("month", "1-12.", required=True),
            _int_param("year", "2000-2100.", required=True),
        ],
        responses=out.VisitDaySerializer(many=True),
        tags=["analytics"],
    )
    def get(self, request):
        params = request.query_params
        month = parse_int("month", _required(params, "month"), minimum=1, maximum=12)
        year = parse_int("year", _required(params, "year"), minimum=2000, maximum=2100)
        days = selectors.visits_per_day(year=year, month=month)
        return success(
            "Successfully got the customer visit list", [out.visit_day_row(day) for day in days]
        )


def _ingestion_schema(name: str, event: type[serializers.Serializer], example: dict):
    return extend_schema(
        summary=f"Record storefront {name.replace('_', ' ')} (one event or an array of ≤ 1000)",
        description=(
            "A single event object answers 201 `Event recorded` with the new row's `id`; a JSON "
            "array of up to 1000 events is inserted in one statement and answers 201 "
            "`Events recorded` with `created`. All or nothing: an unknown (or soft-deleted) "
            "customer → 400 `Invalid customer Id.`, an unknown product → 400 "
            "`Invalid product Id.` (the customer message when both are unknown), a malformed "
            "event or more than 1000 → 422; nothing is inserted then. `occurredAt` defaults to "
            "now and may be at most 5 minutes in the future. Arrays need a JSON body."
        ),
        request=PolymorphicProxySerializer(
            component_name=f"{event.__name__.removesuffix('Serializer')}Body",
            serializers=[event, event(many=True)],
            resource_type_field_name=None,
            many=False,
        ),
        responses={
            201: PolymorphicProxySerializer(
                component_name=f"{event.__name__.removesuffix('Serializer')}Recorded",
                serializers=[out.EventRecordedSerializer, out.EventsRecordedSerializer],
                resource_type_field_name=None,
            )
        },
        examples=[
            OpenApiExample("One event", value=example, request_only=True),
            OpenApiExample("Bulk", value=[example, example], request_only=True),
        ],
        tags=["analytics"],
    )


class EventIngestionView(ContractAPIView):
    event_serializer: type[out.EventSerializer]

    def record(self, events):
        raise NotImplementedError

    def post(self, request):
        events, bulk = out.parse_events(request.data, self.event_serializer)
        created = self.record(events=events)
        if bulk:
            return success("Events recorded", {"created": len(created)}, http=201)
        return success("Event recorded", {"id": created[0].pk}, http=201)


class VisitIngestionView(EventIngestionView):
    required_permissions = {"post": "analytics.add_customervisit"}
    event_serializer = out.VisitEventSerializer
    record = staticmethod(services.visits_record)

    @_ingestion_schema(
        "visits",
        out.VisitEventSerializer,
        {
            "customerId": 12,
            "sessionKey": "f3a9c1",
            "ipAddress": "203.0.113.7",
            "userAgent": "Mozilla/5.0",
        },
    )
    def post(self, request):
        return super().post(request)


class ProductViewIngestionView(EventIngestionView):
    required_permissions = {"post": "analytics.add_productviewlog"}
    event_serializer = out.ProductViewEventSerializer
    record = staticmethod(services.product_views_record)

    @_ingestion_schema(
        "product_views",
        out.ProductViewEventSerializer,
        {"customerId": 12, "productId": 345, "occurredAt": "2026-11-26T21:02:25Z"},
    )
    def post(self, request):
        return super().post(request)
