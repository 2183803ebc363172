"""Every API route, every method it serves, every kind of caller (OWASP API2/API5/API9).

The routes come from the URL resolver, not from a hand-written list: a route added tomorrow is
tested tomorrow. Each must refuse callers without a valid token (401), refuse staff without its
permission (403), let a superuser and a staff member holding exactly its permission through, and
require the permission API.md §2 names for it. A route or method missing from that table fails.
"""

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from conftest import client_for, make_staff

pytestmark = pytest.mark.django_db

#: Routes under /api that are public or not part of the permission model. The avatar image is
#: public by design (API.md §9.10: an <img> sends no token); customers/tests/test_avatar_image.py.
UNGUARDED = {
    "schema", "docs", "health", "auth-login", "auth-refresh", "auth-logout", "image-resize",
}  # fmt: skip
CATCH_ALL = "unknown-route"
SKIPPED_METHODS = {"head", "options", "trace"}
GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^()]*)\)")

#: A route any staff member may call (API.md §11's job routes: ownership is checked per job).
STAFF = "staff"

#: API.md §2: the permission of every (route without its prefix, method).
CONTRACT = {
    ("customer", "get"): "customers.view_customer",
    ("customer", "post"): "customers.add_customer",
    ("customer/customer-detail/{id}", "get"): "customers.view_customer",
    ("customer/{id}", "put"): "customers.change_customer",
    ("customer/{id}", "delete"): "customers.delete_customer",
    ("customer/delete-customer", "post"): "customers.delete_customer",
    ("customer/bulk-status", "post"): "customers.change_customer",
    ("customer/recent-customerlist", "get"): "customers.view_customer",
    ("customer/today-customercount", "get"): "customers.view_customer",
    ("customer/customer-count", "get"): "customers.view_customer",
    ("customer/customer-excel-list", "get"): "customers.export_customer",
    ("customer/allcustomer-excel-list", "get"): "customers.export_customer",
    ("customer/order-product-list", "get"): "sales.view_orderproduct",
    ("customer/product-view-log-list", "get"): "analytics.view_productviewlog",
    ("customer/vendor-graph-list", "get"): "sales.view_vendor",
    ("customer/customer-visit-list", "get"): "analytics.view_customervisit",
    ("customer-group", "get"): "customers.view_customergroup",
    ("customer-group", "post"): "customers.add_customergroup",
    ("customer-group/{id}", "get"): "customers.view_customergroup",
    ("customer-group/{id}", "put"): "customers.change_customergroup",
    ("customer-group/{id}", "delete"): "customers.delete_customergroup",
    ("analytics/visits", "post"): "analytics.add_customervisit",
    ("analytics/product-views", "post"): "analytics.add_productviewlog",
    # API.md §9: the address book (GET takes the customer id, PUT/DELETE the address id).
    ("address", "post"): "customers.add_address",
    ("address/{id}", "get"): "customers.view_address",
    ("address/{id}", "put"): "customers.change_address",
    ("address/{id}", "delete"): "customers.delete_address",
    # API.md §11 (background jobs); several permissions are separated by spaces.
    ("jobs/customer-export", "post"): "customers.export_customer",
    ("jobs/customer-import", "post"): "customers.add_customer customers.change_customer",
    ("jobs", "get"): STAFF,
    ("jobs/{id}", "get"): STAFF,
    ("jobs/{id}", "delete"): STAFF,
    ("jobs/{id}/download", "get"): STAFF,
    # API.md §12; several permissions are separated by spaces.
    ("customer/{id}/erase", "post"): "customers.delete_customer customers.erase_customer",
    ("customer/{id}/erase", "delete"): "customers.delete_customer customers.erase_customer",
    ("customer/{id}/data-export", "post"): "customers.view_customer customers.export_customer",
}
#: API.md §9: read-only reference data, for any valid access token without a permission.
TOKEN_ONLY = {("settings", "get"), ("country", "get"), ("list/zone", "get")}


@dataclass(frozen=True)
class Route:
    url: str  # a concrete URL, digits in place of the id groups
    template: str  # the contract's name for it: `customer/{id}`, admin-customer/ folded
    method: str
    path: str = ""  # as served: `/api/admin-customer/{id}`

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.url}"


def _concrete(pattern) -> str:
    """One concrete path segment for a pattern: regex anchors dropped, groups given a value."""
    text = str(pattern)
    text = GROUP.sub(lambda m: "1" if re.search(r"0-9|\\d", m["body"]) else "x", text)
    text = re.sub(r"<(?:int:)?\w+>", "1", text)  # path() converters
    text = text.lstrip("^").rstrip("$").replace("/?", "")
    return text.replace("\\", "")


def _templated(pattern) -> str:
    text = GROUP.sub("{id}", str(pattern))
    return text.lstrip("^").rstrip("$").replace("/?", "").replace("\\", "")


def _methods(callback) -> list[str]:
    actions = getattr(callback, "actions", None)  # a ViewSet bound to {method: action}
    if actions is not None:
        methods = actions
    else:
        view_class = callback.view_class
        methods = [m for m in view_class.http_method_names if hasattr(view_class, m)]
    return sorted(m for m in methods if m not in SKIPPED_METHODS)


