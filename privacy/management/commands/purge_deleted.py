"""Retention (API.md §12): erase every customer soft-deleted more than N days ago."""

from django.core.management.base import BaseCommand, CommandError

from audit.services import audit_source
from privacy.services import purge_deleted

MAX_DAYS = 36_500


class Command(BaseCommand):
    help = "Erase (anonymise) every customer soft-deleted more than N days ago; print how many."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-days",
            type=int,
            required=True,
            help="Erase customers deleted more than this many days ago (0 = every deleted one).",
        )

    def handle(self, *args, older_than_days: int, **options):
        if not 0 <= older_than_days <= MAX_DAYS:
            raise CommandError(f"--older-than-days must be between 0 and {MAX_DAYS}.")
        with audit_source("command"):
            erased = purge_deleted(older_than_days=older_than_days)
        self.stdout.write(
            f"Erased {erased} customer(s) deleted more than {older_than_days} days ago."
        )
