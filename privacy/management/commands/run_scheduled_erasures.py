"""Carry out every scheduled erasure whose date has come (API.md §12).

The periodic task does the same every 15 minutes; this command is for cron-only deployments and
for running it by hand.
"""

from django.core.management.base import BaseCommand

from audit.services import audit_source
from privacy.services import erasures_due


class Command(BaseCommand):
    help = "Erase the customers whose scheduled erasure is due."

    def handle(self, *args, **options):
        with audit_source("command"):
            erased = erasures_due()
        self.stdout.write(f"Erased {erased} customer(s) whose scheduled erasure was due.")
