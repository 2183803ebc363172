"""Root URLconf: the admin, the API (with its docs) and a JSON 404 for anything else under /api."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static as static_url
from django.urls import include, path, re_path

from analytics.dashboard import dashboard_view
from ecommerce_admin.api import views as api_views
from ecommerce_admin.api.docs import CachedSchemaView, docs_view
from ecommerce_admin.api.site import SiteSettingsView

# A database outage anywhere outside a DRF view is a 503, other failures the usual 500.
handler500 = "ecommerce_admin.db_faults.server_error"

api_patterns = [
    re_path(r"^auth/login/?$", api_views.LoginView.as_view(), name="auth-login"),
    re_path(r"^auth/token/refresh/?$", api_views.TokenRefreshView.as_view(), name="auth-refresh"),
    re_path(r"^auth/logout/?$", api_views.LogoutView.as_view(), name="auth-logout"),
    re_path(r"^health/?$", api_views.HealthView.as_view(), name="health"),
    re_path(r"^schema/?$", CachedSchemaView.as_view(), name="schema"),
    re_path(r"^docs/?$", docs_view(url_name="schema"), name="docs"),
    path("", include("customers.api.urls")),
    # The original admin frontend's extra routes (API.md §9).
    re_path(r"^settings/?$", SiteSettingsView.as_view(), name="settings"),
    path("", include("customers.api.compat_urls")),
    path("", include("analytics.urls")),
    path("", include("jobs.api.urls")),
    path("", include("privacy.api.urls")),
    re_path(r"^.*$", api_views.UnknownRouteView.as_view(), name="unknown-route"),
]


def favicon(request):
    # Browsers ask for /favicon.ico on pages that name none (JSON answers, downloads). Resolved
    # per request: a manifest storage knows the hashed name only after collectstatic.
    return HttpResponsePermanentRedirect(static_url("ecommerce_admin/favicon.svg"))


urlpatterns = [
    path("favicon.ico", favicon),
    path("admin/dashboard/", admin.site.admin_view(dashboard_view), name="admin-dashboard"),
    path("admin/", admin.site.urls),
    path("api/", include(api_patterns)),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
