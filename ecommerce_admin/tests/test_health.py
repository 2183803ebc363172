import pytest
from django.db import OperationalError

from ecommerce_admin.api import views

pytestmark = pytest.mark.django_db


def test_health_reports_database_up(anon):
    response = anon.get("/api/health")

    assert response.status_code == 200
    assert response.json() == {"status": 1, "message": "ok", "data": {"database": "ok"}}


def test_health_needs_no_token_and_ignores_a_bad_one(anon):
    anon.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    response = anon.get("/api/health/")

    assert response.status_code == 200


class UnreachableDatabase:
    def cursor(self):
        raise OperationalError("could not connect to server: Connection refused")


def test_health_is_503_when_the_database_is_unreachable(anon, monkeypatch):
    monkeypatch.setattr(views, "connection", UnreachableDatabase())

    response = anon.get("/api/health")

    assert response.status_code == 503
    assert response.json() == {
        "status": 0,
        "message": "database unavailable",
        "data": {"database": "down"},
    }
    assert b"Connection refused" not in response.content
