"""Test-only URLconf: the real routes plus a few that fail on purpose.

`@pytest.mark.urls("ecommerce_admin.tests.urls_faults")` puts these in front of the project's
own patterns, so the envelope of a 400, a 403 and an unexpected 500 can be asserted without
waiting for a real route to misbehave.
"""

from django.db import connection
from django.http import HttpResponse
from django.urls import re_path
from rest_framework.views import APIView

from ecommerce_admin import urls as project_urls
from ecommerce_admin.api.responses import success
from ecommerce_admin.errors import DomainError

SECRET_DETAIL = "secret detail"


class BoomView(APIView):
    """Raises an unexpected exception: the client must see only the generic 500."""

    required_permissions = {"get": "customers.view_customer", "post": "customers.view_customer"}
    schema = None

    def get(self, request):
        raise RuntimeError(SECRET_DETAIL)

    post = get


class RefusedView(APIView):
    """A business rule says no: 400 with the domain message."""

    required_permissions = {"post": "customers.add_customer"}
    schema = None

    def post(self, request):
        raise DomainError("Invalid customer group Id.")


class GuardedView(APIView):
    """Needs `customers.view_customer` for GET; DELETE is declared with no permission at all."""

    required_permissions = {"get": "customers.view_customer"}
    schema = None

    def get(self, request):
        return success("guarded", {"ok": True})

    def delete(self, request):
        return success("should never be reached")


class BadSqlView(APIView):
    """A genuine bug in SQL (a syntax error): a 500, never mistaken for an outage (503)."""

    required_permissions = {"get": "customers.view_customer"}
    schema = None

    def get(self, request):
        with connection.cursor() as cursor:
            cursor.execute("SELEC 1")  # the typo is the point
        return success("unreachable")


def bad_sql_page(request):
    """The same bug outside the API: Django's plain 500 page, not the 503 page."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table_at_all")
    return HttpResponse("unreachable")


test_patterns = [
    re_path(r"^api/test-bad-sql/?$", BadSqlView.as_view()),
    re_path(r"^test-bad-sql-page/?$", bad_sql_page),
    re_path(r"^api/test-boom/?$", BoomView.as_view()),
    re_path(r"^api/test-refused/?$", RefusedView.as_view()),
    re_path(r"^api/test-guarded/?$", GuardedView.as_view()),
]

urlpatterns = [*test_patterns, *project_urls.urlpatterns]

# Django looks the error handlers up in the root URLconf, which this module is in these tests.
handler500 = project_urls.handler500
