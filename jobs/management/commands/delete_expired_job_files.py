"""`manage.py delete_expired_job_files`: what the periodic task does, for cron or by hand."""

from django.core.management.base import BaseCommand

from jobs import services


class Command(BaseCommand):
    help = "Delete the files of background jobs past their expiry (DJANGO_JOB_FILE_HOURS)."

    def handle(self, *args, **options):
        deleted = services.delete_expired_files()
        if options["verbosity"]:
            self.stdout.write(f"Deleted {deleted} expired job file(s).")
