"""Job routes (API.md §11). Thin: parse, one service call, the job object in the envelope."""

from django.core.files.storage import default_storage
from django.http import FileResponse, QueryDict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status as http_status
from rest_framework.exceptions import MethodNotAllowed, NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from customers import exports
from customers.models import Customer
from ecommerce_admin.api.params import parse_list_window
from ecommerce_admin.api.parsers import StrictJSONParser
from ecommerce_admin.api.responses import envelope, success
from ecommerce_admin.errors import DomainError
from ecommerce_admin.ids import MAX_ID, InvalidIdList, parse_id_list

from .. import selectors, services, signing
from ..models import Job
from .serializers import ExportJobRequestSerializer, ImportJobRequestSerializer, JobSerializer

INVALID_IDS = "Invalid customerId"
NOT_FINISHED = "The job has not finished."
NO_FILE = "The job has no file."
EXPIRED = "The file has expired."
ALREADY_FINISHED = "The job has already finished."
#: Files of other kinds than the exports' (a personal-data ZIP, API.md §12).
CONTENT_TYPES = {**exports.CONTENT_TYPES, "zip": "application/zip"}
IMPORT_PERMISSIONS = ("customers.add_customer", "customers.change_customer")


def refuse(message: str, http: int) -> Response:
    return Response(envelope(message, status=0), status=http)


def site_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


class JobView(APIView):
    """Staff-only (the JWT authentication admits staff only); finer checks per view."""

    public = True

    def initial(self, request, *args, **kwargs):
        # The contract's 405 for a method the route does not have, before any permission check.
        if not hasattr(self, request.method.lower()) and request.method != "OPTIONS":
            raise MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)

    def get_job(self, request, pk) -> Job:
        job = selectors.job_for(request.user, pk)
        if job is None:
            raise NotFound
        return job


_JOB = {200: JobSerializer}


@extend_schema(tags=["jobs"])
class JobListView(JobView):
    @extend_schema(
        summary="The caller's jobs (a superuser's: everyone's), newest first",
        parameters=[
            OpenApiParameter("limit", OpenApiTypes.INT, description="1-1000 (default 1000)."),
            OpenApiParameter("offset", OpenApiTypes.INT),
            OpenApiParameter("count", OpenApiTypes.STR, description="1/true: the count only."),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=list(Job.Kind.values)),
            OpenApiParameter("status", OpenApiTypes.STR, enum=list(Job.Status.values)),
        ],
        responses={200: JobSerializer(many=True)},
    )
    def get(self, request, *args, **kwargs):
        window = parse_list_window(request.query_params, limit_required=False)
        queryset = selectors.jobs_visible_to(request.user)
        for name, choices in (("kind", Job.Kind.values), ("status", Job.Status.values)):
            value = request.query_params.get(name, "")
            if value == "":
                continue
            if value not in choices:
                raise ValidationError({name: [f"Must be one of: {', '.join(choices)}."]})
            queryset = queryset.filter(**{name: value})
        if window.count:
            return success("Successfully got the job count", queryset.count())
        end = window.offset + (window.limit or 1000)
        rows = JobSerializer(queryset[window.offset : end], many=True).data
        return success("Successfully got the job list", rows)


class _ExportPermission(BasePermission):
    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.has_perm("customers.export_customer"))


class _ImportPermission(BasePermission):
    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.has_perms(IMPORT_PERMISSIONS))


@extend_schema(tags=["jobs"])
class CustomerExportJobView(JobView):
    permission_classes = [_ExportPermission]

    @extend_schema(
        summary="Queue a customer export (xlsx or csv) of ids or of the list's filters",
        request=ExportJobRequestSerializer,
        responses={202: JobSerializer, 400: OpenApiResponse(description=INVALID_IDS)},
    )
    def post(self, request, *args, **kwargs):
        body = ExportJobRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ids = None
        if "customerId" in request.data:
            try:
                ids = parse_id_list(body.validated_data.get("customerId"))
            except InvalidIdList:
                raise DomainError(INVALID_IDS) from None
            found = 0
            for start in range(0, len(ids), 1000):
                batch = ids[start : start + 1000]
                found += Customer.objects.alive().filter(pk__in=batch).count()
            if found != len(ids):
                raise DomainError(INVALID_IDS)
            filters = {}
        else:
            filters = body.filters()
            query = QueryDict(mutable=True)
            query.update(filters)
            try:  # 422 for a bad filter value now, rather than a failed job later
                exports.filtered_customers(query)
            except exports.InvalidFilters as invalid:
                raise ValidationError(invalid.errors) from None
        job = services.create_export_job(
            user=request.user,
            fmt=body.validated_data["format"],
            ids=ids,
            filters=filters,
            source="api",
            site_url=site_url(request),
        )
        return success("Export queued", JobSerializer(job).data, http=http_status.HTTP_202_ACCEPTED)


