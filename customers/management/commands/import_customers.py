"""`manage.py import_customers FILE [--dry-run] [--skip-invalid]`: bulk upsert by email.

Reads the export's columns (plus optional Group, Status, First Name, Last Name) from CSV or XLSX;
see customers/imports/bulk.py for the rules. Every row is checked first and every problem is
listed with its row number; nothing is written when any row fails, unless --skip-invalid.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit.services import audit_source
from customers.imports import bulk
from ecommerce_admin.db_timeouts import command_limits

#: Problems printed one per line; past this many only their number is given.
MAX_LISTED = 1_000


class Command(BaseCommand):
    help = (
        "Import customers from a CSV or XLSX file (the export's columns; optional Group and "
        "Status). Existing non-deleted customers are matched by email and updated; others are "
        "created without a usable password. All in one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A .csv (UTF-8) or .xlsx file.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and count, write nothing."
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the valid rows and skip the invalid ones (listed) instead of stopping.",
        )

    @command_limits  # not a web request: no request-sized statement_timeout
    def handle(self, *args, file: str, dry_run: bool, skip_invalid: bool, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{path} does not exist or is not a file.")
        try:
            report = bulk.validate(path)
            for error in report.errors[:MAX_LISTED]:
                self.stderr.write(str(error))
            if len(report.errors) > MAX_LISTED:
                self.stderr.write(f"... and {len(report.errors) - MAX_LISTED:,} more problems.")
            if report.errors and not skip_invalid:
                raise CommandError(
                    f"{len(report.errors):,} problem(s) in {report.skipped:,} of "
                    f"{report.rows:,} rows; nothing was written (fix them, or use "
                    "--skip-invalid)."
                )
            with audit_source("command"):
                bulk.apply(path, report, dry_run=dry_run)
        except bulk.ImportFileError as exc:
            raise CommandError(str(exc)) from None

        prefix = "Dry run (nothing written): would have " if dry_run else ""
        self.stdout.write(
            f"{prefix}created {report.created:,}, updated {report.updated:,}, "
            f"unchanged {report.unchanged:,}, skipped {report.skipped:,} "
            f"of {report.rows:,} rows."
        )
