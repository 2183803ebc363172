"""The call a background import makes into the one customer import pipeline
(`customers.imports.bulk`: the same rows, rules, messages and error format as the command and the
admin import)."""

from pathlib import Path

from customers.imports import bulk as imports

ImportFileError = imports.ImportFileError


def run_customer_import(
    path: Path, *, skip_invalid: bool, dry_run: bool, monitor=None
) -> imports.Report:
    """`imports.import_file`, with the job's progress: every row is validated, then (all valid,
    or `skip_invalid`) written in one transaction. `monitor` hears of rows read and may stop the
    import by raising from `add()`: the write transaction then rolls back. The report's
    `summary()` is the job's summary (API.md §11). Raises ImportFileError for an unreadable file.
    """
    progress = monitor.add if monitor is not None else None
    report = imports.validate(path, progress=progress)
    if monitor is not None:
        monitor.restart(report.rows)  # rowsTotal is known once the file is parsed
    if report.errors and not skip_invalid:
        return report
    return imports.apply(path, report, dry_run=dry_run, progress=progress)
