"""Every status the API answers with leaves in the contract's envelope (API.md §1)."""

import json

import pytest
from django.conf import settings
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from conftest import make_staff

pytestmark = pytest.mark.django_db

FAULTS = pytest.mark.urls("ecommerce_admin.tests.urls_faults")
LOGIN = "/api/auth/login"


def assert_error_envelope(response, status: int, message: str | None = None) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == 0
    assert isinstance(body["message"], str)
    assert body["message"]
    if message is not None:
        assert body["message"] == message
    if status == 422:
        # API.md §9.3: the original admin reads a 422's text from data.message.
        assert set(body) == {"status", "message", "errors", "data"}
        assert body["data"] == {"message": body["message"]}
    else:
        assert set(body) <= {"status", "message", "errors"}
    return body


def test_200_envelope(anon):
    response = anon.get("/api/health")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": 1, "message": "ok", "data": {"database": "ok"}}


@FAULTS
def test_400_envelope_carries_the_domain_message(api):
    response = api.post("/api/test-refused", {}, format="json")

    body = assert_error_envelope(response, 400, "Invalid customer group Id.")
    assert set(body) == {"status", "message"}


def test_401_envelope(anon):
    response = anon.post("/api/auth/logout", {"refresh": "nope"}, format="json")

    assert_error_envelope(response, 401)


@FAULTS
def test_403_envelope(staff_factory):
    _, client = staff_factory("clerk")

    response = client.get("/api/test-guarded")

    assert_error_envelope(response, 403, "You do not have permission to perform this action.")


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete", "options"])
@pytest.mark.parametrize(
    "path", ["/api/nothing-here", "/api/customer/nope/nope/nope", "/api/", "/api/auth/loginx"]
)
def test_404_envelope_for_unknown_routes_whatever_the_method(api, anon, method, path):
    for client in (api, anon):
        response = getattr(client, method)(path)

        assert_error_envelope(response, 404, "Not found.")


def test_404_for_head_on_an_unknown_route(anon):
    assert anon.head("/api/nothing-here").status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", LOGIN), ("put", LOGIN), ("delete", "/api/auth/logout"), ("post", "/api/health")],
)
def test_405_envelope(anon, method, path):
    response = getattr(anon, method)(path)

    assert_error_envelope(response, 405, f'Method "{method.upper()}" not allowed.')


@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded"])
def test_413_envelope_for_a_body_over_the_upload_limit(anon, content_type):
    make_staff("clerk")
    padding = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    if content_type == "application/json":
        data = json.dumps({"username": "clerk", "password": "Staff-pass-123", "pad": padding})
    else:
        data = f"username=clerk&password=Staff-pass-123&pad={padding}"

    response = anon.generic("POST", LOGIN, data, content_type=content_type)

    assert_error_envelope(response, 413, "Request body is too large.")
    assert OutstandingToken.objects.count() == 0


def test_413_envelope_for_too_many_form_fields(anon):
    make_staff("clerk")
    fields = "&".join(f"f{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))

    response = anon.generic(
        "POST",
        LOGIN,
        f"username=clerk&password=Staff-pass-123&{fields}",
        content_type="application/x-www-form-urlencoded",
    )

    assert_error_envelope(response, 413)
    assert OutstandingToken.objects.count() == 0


def test_415_envelope_for_an_unsupported_content_type(anon):
    response = anon.generic("POST", LOGIN, "username=a", content_type="text/plain")

    assert_error_envelope(response, 415, 'Unsupported media type "text/plain" in request.')


def test_400_envelope_for_malformed_json(anon):
    response = anon.generic("POST", LOGIN, '{"username": ', content_type="application/json")

    body = assert_error_envelope(response, 400)
    assert body["message"].startswith("JSON parse error")


def test_422_envelope_names_the_first_bad_field(anon):
    response = anon.post(LOGIN, {"password": "x"}, format="json")

    body = assert_error_envelope(response, 422, "username: This field is required.")
    assert body["errors"] == {"username": ["This field is required."]}


def test_429_envelope(anon):
    for _ in range(10):
        anon.post(LOGIN, {"username": "a", "password": "b"}, format="json")

    response = anon.post(LOGIN, {"username": "a", "password": "b"}, format="json")

    body = assert_error_envelope(response, 429)
    assert body["message"].startswith("Request was throttled.")
    assert int(response["Retry-After"]) >= 1


@FAULTS
@pytest.mark.parametrize("method", ["get", "post"])
def test_500_envelope_hides_the_exception(api, method):
    response = getattr(api, method)("/api/test-boom")

    body = assert_error_envelope(response, 500, "Internal server error.")
    assert set(body) == {"status", "message"}
    assert b"secret detail" not in response.content
    assert b"RuntimeError" not in response.content
    assert b"Traceback" not in response.content
