"""Customer and customer-group routes (API.md §3, §4). Thin: permission, queryset, one service.

Errors are raised (DomainError → 400, ValidationError → 422) and shaped by the one exception
handler; success bodies come from `success()`.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema

from customers import selectors, services
from customers.filters import CustomerFilter, CustomerGroupFilter
from customers.models import Customer, CustomerGroup
from customers.querysets import as_list_rows
from ecommerce_admin.api.contract import ContractViewSet
from ecommerce_admin.api.pagination import EnvelopeListMixin
from ecommerce_admin.api.params import path_id
from ecommerce_admin.api.responses import success
from ecommerce_admin.api.schema import path_parameter, rows_or_count
from ecommerce_admin.errors import DomainError

from .address_serializers import CustomerDetailSerializer, customer_addresses
from .serializers import (
    CustomerBulkStatusSerializer,
    CustomerCountSerializer,
    CustomerCreateSerializer,
    CustomerIdsSerializer,
    CustomerRowSerializer,
    CustomerSerializer,
    CustomerUpdateSerializer,
    GroupSerializer,
    GroupWriteSerializer,
    TodayCountSerializer,
)

RECENT_COUNT = 5
INVALID_CUSTOMER_DETAIL = "invalid CustomerId"


# --- OpenAPI helpers ---------------------------------------------------------------------------
def _list_parameters(*, limit_required: bool) -> list[OpenApiParameter]:
    limit_text = (
        "Rows per page, 1-1000. Required unless `count` is set."
        if limit_required
        else "Rows per page, at most 1000; absent or 0 = every group (up to 1000)."
    )
    return [
        OpenApiParameter("limit", OpenApiTypes.INT, description=limit_text),
        OpenApiParameter("offset", OpenApiTypes.INT, description="Rows to skip (default 0)."),
        OpenApiParameter(
            "count",
            OpenApiTypes.STR,
            enum=["1", "0", "true", "false"],
            description="`1`/`true`: answer the number of matching rows in `data` instead.",
        ),
    ]


# --- Customers ---------------------------------------------------------------------------------
@extend_schema(tags=["customers"])
class CustomerViewSet(EnvelopeListMixin, ContractViewSet):
    filterset_class = CustomerFilter
    serializer_class = CustomerSerializer
    list_message = "Successfully got Customer list."
    count_message = "Successfully got count "
    required_permissions = {
        "create": "customers.add_customer",
        "list": "customers.view_customer",
        "retrieve": "customers.view_customer",
        "recent": "customers.view_customer",
        "today_count": "customers.view_customer",
        "customer_count": "customers.view_customer",
        "update": "customers.change_customer",
        "bulk_status": "customers.change_customer",
        "destroy": "customers.delete_customer",
        "bulk_delete": "customers.delete_customer",
    }

    def get_queryset(self):
        return Customer.objects.alive().newest_first()

    def get_rows_queryset(self):
        return selectors.alive_list_rows()

    def unfiltered_page(self, window):
        return selectors.alive_list_page(window.offset, window.limit)

    def unfiltered_total(self):
        return selectors.customer_totals()["customers_total"]

    def serialize_rows(self, page, window):
        return as_list_rows(page)

    @staticmethod
    def full(customer: Customer) -> dict:
        return CustomerSerializer(customer).data

    @extend_schema(
        request=CustomerCreateSerializer,
        responses={200: CustomerSerializer},  # the contract answers 200, not 201 (API.md §8)
        summary="Add a customer",
        description="Message `Customer Created Successfully`, or with `mailStatus` = 1 "
        "`Successfully created new customer with email Id and password and email sent.`",
    )
    def create(self, request):
        form = self.validated(CustomerCreateSerializer)
        customer = services.customer_create(**form.service_kwargs(), by=request.user)
        message = (
            "Successfully created new customer with email Id and password and email sent."
            if customer.mail_status
            else "Customer Created Successfully"
        )
        return success(message, self.full(customer))

    @extend_schema(
        parameters=_list_parameters(limit_required=True),
        responses=OpenApiResponse(rows_or_count("CustomerRow")),
        summary="Customer list (newest first) or count",
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        parameters=[path_parameter("id", "Customer id.")],
        responses=CustomerDetailSerializer,
        summary="Customer detail (with the customer's addresses)",
    )
    def retrieve(self, request, pk=None):
        customer = (
            Customer.objects.alive()
            .select_related("customer_group")
            .filter(pk=path_id(self.kwargs))
            .first()
        )
        if customer is None:
            raise DomainError(INVALID_CUSTOMER_DETAIL)
        data = self.full(customer)
        data["addresses"] = customer_addresses(customer.pk)  # the address book (API.md §9.7)
        return success("successfully got Customer details.", data)

    @extend_schema(
        parameters=[path_parameter("id", "Customer id.")],
        request=CustomerUpdateSerializer,
        responses=CustomerSerializer,
        summary="Update a customer",
    )
    def update(self, request, pk=None):
        form = self.validated(CustomerUpdateSerializer)
        customer = services.customer_update(
            customer_id=path_id(self.kwargs), **form.service_kwargs(), by=request.user
        )
        return success("Customer Updated Successfully", self.full(customer))

    @extend_schema(
        parameters=[path_parameter("id", "Customer id.")],
        request=None,
        responses={200: None},
        summary="Soft-delete a customer",
    )
    def destroy(self, request, pk=None):
        services.customer_soft_delete(customer_id=path_id(self.kwargs), by=request.user)
        return success("Customer Deleted Successfully")

    @extend_schema(
        request=CustomerIdsSerializer,
        responses={200: None},
        summary="Soft-delete several customers (all or nothing)",
    )
    def bulk_delete(self, request):
        form = self.validated(CustomerIdsSerializer)
        services.customers_bulk_soft_delete(ids=form.validated_data["customerId"], by=request.user)
        return success("Successfully deleted customer.")

    @extend_schema(
        request=CustomerBulkStatusSerializer,
        responses={200: None},
        summary="Set the status of several customers (all or nothing)",
    )
    def bulk_status(self, request):
        form = self.validated(CustomerBulkStatusSerializer)
        data = form.validated_data
        services.customers_bulk_set_status(
            ids=data["customerIds"], is_active=data["statusId"], by=request.user
        )
        return success("Successfully updated the bulk customer status")

    @extend_schema(
        filters=False,
        responses=CustomerRowSerializer(many=True),
        summary="The 5 newest customers",
    )
    def recent(self, request):
        rows = selectors.alive_list_rows()[:RECENT_COUNT]
        return success("Successfully got Customer list.", as_list_rows(rows))

    @extend_schema(
        filters=False,
        responses=TodayCountSerializer,
        summary="Customers created today (TIME_ZONE)",
    )
    def today_count(self, request):
        count = selectors.customers_created_today()
        return success("Successfully get customerCount", {"customerCount": count})

    @extend_schema(
        filters=False,
        responses=CustomerCountSerializer,
        summary="Customer and group totals",
    )
    def customer_count(self, request):
        totals = selectors.customer_totals()
        return success(
            "Successfully got the Customer Count",
            {
                "totalCustomer": totals["customers_total"],
                "activeCustomer": totals["customers_active"],
                "inActiveCustomer": totals["customers_inactive"],
                "totalCustomerGroup": totals["groups_total"],
                "activeCustomerGroup": totals["groups_active"],
                "inActiveCustomerGroup": totals["groups_inactive"],
            },
        )


# --- Groups ------------------------------------------------------------------------------------
INVALID_GROUP_ID = services.INVALID_GROUP_ID


@extend_schema(tags=["customer groups"])
class CustomerGroupViewSet(EnvelopeListMixin, ContractViewSet):
    filterset_class = CustomerGroupFilter
    serializer_class = GroupSerializer
    limit_required = False
    list_message = count_message = "Successfully got all customer group List"
    required_permissions = {
        "create": "customers.add_customergroup",
        "list": "customers.view_customergroup",
        "retrieve": "customers.view_customergroup",
        "update": "customers.change_customergroup",
        "destroy": "customers.delete_customergroup",
    }

    def get_queryset(self):
        return CustomerGroup.objects.with_customer_count().newest_first()

    def full(self, group_id: int) -> dict:
        return GroupSerializer(self.get_queryset().get(pk=group_id)).data

    @extend_schema(
        request=GroupWriteSerializer,
        responses={200: GroupSerializer},  # the contract answers 200, not 201 (API.md §4)
        summary="Create a group",
    )
    def create(self, request):
        form = self.validated(GroupWriteSerializer)
        group = services.group_create(**form.service_kwargs(), by=request.user)
        return success("Customer Group Created Successfully", self.full(group.pk))

    @extend_schema(
        parameters=_list_parameters(limit_required=False),
        responses=OpenApiResponse(rows_or_count("Group")),
        summary="Group list (newest first) or count",
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        parameters=[path_parameter("id", "Group id.")],
        responses=GroupSerializer,
        summary="Group detail",
    )
    def retrieve(self, request, pk=None):
        group = self.get_queryset().filter(pk=path_id(self.kwargs)).first()
        if group is None:
            raise DomainError(INVALID_GROUP_ID)
        return success("Successfully got Customer Group", GroupSerializer(group).data)

    @extend_schema(
        parameters=[path_parameter("id", "Group id.")],
        request=GroupWriteSerializer,
        responses=GroupSerializer,
        summary="Update a group",
    )
    def update(self, request, pk=None):
        form = self.validated(GroupWriteSerializer)
        group = services.group_update(
            group_id=path_id(self.kwargs), **form.service_kwargs(), by=request.user
        )
        return success("Customer Group updated successfully.", self.full(group.pk))

    @extend_schema(
        parameters=[path_parameter("id", "Group id (a body `groupId` is accepted and ignored).")],
        request=None,
        responses={200: None},
        summary="Delete a group",
    )
    def destroy(self, request, pk=None):
        services.group_delete(group_id=path_id(self.kwargs), by=request.user)
        return success("Group Deleted Successfully.")
