"""The customer changelist's rows, rebuilt in a worker from the filters the admin showed.

"Export in background" over every matching customer stores the changelist's query string (its
filters and search); the worker hands it back to the registered CustomerAdmin, so the job
exports exactly what the list showed — the same filter classes, lookups and search — without a
second translation of admin filters into API filters. Deleted customers are never exported.
"""

from django.contrib import admin
from django.contrib.admin.views.main import ORDER_VAR, PAGE_VAR
from django.http import HttpRequest, QueryDict

from customers.models import Customer


class InvalidAdminQuery(Exception):
    """The stored filters no longer apply (a filter was removed, a lookup refused)."""


def clean_query(query: QueryDict) -> dict[str, list[str]]:
    """The changelist's filters and search, without its page and ordering."""
    return {key: query.getlist(key) for key in query if key not in {PAGE_VAR, ORDER_VAR}}


def changelist_customers(owner, query: dict[str, list[str]]):
    """The live customers the changelist shows `owner` for `query`, newest first."""
    request = HttpRequest()
    request.method = "GET"
    request.path = "/admin/customers/customer/"
    request.META = {"SERVER_NAME": "localhost", "SERVER_PORT": "80"}
    get = QueryDict(mutable=True)
    for key, values in query.items():
        get.setlist(key, list(values))
    request.GET = get
    request.user = owner
    model_admin = admin.site._registry[Customer]
    try:
        changelist = model_admin.get_changelist_instance(request)
        queryset = changelist.get_queryset(request)
    except Exception as exc:  # IncorrectLookupParameters, DisallowedModelAdminLookup, ...
        raise InvalidAdminQuery(str(exc)) from None
    return queryset.filter(is_deleted=False).order_by("-created_at", "-id")
