"""Personal data routes (API.md §12). Thin: permissions, input, one service, the answer."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status as http_status

from ecommerce_admin.api.contract import ContractViewSet
from ecommerce_admin.api.params import path_id
from ecommerce_admin.api.responses import success
from ecommerce_admin.api.schema import path_parameter
from jobs.api.serializers import JobSerializer
from privacy import jobs, services

from .permissions import AllRoutePermissions
from .serializers import EraseSerializer, ErasureSerializer

DATA_EXPORT_PERMISSIONS = ("customers.view_customer", "customers.export_customer")
ERASE_PERMISSIONS = ("customers.delete_customer", "customers.erase_customer")


@extend_schema(tags=["personal data"])
class CustomerErasureViewSet(ContractViewSet):
    permission_classes = [AllRoutePermissions]
    required_permissions = {"erase": ERASE_PERMISSIONS, "cancel": ERASE_PERMISSIONS}

    @extend_schema(
        parameters=[path_parameter("id", "Customer id.")],
        request=EraseSerializer,
        responses=ErasureSerializer,
        summary="Erase a customer (anonymise in place), now or after a grace period",
        description=(
            "Schedules the erasure `graceDays` (0-30, default 14) from now → `Erasure "
            "scheduled`; with `graceDays` 0 erases at once → `Customer erased`. Irreversible "
            "once carried out: names become `Erased customer`, e-mail and username "
            "`erased-<id>@invalid`, every other personal field is cleared, orders keep their "
            "figures, visits lose IP and user agent, audit events keep who/what/when with "
            "personal values `[erased]`. Asking again while one is scheduled replaces its date "
            "and reason. 400 `Invalid customer Id.` for an unknown id, 400 `This customer has "
            "already been erased.` for an erased one. Needs `customers.delete_customer` and "
            "`customers.erase_customer`."
        ),
    )
    def erase(self, request, pk=None):
        form = self.validated(EraseSerializer)
        result = services.erasure_request(
            customer_id=path_id(self.kwargs),
            reason=form.validated_data["reason"],
            grace_days=form.validated_data["graceDays"],
            by=request.user,
        )
        data = ErasureSerializer(
            {"customerId": result.customer_id, "eraseAfter": result.erase_after}
        ).data
        return success("Customer erased" if result.erased else "Erasure scheduled", data)

    @extend_schema(
        parameters=[path_parameter("id", "Customer id.")],
        request=None,
        responses={200: OpenApiResponse(description="`Erasure cancelled` (no `data`).")},
        summary="Cancel a scheduled erasure",
        description=(
            "400 `No erasure is scheduled for this customer.` when none is; 400 `Invalid "
            "customer Id.` for an unknown or erased id."
        ),
    )
    def cancel(self, request, pk=None):
        services.erasure_cancel(customer_id=path_id(self.kwargs), by=request.user)
        return success("Erasure cancelled")


@extend_schema(tags=["personal data"])
class CustomerDataExportViewSet(ContractViewSet):
    permission_classes = [AllRoutePermissions]
    required_permissions = {"export": DATA_EXPORT_PERMISSIONS}

    @extend_schema(
        parameters=[path_parameter("id", "Customer id.")],
        request=None,
        responses={
            202: JobSerializer,
            400: OpenApiResponse(description="`Invalid customer Id.`"),
        },
        summary="Queue the ZIP of a customer's personal data (a `customer-data-export` job)",
        description=(
            "202 `Data export queued` with the job (API.md §11); download its file through "
            "`GET /api/jobs/{jobId}/download` once `done`: a ZIP holding `customer.json` (every "
            "stored field except the password hash, plus group and addresses), `orders.json` "
            "(orders and their lines), `product_views.json`, `visits.json`, `audit.json` (the "
            "audit events about the customer) and `README.txt`. An erasure of the customer "
            "deletes the files of its earlier data exports. 400 `Invalid customer Id.` for an "
            "unknown, deleted or erased id. Needs `customers.view_customer` and "
            "`customers.export_customer`."
        ),
    )
    def export(self, request, pk=None):
        job = jobs.data_export_request(
            customer_id=path_id(self.kwargs),
            by=request.user,
            source="api",
            site_url=request.build_absolute_uri("/").rstrip("/"),
        )
        return success(
            "Data export queued", JobSerializer(job).data, http=http_status.HTTP_202_ACCEPTED
        )
