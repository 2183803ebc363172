import pytest

pytestmark = pytest.mark.django_db


def test_health_reports_database_up(anon):
    response = anon.get("/api/health")

    assert response.status_code == 200
    assert response.json() == {"status": 1, "message": "ok", "data": {"database": "ok"}}
