"""Marks writes made during a request as coming from the API or the admin."""

from .services import audit_source


class AuditSourceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        source = (
            "admin"
            if path.startswith("/admin/")
            else "api"
            if path.startswith("/api/")
            else "system"
        )
        with audit_source(source):
            return self.get_response(request)
