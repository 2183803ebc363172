"""The export log (API.md §3.11): every export, whatever its door, recorded once."""

import time
from collections.abc import Sequence

from django.db import transaction

from audit.services import actor_of, audit_record, audit_source
from customers.models import ExportLog


def record_export(
    *,
    user,
    kind: str,
    fmt: str,
    row_count: int,
    started: float,
    source: str = "api",
    filters: dict | None = None,
    ids: Sequence[int] | None = None,
) -> ExportLog:
    """Log one export (API.md §3.11: who, when, which filter or ids, row count), in the export
    log and in the audit trail, together."""
    user = actor_of(user)
    with transaction.atomic(), audit_source(source):
        log = ExportLog.objects.create(
            user=user,
            kind=kind,
            source=source,
            filters=filters or {},
            ids=list(ids or []),
            row_count=row_count,
            format=fmt,
            duration_ms=int((time.monotonic() - started) * 1000),
        )
        audit_record(
            action="customer.export",
            object_type="customer",
            object_ids=list(ids or []),
            by=user,
            extra={"kind": kind, "format": fmt, "rows": row_count, "filters": filters or {}},
        )
    return log