def _walk(patterns, url: str = "", template: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(
                entry.url_patterns,
                url + _concrete(entry.pattern),
                template + _templated(entry.pattern),
            )
        elif isinstance(entry, URLPattern):
            yield entry, "/" + url + _concrete(entry.pattern), template + _templated(entry.pattern)


def api_routes() -> list[Route]:
    routes = []
    for entry, url, template in _walk(get_resolver().url_patterns):
        if not url.startswith("/api/") or entry.name in UNGUARDED | {CATCH_ALL}:
            continue
        contract_name = re.sub(r"^api/(admin-customer)(/|$)", r"customer\2", template).rstrip("/")
        served = "/" + template.rstrip("/")
        routes.extend(Route(url, contract_name, m, served) for m in _methods(entry.callback))
    return routes


ROUTES = api_routes()
ids = [str(route) for route in ROUTES]


def _token_only(route) -> bool:
    return (route.template.removeprefix("api/"), route.method) in TOKEN_ONLY


GUARDED_ROUTES = [route for route in ROUTES if not _token_only(route)]
guarded_ids = [str(route) for route in GUARDED_ROUTES]
TOKEN_ONLY_ROUTES = [route for route in ROUTES if _token_only(route)]


def guarded_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for app in ("customers", "sales", "analytics")
        for model in apps.get_app_config(app).get_models()
    }


def call(client: APIClient, route: Route):
    return getattr(client, route.method)(route.url, {}, format="json")


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def expired_client() -> APIClient:
    token = AccessToken.for_user(make_staff("expired", superuser=True))
    token.set_exp(from_time=timezone.now() - timedelta(hours=1), lifetime=timedelta(minutes=1))
    return bearer(str(token))


def inactive_client() -> APIClient:
    user = make_staff("gone", superuser=True)
    client = client_for(user)
    user.is_active = False
    user.save()
    return client


REFUSED = {
    "no-token": (APIClient, "Authentication credentials were not provided."),
    "malformed-token": (lambda: bearer("not-a-jwt"), None),
    "expired-token": (expired_client, None),
    "inactive-staff": (inactive_client, None),
}


def assert_envelope(response, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:300])
    body = response.json()
    assert body["status"] == 0
    assert isinstance(body["message"], str)
    assert body["message"]
    return body


def test_the_resolver_walk_finds_routes_and_builds_resolvable_urls():
    assert ROUTES, "no API route found"
    for route in ROUTES:
        assert resolve(route.url).url_name != CATCH_ALL, route


def test_every_route_and_method_is_in_the_contracts_permission_table():
    unknown = sorted(
        str(r)
        for r in ROUTES
        if (r.template.removeprefix("api/"), r.method) not in CONTRACT | dict.fromkeys(TOKEN_ONLY)
    )

    assert not unknown, f"routes with no permission in API.md §2: {unknown}"


@pytest.mark.parametrize("caller", list(REFUSED))
@pytest.mark.parametrize("route", ROUTES, ids=ids)
def test_callers_without_a_valid_token_get_401(route, caller):
    make_client, message = REFUSED[caller]
    client = make_client()
    before = guarded_counts()

    response = call(client, route)

    body = assert_envelope(response, 401)
    if message:
        assert body["message"] == message
    assert guarded_counts() == before


def required(route: Route) -> str | None:
    return CONTRACT.get((route.template.removeprefix("api/"), route.method))


@pytest.mark.parametrize("route", GUARDED_ROUTES, ids=guarded_ids)
def test_staff_with_every_permission_but_the_routes_gets_403(route):
    permission = required(route)
    if permission == STAFF:
        pytest.skip("any staff member may call it")
    others = [
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.select_related("content_type")
        if f"{p.content_type.app_label}.{p.codename}" not in permission.split()
    ]
    client = client_for(make_staff("almost", *others))
    before = guarded_counts()

    response = call(client, route)

    body = assert_envelope(response, 403)
    assert body["message"] == "You do not have permission to perform this action."
    assert guarded_counts() == before


@pytest.mark.parametrize("route", ROUTES, ids=ids)
def test_a_superuser_passes_the_permission_check(route, api):
    response = call(api, route)

    assert response.status_code not in {401, 403}, (response.status_code, response.content[:300])
    assert response.status_code < 500


@pytest.mark.parametrize("route", TOKEN_ONLY_ROUTES, ids=[str(r) for r in TOKEN_ONLY_ROUTES])
def test_reference_data_needs_a_token_but_no_permission(route):
    response = call(client_for(make_staff("bare")), route)

    assert response.status_code == 200, (response.status_code, response.content[:300])


def test_the_token_only_routes_exist():
    assert {(r.template.removeprefix("api/"), r.method) for r in TOKEN_ONLY_ROUTES} == TOKEN_ONLY


@pytest.mark.parametrize("route", GUARDED_ROUTES, ids=guarded_ids)
def test_staff_holding_exactly_the_routes_permission_passes(route):
    permission = required(route)
    assert permission, f"{route} has no permission in API.md §2"
    granted = [] if permission == STAFF else permission.split()
    client = client_for(make_staff("exact", *granted))

    response = call(client, route)

    assert response.status_code not in {401, 403}, (response.status_code, response.content[:300])
    assert response.status_code < 500


@pytest.mark.urls("ecommerce_admin.tests.urls_faults")
def test_the_matrix_would_catch_a_method_declared_without_a_permission(api):
    # urls_faults.GuardedView serves DELETE but maps no permission to it.
    routes = {str(route): route for route in api_routes()}
    unmapped = routes["DELETE /api/test-guarded"]

    response = call(api, unmapped)

    assert required(unmapped) is None
    assert response.status_code == 403


def test_every_route_and_method_is_documented_in_the_schema(anon):
    # OWASP API9 (inventory): nothing is served that the published contract does not describe.
    paths = anon.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]
    documented = {
        (re.sub(r"\{\w+\}", "{id}", path).rstrip("/"), method)
        for path, operations in paths.items()
        for method in operations
    }

    missing = [str(r) for r in ROUTES if (r.path, r.method) not in documented]

    assert not missing, f"routes missing from /api/schema/: {missing}"
