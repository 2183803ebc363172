"""The one call a background import makes into the customer import pipeline.

Today that pipeline is `customers.imports.bulk` (the one `manage.py import_customers` uses);
when the admin's and the command's pipelines are unified (issue 12), only `run_customer_import`
changes.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from customers.imports import bulk as imports

ImportFileError = imports.ImportFileError

_ROW = re.compile(r"^row (\d+)")
_FIELD = re.compile(r"^([A-Z][A-Za-z ]{1,40}): (.*)$", re.DOTALL)


@dataclass
class ImportOutcome:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    errors: list[dict] = field(default_factory=list)
    written: bool = False

    def summary(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "failed": self.failed,
            "errors": self.errors,
        }


def _error(label: str, message: str) -> dict:
    """`("row 7", "Email Id: Enter a valid email address.")` → {row: 7, field, message}."""
    row = _ROW.match(label)
    match = _FIELD.match(message)
    return {
        "row": int(row.group(1)) if row else None,
        "field": match.group(1) if match else "",
        "message": match.group(2) if match else message,
    }


def run_customer_import(
    path: Path, *, skip_invalid: bool, dry_run: bool, monitor=None
) -> ImportOutcome:
    """Validate every row, then (all valid, or `skip_invalid`) write them in one transaction.

    `monitor` hears of progress (rows read) and may stop the import by raising from `add()`:
    the write transaction then rolls back. Raises ImportFileError for an unreadable file.
    """
    progress = monitor.add if monitor is not None else None
    report = imports.validate(path, progress=progress)
    outcome = ImportOutcome(
        rows=report.rows,
        failed=report.skipped,
        errors=[_error(label, message) for label, message in report.errors],
    )
    if monitor is not None:
        monitor.restart(report.rows)
    if report.errors and not skip_invalid:
        return outcome
    imports.apply(path, report, dry_run=dry_run, progress=progress)
    outcome.created, outcome.updated, outcome.unchanged = (
        report.created,
        report.updated,
        report.unchanged,
    )
    outcome.written = not dry_run
    return outcome
