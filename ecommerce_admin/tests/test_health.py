import pytest

pytestmark = pytest.mark.django_db


def test_health_reports_database_up(anon):
    response = anon.get("/api/health")

    assert response.status_code == 200
    assert response.json() == {"status": 1, "message": "ok", "data": {"database": "ok"}}


def test_health_needs_no_token_and_ignores_a_bad_one(anon):
    anon.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    response = anon.get("/api/health/")

    assert response.status_code == 200


# The database unreachable (a closed port, a missing SQLite file): test_db_faults.py.
