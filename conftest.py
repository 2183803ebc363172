"""Project-wide fixtures: staff users, tokens and an authenticated API client."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from ecommerce_admin.api.tokens import issue_for_login


def pytest_collection_modifyitems(config, items):
    """`postgres`-marked tests need PostgreSQL's concurrency or extensions."""
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (DATABASE_URL=postgres://...)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _isolated_settings(settings, tmp_path):
    # Each test gets its own cache (throttle counters) and media folder, and fast hashing.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": str(tmp_path),
        }
    }
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.IMPORT_PREVIEW_ROOT = str(tmp_path / "import-previews")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SECURE_SSL_REDIRECT = False


def make_staff(username: str, *permissions: str, superuser: bool = False, **extra):
    User = get_user_model()
    extra.setdefault("email", f"{username}@staff.example.com")
    extra.setdefault("is_staff", True)
    user = User.objects.create_user(
        username=username, password="Staff-pass-123", is_superuser=superuser, **extra
    )
    for dotted in permissions:
        app_label, codename = dotted.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_for_login(user)[0]}")
    return client


@pytest.fixture
def superuser(db):
    return make_staff("boss", superuser=True)


@pytest.fixture
def api(superuser) -> APIClient:
    """An API client authenticated as a superuser (every permission)."""
    return client_for(superuser)


@pytest.fixture
def anon() -> APIClient:
    return APIClient()


@pytest.fixture
def staff_factory(db):
    """`staff_factory("name", "customers.view_customer", ...)` → (user, client)."""

    def build(username: str, *permissions: str):
        user = make_staff(username, *permissions)
        return user, client_for(user)

    return build
