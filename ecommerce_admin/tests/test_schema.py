"""The published OpenAPI contract (API.md §6.1): valid, complete, served with local assets only."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
OPENAPI_JSON = "application/vnd.oai.openapi+json"


@pytest.fixture
def schema(anon) -> dict:
    response = anon.get("/api/schema/", HTTP_ACCEPT=OPENAPI_JSON)
    assert response.status_code == 200
    return response.json()


def test_schema_is_public_and_an_openapi_3_document(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"]
    assert schema["paths"]
    validate_schema(schema)  # raises on an invalid document


def test_every_path_is_under_api(schema):
    assert all(path.startswith("/api/") for path in schema["paths"])


def test_schema_documents_the_auth_routes_and_bearer_security(schema):
    assert {"/api/auth/login", "/api/auth/token/refresh", "/api/auth/logout"} <= {
        path.rstrip("/") for path in schema["paths"]
    }
    schemes = schema["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}.items() <= next(
        iter(schemes.values())
    ).items()


def test_every_json_success_is_described_inside_the_envelope(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            for code, response in operation["responses"].items():
                body = response.get("content", {}).get("application/json", {}).get("schema")
                if body is None or "$ref" in body:
                    continue
                assert {"status", "message"} <= set(body["properties"]), (path, method, code)


def test_schema_yaml_is_also_served(anon):
    response = anon.get("/api/schema/")

    assert response.status_code == 200
    assert response.content.startswith(b"openapi: 3.")


def test_spectacular_command_validates_without_warnings(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "spectacular",
            "--validate",
            "--fail-on-warn",
            "--file",
            str(tmp_path / "schema.yaml"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3.")


def test_docs_page_renders_with_local_assets_only(anon):
    response = anon.get("/api/docs/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "swagger-ui" in html
    assert not re.search(r"https?://", html), "the docs page must not load anything remote"
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets
    # Swagger UI's own files, and its initialiser from this route (no inline script: strict CSP).
    assert all(asset.startswith(("/static/", "/api/docs/?script=")) for asset in assets), assets
    initialiser = anon.get("/api/docs/?script=")
    assert initialiser.status_code == 200
    assert initialiser["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in initialiser.content.decode()
    assert "<script>" not in html


SECRET_NAMES = re.compile(r"password|hash|secret|salt|forget|reset|oauth|linkexpires", re.I)


def property_names(node, found: set[str]) -> set[str]:
    if isinstance(node, dict):
        for name, value in (node.get("properties") or {}).items():
            found.add(name)
            property_names(value, found)
        for value in node.values():
            if isinstance(value, (dict, list)):
                property_names(value, found)
    elif isinstance(node, list):
        for item in node:
            property_names(item, found)
    return found


def test_no_response_schema_names_a_secret(schema):
    # Requests may carry a password (add/update customer, login); responses never do (API.md §1).
    responses = {
        name: component
        for name, component in schema["components"]["schemas"].items()
        if not name.endswith("Request")
    }
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if isinstance(operation, dict) and "responses" in operation:
                responses[f"{method} {path}"] = operation["responses"]

    leaks = {
        owner: sorted(n for n in property_names(node, set()) if SECRET_NAMES.search(n))
        for owner, node in responses.items()
    }

    assert {owner: names for owner, names in leaks.items() if names} == {}
    # The walk does see secrets where they belong: the login request has a password.
    assert "password" in property_names(schema["components"]["schemas"], set())
