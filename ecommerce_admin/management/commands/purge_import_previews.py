"""Delete admin import previews nobody confirmed (schedule it, e.g. hourly, beside
`flushexpiredtokens`); each new import also purges them."""

from django.core.management.base import BaseCommand

from ecommerce_admin.admin.import_previews import max_age_seconds, purge_expired


class Command(BaseCommand):
    help = "Delete admin import previews older than IMPORT_PREVIEW_MAX_AGE_MINUTES."

    def add_arguments(self, parser):
        parser.add_argument(
            "--max-age-minutes",
            type=int,
            default=None,
            help="Override the configured maximum age (0 deletes every preview).",
        )

    def handle(self, *args, max_age_minutes=None, **options):
        max_age = max_age_seconds() if max_age_minutes is None else max_age_minutes * 60
        deleted = purge_expired(max_age)
        self.stdout.write(f"Deleted {deleted} import preview(s).")
