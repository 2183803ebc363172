"""Production settings: deploy checks, required secrets, security headers, SQLite and hashers."""

import importlib
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def production_env(**overrides: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "JWT_")) and key != "DATABASE_URL"
    }
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        JWT_SIGNING_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="shop.example.com",
    )
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def run_python(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_passes_with_production_env_vars(tmp_path):
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}")

    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["-c", "import ecommerce_admin.wsgi"],
        ["-c", "import ecommerce_admin.asgi"],
        ["manage.py", "runserver", "127.0.0.1:0", "--noreload"],
        ["manage.py", "check", "--deploy"],
    ],
)
def test_debug_off_without_a_secret_key_refuses_to_serve(args):
    env = production_env()
    del env["DJANGO_SECRET_KEY"]

    result = run_python(args, env)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_debug_off_without_a_secret_key_still_checks_migrations():
    # Read-only tooling (CI hooks, a build step) needs no secret.
    env = production_env()
    del env["DJANGO_SECRET_KEY"]

    result = run_python(["manage.py", "makemigrations", "--check", "--dry-run"], env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_debug_is_off_unless_asked_for():
    env = production_env()
    del env["DJANGO_DEBUG"]
    code = "import ecommerce_admin.settings as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE)"

    result = run_python(["-c", code], env)

    assert result.stdout.split() == ["False", "True"], result.stderr


def test_sqlite_runs_in_wal_with_a_busy_timeout_and_immediate_transactions(tmp_path):
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'wal.sqlite3'}")
    code = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])\n"
        "    c.execute('PRAGMA busy_timeout'); print(c.fetchone()[0])\n"
        "print(connection.transaction_mode)\n"
    )
    env["DJANGO_SETTINGS_MODULE"] = "ecommerce_admin.settings"

    result = run_python(["-c", code], env)

    assert result.returncode == 0, result.stderr
    journal, busy_ms, mode = result.stdout.split()
    assert journal == "wal"
    assert int(busy_ms) >= 5000
    assert mode == "IMMEDIATE"


def test_argon2_is_the_preferred_password_hasher():
    # The test run swaps in a fast hasher (conftest); the project's own settings are asserted here.
    project = importlib.import_module("ecommerce_admin.settings")

    assert project.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    importlib.import_module("argon2")


def test_a_new_staff_password_is_stored_with_argon2(settings, django_user_model):
    settings.PASSWORD_HASHERS = importlib.import_module("ecommerce_admin.settings").PASSWORD_HASHERS

    user = django_user_model.objects.create_user("clerk", password="Staff-pass-123")

    assert user.password.startswith("argon2$")


def test_request_size_limits_are_set(settings):
    assert 0 < settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 10 * 2**20
    assert 10_000 < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS <= 20_000
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 10 * 2**20


def test_defusedxml_is_installed_for_spreadsheet_parsing():
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML is True


@pytest.mark.parametrize(
    ("jwt_key", "warning"),
    [
        pytest.param(None, "ecommerce_admin.W001", id="unset-falls-back-to-secret-key"),
        pytest.param("too-short-key", "ecommerce_admin.W002", id="short"),
    ],
)
def test_check_deploy_refuses_a_weak_or_shared_jwt_key(tmp_path, jwt_key, warning):
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}")
    if jwt_key is None:
        del env["JWT_SIGNING_KEY"]
    else:
        env["JWT_SIGNING_KEY"] = jwt_key

    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)

    assert result.returncode != 0
    assert warning in result.stderr + result.stdout
