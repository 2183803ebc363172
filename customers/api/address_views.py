"""The address book routes (API.md §9.7). Thin: permission, parse, one service, the envelope."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema

from customers.models import Address, Customer
from customers.services import addresses as services
from ecommerce_admin.api.contract import ContractViewSet
from ecommerce_admin.api.pagination import EnvelopeListMixin
from ecommerce_admin.api.params import path_id
from ecommerce_admin.api.responses import success
from ecommerce_admin.api.schema import path_parameter, rows_or_count
from ecommerce_admin.errors import DomainError

from .address_serializers import AddressSerializer, AddressWriteSerializer, address_data

LIST_MESSAGE = "Successfully got the customer address"


LIST_PARAMETERS = [
    OpenApiParameter(
        "limit",
        OpenApiTypes.INT,
        description="Rows per page, at most 1000; absent or 0 = every row.",
    ),
    OpenApiParameter("offset", OpenApiTypes.INT, description="Rows to skip (default 0)."),
    OpenApiParameter(
        "count",
        OpenApiTypes.STR,
        enum=["1", "0", "true", "false"],
        description="`1`/`true`: answer the number of matching rows in `data` instead.",
    ),
]


class EveryRowWithoutLimitMixin:
    """API.md §9.7/§9.8: `limit` absent or 0 means every row, not §4's "up to 1000". These
    lists are bounded by nature (one customer's addresses, ~3,600 zones)."""

    def page_of(self, queryset, window):
        if self.request.query_params.get("limit") in (None, "0"):
            return queryset[window.offset :]
        return super().page_of(queryset, window)


@extend_schema(tags=["customer addresses"])
class AddressViewSet(EveryRowWithoutLimitMixin, EnvelopeListMixin, ContractViewSet):
    serializer_class = AddressSerializer
    filter_backends: list = []
    limit_required = False
    list_message = count_message = LIST_MESSAGE
    required_permissions = {
        "list": "customers.view_address",
        "create": "customers.add_address",
        "update": "customers.change_address",
        "destroy": "customers.delete_address",
    }

    queryset = Address.objects.none()  # for the schema generator only

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        customer_id = path_id(self.kwargs)
        if not Customer.objects.alive().filter(pk=customer_id).exists():
            raise DomainError(services.INVALID_CUSTOMER)
        return (
            Address.objects.filter(customer_id=customer_id)
            .select_related("zone")
            .order_by("-created_at", "-id")
        )

    @extend_schema(
        parameters=[
            path_parameter("id", "The customer whose addresses to list."),
            *LIST_PARAMETERS,
            OpenApiParameter(
                "customerId",
                OpenApiTypes.STR,
                description="Accepted and ignored (the path decides).",
            ),
        ],
        responses=OpenApiResponse(rows_or_count("Address")),
        summary="A customer's addresses (newest first) or their count",
        description="Unknown or deleted customer → 400 `Invalid customer Id.`.",
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=AddressWriteSerializer,
        responses=AddressSerializer,
        summary="Add an address",
        description="Order of checks: fields (422) → customer → country → zone (400).",
    )
    def create(self, request):
        form = AddressWriteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        address = services.address_create(
            customer_id=form.validated_data["customerId"],
            fields=form.fields_for_service(),
            by=request.user,
        )
        return success("Address added successfully", address_data(address))

    @extend_schema(
        parameters=[path_parameter("id", "Address id.")],
        request=AddressWriteSerializer,
        responses=AddressSerializer,
        summary="Replace an address",
        description="The create body as a whole; `customerId` and `addressId` in it are ignored. "
        "Unknown address (or its customer deleted) → 400 `Invalid address Id.`, checked first.",
    )
    def update(self, request, pk=None):
        address_id = path_id(self.kwargs)
        services.alive_address(address_id)  # before the body (API.md §9.7)
        form = AddressWriteSerializer(data=request.data, for_update=True)
        form.is_valid(raise_exception=True)
        address = services.address_update(
            address_id=address_id, fields=form.fields_for_service(), by=request.user
        )
        return success("Successfully updated address", address_data(address))

    @extend_schema(
        parameters=[path_parameter("id", "Address id.")],
        request=None,
        responses={200: None},
        summary="Delete an address",
    )
    def destroy(self, request, pk=None):
        services.address_delete(address_id=path_id(self.kwargs), by=request.user)
        return success("Successfully deleted address")
