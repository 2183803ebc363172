"""The two customer export routes (API.md §3.11, §3.12): xlsx by default, `format=csv` on request.

xlsx is built into a spooled temporary file (a zip's directory comes last, so it cannot go out
while it is written) and served with FileResponse, which closes — and thereby deletes — the file
when the response ends. CSV streams: its header leaves before the first row is read.

Meant for exports a browser download can carry (see bench/README-exports.md); beyond that,
`manage.py export_customers` writes the same file without an HTTP request's time limits.
"""

import contextlib
import tempfile
import time
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.http import FileResponse, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import BaseContentNegotiation

from customers import exports
from customers.models import ExportLog
from ecommerce_admin.api.contract import ContractAPIView
from ecommerce_admin.errors import DomainError
from ecommerce_admin.ids import MAX_IDS, InvalidIdList, id_values, parse_id_list

INVALID_IDS = "Invalid customerId"
FORMAT_MESSAGE = "Must be xlsx or csv."
#: xlsx files up to this size stay in memory; larger ones spill to a temporary file.
SPOOL_MAX_BYTES = 8 * 1024 * 1024


def parse_format(query_params) -> str:
    """`format`: absent → xlsx; `xlsx` or `csv`; anything else → 422."""
    value = query_params.get("format")
    if value is None:
        return "xlsx"
    if value not in exports.FORMATS:
        raise ValidationError({"format": [FORMAT_MESSAGE]})
    return value


class _Counted:
    """Counts the rows that pass through (the CSV's row count is known only at its end)."""

    def __init__(self, rows: Iterable):
        self.rows = rows
        self.count = 0

    def __iter__(self) -> Iterator:
        for row in self.rows:
            self.count += 1
            yield row


def export_response(*, rows: Iterable, fmt: str, sheet_name: str, log: dict, user, started: float):
    """The file response for `rows`; records the export in ExportLog."""
    filename = exports.export_filename(fmt)
    if fmt == "csv":
        return _csv_response(rows, filename, log, user, started)

    # Not a `with`: FileResponse closes (and so deletes) the file when the response ends.
    spool = tempfile.SpooledTemporaryFile(  # noqa: SIM115
        max_size=SPOOL_MAX_BYTES, dir=settings.FILE_UPLOAD_TEMP_DIR
    )
    try:
        count = exports.write_xlsx(rows, spool, sheet_name)
        spool.seek(0)
        exports.record_export(user=user, fmt=fmt, row_count=count, started=started, **log)
    except BaseException:
        spool.close()
        raise
    return FileResponse(
        spool, as_attachment=True, filename=filename, content_type=exports.XLSX_CONTENT_TYPE
    )


