"""The job object (API.md §11) and the two request bodies that create jobs."""

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from customers.fields import FlagField

from .. import signing
from ..models import Job
from ..services import EXPORT_FORMATS, IMPORT_MODES

IMPORT_SUFFIXES = (".csv", ".xlsx")


class JobSerializer(serializers.Serializer):
    jobId = serializers.IntegerField(source="pk")
    kind = serializers.ChoiceField(choices=Job.Kind.choices)
    status = serializers.ChoiceField(choices=Job.Status.choices)
    format = serializers.CharField()
    rowsDone = serializers.IntegerField(source="rows_done")
    rowsTotal = serializers.IntegerField(source="rows_total", allow_null=True)
    progress = serializers.IntegerField(help_text="0-100")
    createdBy = serializers.IntegerField(source="created_by_id", help_text="Staff user id.")
    createdDate = serializers.DateTimeField(source="created_at")
    startedDate = serializers.DateTimeField(source="started_at", allow_null=True)
    finishedDate = serializers.DateTimeField(source="finished_at", allow_null=True)
    downloadUrl = serializers.SerializerMethodField()
    expiresDate = serializers.DateTimeField(source="expires_at", allow_null=True)
    error = serializers.SerializerMethodField()
    summary = serializers.JSONField(
        allow_null=True,
        help_text="Imports: created, updated, unchanged, failed, errors [{row, field, message}].",
    )

    @extend_schema_field({"type": "string", "nullable": True})
    def get_downloadUrl(self, job: Job) -> str | None:
        """Only when done with a file: the signed link (works without a bearer token)."""
        if not job.has_file:
            return None
        return signing.download_path(job)

    @extend_schema_field({"type": "string", "nullable": True})
    def get_error(self, job: Job) -> str | None:
        return job.error or None if job.status == Job.Status.FAILED else None


_FILTER_FIELDS = ("name", "email", "status", "customerGroup", "date", "keyword")


@extend_schema_field(OpenApiTypes.STR)
class FilterValueField(serializers.Field):
    """A list filter as the query string would carry it: text or a number, never a structure."""

    default_error_messages = {"invalid": "Must be text or a number."}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, str | int):
            self.fail("invalid")
        return str(data)


class ExportJobRequestSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=EXPORT_FORMATS, default="xlsx")
    customerId = serializers.JSONField(
        required=False, help_text="Ids as in §3.11: a JSON list of integers or `1,5,9`."
    )
    name = FilterValueField(required=False)
    email = FilterValueField(required=False)
    status = FilterValueField(required=False)
    customerGroup = FilterValueField(required=False)
    date = FilterValueField(required=False)
    keyword = FilterValueField(required=False)

    def filters(self) -> dict[str, str]:
        return {
            name: self.validated_data[name]
            for name in _FILTER_FIELDS
            if self.validated_data.get(name, "") != ""
        }


class ImportJobRequestSerializer(serializers.Serializer):
    file = serializers.FileField()
    mode = serializers.ChoiceField(choices=IMPORT_MODES, default="all-or-nothing")
    dryRun = FlagField(required=False, default=False)

    def validate_file(self, upload):
        name = (upload.name or "").lower()
        if not name.endswith(IMPORT_SUFFIXES):
            raise serializers.ValidationError("Must be a .csv or .xlsx file.")
        limit = settings.JOB_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise serializers.ValidationError(f"The file is larger than {limit // 2**20} MB.")
        return upload
