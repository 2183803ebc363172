"""`manage.py export_customers --output FILE`: the export-all file without HTTP's time limits.

Same FilterSet, same writers and same file as `GET /api/customer/allcustomer-excel-list`
(API.md §3.12); recorded in the export log with source "command".
"""

import os
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from customers import exports
from customers.models import ExportLog
from ecommerce_admin.db_timeouts import command_limits
from ecommerce_admin.progress import ProgressBar

# Command option → the API's filter parameter.
FILTER_OPTIONS = {
    "name": "name",
    "email": "email",
    "status": "status",
    "group": "customerGroup",
    "date": "date",
    "keyword": "keyword",
}


class Command(BaseCommand):
    help = (
        "Export non-deleted customers (newest first) to an xlsx or csv file, with the filters of "
        "the customer list. Shows progress on a terminal."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", required=True, help="File to write (.xlsx/.csv).")
        parser.add_argument(
            "--format",
            choices=exports.FORMATS,
            help="xlsx or csv (default: from the output's extension, else xlsx).",
        )
        parser.add_argument("--name", help="Substring of first name, last name or 'first last'.")
        parser.add_argument("--email", help="Substring of the email.")
        parser.add_argument("--status", help="0 = inactive only, 1 = active only.")
        parser.add_argument("--group", help="A customer group id.")
        parser.add_argument("--date", help="YYYY-MM-DD (that day) or YYYY-MM (that month).")
        parser.add_argument("--keyword", help="Substring of name, email or group name.")

    @command_limits  # not a web request: no request-sized statement_timeout
    def handle(self, *args, **options):
        output = Path(options["output"])
        fmt = options["format"] or ("csv" if output.suffix.lower() == ".csv" else "xlsx")
        if not output.parent.is_dir():
            raise CommandError(f"Folder {output.parent} does not exist.")
        if output.is_dir():
            raise CommandError(f"{output} is a folder; give a file name.")

        query = {
            param: options[option]
            for option, param in FILTER_OPTIONS.items()
            if options[option] is not None
        }
        started = time.monotonic()
        try:
            queryset = exports.filtered_customers(query)
        except exports.InvalidFilters as invalid:
            problems = "; ".join(
                f"--{_option(param)}: {' '.join(messages)}"
                for param, messages in invalid.errors.items()
            )
            raise CommandError(f"Invalid filter: {problems}") from None

        progress = ProgressBar(None, label="Exporting", stream=self.stderr._out)
        if progress.enabled:
            progress.total = queryset.count()
            empty = progress.total == 0
        else:
            empty = not queryset.exists()
        if empty:
            raise CommandError(f"No customer matches: {exports.EMPTY_LIST}.")

        rows = self._counted(exports.queryset_rows(queryset), progress)
        # Written beside the target and renamed at the end: no half-written file on failure.
        handle, temporary = tempfile.mkstemp(
            dir=output.parent, prefix=f".{output.name}.", suffix=".part"
        )
        try:
            with os.fdopen(handle, "wb") as stream:
                if fmt == "csv":
                    exports.write_csv(rows, stream)
                else:
                    exports.write_xlsx(rows, stream, exports.ALL_SHEET)
            os.replace(temporary, output)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        finally:
            progress.finish()

        count = self.count
        exports.record_export(
            user=None,
            kind=ExportLog.Kind.ALL,
            fmt=fmt,
            row_count=count,
            started=started,
            source="command",
            filters=exports.used_filters(query),
        )
        seconds = time.monotonic() - started
        self.stdout.write(
            f"Exported {count:,} rows to {output} in {seconds:.2f}s "
            f"({count / max(seconds, 1e-9):,.0f} rows/s)."
        )

    def _counted(self, rows, progress: ProgressBar):
        self.count = 0
        step = 0
        for row in rows:
            self.count += 1
            step += 1
            if step == 1000:
                progress.update(step)
                step = 0
            yield row
        if step:
            progress.update(step)


def _option(param: str) -> str:
    return next(option for option, name in FILTER_OPTIONS.items() if name == param)
