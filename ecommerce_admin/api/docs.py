"""The OpenAPI schema and its Swagger UI page (security finding 8).

- The schema is public (the docs page reads it) but generating it costs 90-170 ms of CPU: it is
  computed once per process and version, then served from memory. It depends only on the code
  (SERVE_PUBLIC: not on the caller), so it cannot go stale while the process lives.
- The docs page is Swagger UI's split variant: its initialiser is a separate script URL
  (`?script=`), so even this page needs no inline script; Swagger UI still injects inline
  styles, so this page alone gets `style-src 'unsafe-inline'`.
"""

import threading

from csp.decorators import csp_update
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.response import Response


class CachedSchemaView(SpectacularAPIView):
    _schemas: dict = {}
    _lock = threading.Lock()

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (version, self.serve_public)
        schema = self._schemas.get(key)
        if schema is None:
            with self._lock:
                schema = self._schemas.get(key)
                if schema is None:
                    generator = self.generator_class(
                        urlconf=self.urlconf, api_version=version, patterns=self.patterns
                    )
                    schema = generator.get_schema(request=request, public=self.serve_public)
                    self._schemas[key] = schema
        return Response(
            data=schema,
            headers={
                "Content-Disposition": (
                    f'inline; filename="{self._get_filename(request, version)}"'
                )
            },
        )


def docs_view(**kwargs):
    view = SpectacularSwaggerSplitView.as_view(**kwargs)
    return csp_update({"style-src": ["'unsafe-inline'"]})(view)
