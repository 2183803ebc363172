"""`manage.py ensure_staff_login`: create the demo staff superuser once and print its login."""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

LOGIN_FILE = Path(settings.BASE_DIR) / ".demo-login"


class Command(BaseCommand):
    help = "Create (once) a staff superuser for local use and print its username and password."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username: str, **options):
        User = get_user_model()
        if not User.objects.filter(username=username).exists():
            password = f"Demo-{secrets.token_urlsafe(9)}"
            User.objects.create_superuser(
                username=username, email="admin@example.com", password=password
            )
            LOGIN_FILE.write_text(f"{username}\n{password}\n")
            LOGIN_FILE.chmod(0o600)
        if LOGIN_FILE.exists():
            saved_user, password = LOGIN_FILE.read_text().splitlines()[:2]
            line = f"Staff login: username {saved_user!r}, password {password!r}"
        else:
            line = f"Staff login: username {username!r} (password set earlier, not stored here)"
        self.stdout.write(self.style.SUCCESS(line))
        self.stdout.write(
            "Admin: http://127.0.0.1:8000/admin/  API docs: http://127.0.0.1:8000/api/docs/"
        )
