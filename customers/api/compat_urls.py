"""Routes the original admin frontend calls beyond §3/§4 (API.md §9.7, §9.8, §9.10), mounted
under /api/. Ids match digits only; a trailing slash is optional."""

from django.urls import re_path

from .address_views import AddressViewSet
from .avatar_views import AvatarImageView
from .reference_views import CountryViewSet, ZoneViewSet

address_collection = AddressViewSet.as_view({"post": "create"})
# GET lists a customer's addresses, PUT/DELETE act on one address: one path shape, as the
# original admin calls them (`{pk}` is the customer id for GET, the address id otherwise).
address_item = AddressViewSet.as_view({"get": "list", "put": "update", "delete": "destroy"})

urlpatterns = [
    re_path(r"^address/?$", address_collection, name="address-create"),
    re_path(r"^address/(?P<pk>[0-9]+)/?$", address_item, name="address-item"),
    re_path(r"^country/?$", CountryViewSet.as_view({"get": "list"}), name="country-list"),
    re_path(r"^list/zone/?$", ZoneViewSet.as_view({"get": "list"}), name="zone-list"),
    re_path(r"^media/image-resize/?$", AvatarImageView.as_view(), name="image-resize"),
]
