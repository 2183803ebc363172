"""The admin's "export selected" actions: the API's file (same columns, sheet name, escaping),
written by the exports module's writers and recorded in the export log as an admin export."""

import io
import time

from django.http import HttpResponse

from customers import exports
from customers.models import ExportLog


def export_selection_response(*, request, ids: list[int], file_format: str) -> HttpResponse:
    """An attachment of the live customers `ids` (at most MAX_IDS, so it is built in memory)."""
    started = time.monotonic()
    rows = exports.selection_rows(ids) or []
    if file_format == "csv":
        content = b"".join(exports.iter_csv(rows))
    else:
        buffer = io.BytesIO()
        exports.write_xlsx(rows, buffer, exports.SELECTION_SHEET)
        content = buffer.getvalue()
    exports.record_export(
        user=request.user,
        kind=ExportLog.Kind.SELECTION,
        fmt=file_format,
        row_count=len(rows),
        started=started,
        source="admin",
        ids=ids,
    )
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[file_format])
    filename = exports.export_filename(file_format)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