def _csv_response(rows, filename: str, log: dict, user, started: float):
    counted = _Counted(rows)

    def stream() -> Iterator[bytes]:
        chunks = exports.iter_csv(counted)
        try:
            yield from chunks
        finally:
            # Close the row source first: on PostgreSQL it holds the export's transaction, and
            # the log row must not be written (and rolled back) inside it.
            chunks.close()
            with contextlib.suppress(AttributeError):
                rows.close()
            exports.record_export(
                user=user, fmt="csv", row_count=counted.count, started=started, **log
            )

    response = StreamingHttpResponse(stream(), content_type=exports.CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class _AnyAccept(BaseContentNegotiation):
    """A download route answers whatever the client accepts (errors are JSON regardless)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ExportView(ContractAPIView):
    schema_raw_responses = True
    required_permissions = {"get": "customers.export_customer"}
    content_negotiation_class = _AnyAccept
    # The contract lists GET only: HEAD is a 405 too.
    served_methods = frozenset({"get"})


_FORMAT_PARAMETER = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=list(exports.FORMATS),
    description="`xlsx` (default) or `csv` (UTF-8, same columns). Anything else → 422.",
)
_FILE_RESPONSES = {
    (200, exports.XLSX_CONTENT_TYPE): OpenApiResponse(
        OpenApiTypes.BINARY,
        description=(
            "Attachment `CustomerExcel_<epoch ms>.xlsx`. Headers: Customer Id, Customer Name, "
            "User Name, Email Id, Mobile Number, Date Of Registration (an Excel datetime in the "
            "server's TIME_ZONE). Text starting with = + - @ tab or CR is prefixed with `'`."
        ),
    ),
    (200, "text/csv"): OpenApiResponse(
        OpenApiTypes.STR,
        description="With `format=csv`: attachment `CustomerExcel_<epoch ms>.csv`, same columns.",
    ),
}


@extend_schema(tags=["customers"])
class CustomerSelectionExportView(ExportView):
    @extend_schema(
        summary="Excel (or CSV) of selected customers",
        description=(
            "One row per id, in the order given, duplicates once. Missing, empty, malformed, "
            f"more than {MAX_IDS:,} distinct, unknown or deleted ids → 400 `{INVALID_IDS}` "
            "(no file). Every export is recorded in the export log."
        ),
        parameters=[
            OpenApiParameter(
                "customerId",
                OpenApiTypes.STR,
                required=True,
                description="Ids: `1,5,9`, `[1,5]`, or the parameter repeated.",
            ),
            _FORMAT_PARAMETER,
        ],
        responses=_FILE_RESPONSES,
    )
    def get(self, request, *args, **kwargs):
        fmt = parse_format(request.query_params)
        started = time.monotonic()
        try:
            ids = parse_id_list(id_values(request.query_params, "customerId"))
        except InvalidIdList:
            raise DomainError(INVALID_IDS) from None
        rows = exports.selection_rows(ids)
        if rows is None:
            raise DomainError(INVALID_IDS)
        return export_response(
            rows=rows,
            fmt=fmt,
            sheet_name=exports.SELECTION_SHEET,
            log={"kind": ExportLog.Kind.SELECTION, "ids": ids},
            user=request.user,
            started=started,
        )


@extend_schema(tags=["customers"])
class CustomerAllExportView(ExportView):
    @extend_schema(
        summary="Excel (or CSV) of all (filtered) customers",
        description=(
            "Every non-deleted customer matching the list's filters (API.md §3.2), newest first, "
            f"streamed in constant memory. Nothing matches → 400 `{exports.EMPTY_LIST}`. For "
            "exports beyond a browser download, use `manage.py export_customers`."
        ),
        parameters=[
            OpenApiParameter("name", OpenApiTypes.STR, description="Substring of the name."),
            OpenApiParameter("email", OpenApiTypes.STR, description="Substring of the email."),
            OpenApiParameter(
                "status", OpenApiTypes.STR, enum=["0", "1"], description="0 inactive, 1 active."
            ),
            OpenApiParameter("customerGroup", OpenApiTypes.INT, description="A group id."),
            OpenApiParameter(
                "date", OpenApiTypes.STR, description="YYYY-MM-DD (that day) or YYYY-MM (month)."
            ),
            OpenApiParameter(
                "keyword", OpenApiTypes.STR, description="Substring of name, email or group."
            ),
            _FORMAT_PARAMETER,
        ],
        responses=_FILE_RESPONSES,
    )
    def get(self, request, *args, **kwargs):
        fmt = parse_format(request.query_params)
        started = time.monotonic()
        try:
            queryset = exports.filtered_customers(request.query_params)
        except exports.InvalidFilters as invalid:
            raise ValidationError(invalid.errors) from None
        if not queryset.exists():
            raise DomainError(exports.EMPTY_LIST)
        return export_response(
            rows=exports.queryset_rows(queryset),
            fmt=fmt,
            sheet_name=exports.ALL_SHEET,
            log={"kind": ExportLog.Kind.ALL, "filters": exports.used_filters(request.query_params)},
            user=request.user,
            started=started,
        )