@extend_schema(tags=["jobs"])
class CustomerImportJobView(JobView):
    permission_classes = [_ImportPermission]
    parser_classes = [MultiPartParser, FormParser, StrictJSONParser]

    @extend_schema(
        summary="Queue a customer import (.csv or .xlsx, the export's columns, up to 100 MB)",
        request={"multipart/form-data": ImportJobRequestSerializer},
        responses={202: JobSerializer},
    )
    def post(self, request, *args, **kwargs):
        body = ImportJobRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        job = services.create_import_job(
            user=request.user,
            uploaded=body.validated_data["file"],
            mode=body.validated_data["mode"],
            dry_run=body.validated_data["dryRun"],
            source="api",
            site_url=site_url(request),
        )
        return success("Import queued", JobSerializer(job).data, http=http_status.HTTP_202_ACCEPTED)


@extend_schema(tags=["jobs"])
class JobDetailView(JobView):
    @extend_schema(summary="One job (owner or superuser)", responses=_JOB)
    def get(self, request, pk, *args, **kwargs):
        return success("Successfully got the job", JobSerializer(self.get_job(request, pk)).data)

    @extend_schema(
        summary="Cancel a queued or running job (a running one stops within 5 s)",
        responses={200: OpenApiResponse(description="Job cancelled"), 409: None},
    )
    def delete(self, request, pk, *args, **kwargs):
        job = self.get_job(request, pk)
        try:
            services.cancel_job(job, by=request.user)
        except services.JobConflict:
            return refuse(ALREADY_FINISHED, http_status.HTTP_409_CONFLICT)
        return success("Job cancelled")


class _SignedOrStaff(BasePermission):
    """A valid `signature` is checked by the view; without one, a staff bearer token."""

    def has_permission(self, request, view) -> bool:
        if request.query_params.get("signature"):
            return True
        return bool(request.user and request.user.is_authenticated)


@extend_schema(tags=["jobs"])
class JobDownloadView(JobView):
    permission_classes = [_SignedOrStaff]

    @extend_schema(
        summary="The job's file, streamed (or through its signed link, without a token)",
        parameters=[
            OpenApiParameter(
                "signature", OpenApiTypes.STR, description="From `downloadUrl`; no token needed."
            )
        ],
        responses={
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY),
            403: OpenApiResponse(description="A signature that is not this job's."),
            409: None,
            410: None,
        },
    )
    def get(self, request, pk, *args, **kwargs):
        signature = request.query_params.get("signature")
        if signature:
            job = Job.objects.filter(pk=min(int(pk), MAX_ID)).first()
            if job is None or not signing.is_valid(job, signature):
                raise PermissionDenied
        else:
            job = self.get_job(request, pk)
        if job.status in Job.ACTIVE:
            return refuse(NOT_FINISHED, http_status.HTTP_409_CONFLICT)
        if not job.has_file:
            return refuse(NO_FILE, http_status.HTTP_409_CONFLICT)
        if job.is_expired() or not job.file:
            return refuse(EXPIRED, http_status.HTTP_410_GONE)
        try:
            handle = default_storage.open(job.file, "rb")
        except FileNotFoundError:
            return refuse(EXPIRED, http_status.HTTP_410_GONE)
        return FileResponse(
            handle,
            as_attachment=True,
            filename=job.filename,
            content_type=CONTENT_TYPES.get(job.format, "application/octet-stream"),
        )
