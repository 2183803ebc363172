"""Base views of the contract's routes: a method a route does not serve is the contract's 405,
answered before any permission check (RoutePermission would otherwise refuse the unmapped
method with a 403, API.md §2)."""

from rest_framework.exceptions import MethodNotAllowed
from rest_framework.views import APIView
from rest_framework.viewsets import GenericViewSet


class ContractMethodsMixin:
    """Refuse, before authentication and permissions, a method the view has no handler for.

    A view's handlers are its `get`/`post`/... methods (an APIView's own, or those a ViewSet
    mapped to actions); `served_methods` narrows them further where a route answers fewer.
    """

    served_methods: frozenset[str] | None = None

    def initial(self, request, *args, **kwargs):
        method = request.method.lower()
        if method != "options" and not self.serves(method):
            raise MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)

    def serves(self, method: str) -> bool:
        if self.served_methods is not None and method not in self.served_methods:
            return False
        return method in self.http_method_names and hasattr(self, method)


class ContractAPIView(ContractMethodsMixin, APIView):
    pass


class ContractViewSet(ContractMethodsMixin, GenericViewSet):
    def validated(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer
