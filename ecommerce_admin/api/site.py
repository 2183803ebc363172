"""`GET /api/settings` (API.md §9.9): the one site, as the original admin reads it after login
(its store name, its page size and its date pipe's formats)."""

from django.conf import settings
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.views import APIView

from .responses import success

# The original admin's add/edit page pre-selects site 2 in its (disabled) site dropdown.
SITE_ID = 2
ITEMS_PER_PAGE = 10


class SiteSettingsView(APIView):
    # Any valid access token; no Django permission (API.md §9).
    public = True
    auth_errors = True

    @extend_schema(
        summary="The shop's settings (one site)",
        description="Query parameters are ignored. `storeName` = SHOP_NAME; `dateFormat` a "
        "moment.js pattern (SHOP_DATE_FORMAT); `timeFormat` `24 hrs` or `12 hrs` "
        "(SHOP_TIME_FORMAT); `timeZone` = TIME_ZONE.",
        responses=inline_serializer(
            "SiteSettings",
            {
                "id": serializers.IntegerField(),
                "storeName": serializers.CharField(),
                "itemsPerPage": serializers.IntegerField(),
                "dateFormat": serializers.CharField(),
                "timeFormat": serializers.ChoiceField(choices=["24 hrs", "12 hrs"]),
                "timeZone": serializers.CharField(),
            },
            many=True,
        ),
        tags=["settings"],
    )
    def get(self, request):
        site = {
            "id": SITE_ID,
            "storeName": settings.SHOP_NAME,
            "itemsPerPage": ITEMS_PER_PAGE,
            "dateFormat": settings.SHOP_DATE_FORMAT,
            "timeFormat": settings.SHOP_TIME_FORMAT,
            "timeZone": settings.TIME_ZONE,
        }
        return success("Successfully got settings", [site])
