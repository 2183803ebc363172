"""django-filter's DRF backend without its form machinery when there is nothing to filter.

Building a FilterSet deep-copies every declared filter, builds a Django form, binds and cleans
it; for a request that sends none of the FilterSet's parameters that work can only conclude
"no filter" (no filter of ours is required or has a default). The unfiltered list and the count
are the most frequent requests, so they skip it; any request carrying one of the parameters
(even empty, even repeated) goes through the FilterSet exactly as before, validation included.
"""

from django_filters.rest_framework import DjangoFilterBackend


class FilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        if not sends_filters(request, view, queryset):
            return queryset
        return super().filter_queryset(request, queryset, view)


def sends_filters(request, view, queryset=None) -> bool:
    """Whether the request carries any parameter of the view's FilterSet (even empty, even
    repeated): if not, its list is the view's whole queryset."""
    filterset_class = getattr(view, "filterset_class", None)
    if filterset_class is None and queryset is not None:
        filterset_class = FilterBackend().get_filterset_class(view, queryset)
    if filterset_class is None:
        return False
    params = request.query_params
    return any(name in params for name in filterset_class.base_filters)
