"""Countries and zones for the address form (API.md §9.8): read-only reference data that any
authenticated staff user may read (no Django permission), ordered by name for dropdowns."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers

from customers.models import Country, Zone
from customers.reference_filters import CountryFilter, ZoneFilter
from ecommerce_admin.api.contract import ContractViewSet
from ecommerce_admin.api.pagination import EnvelopeListMixin
from ecommerce_admin.api.schema import rows_or_count

from .address_serializers import ZoneSerializer
from .address_views import LIST_PARAMETERS, EveryRowWithoutLimitMixin


class CountrySerializer(serializers.Serializer):
    countryId = serializers.IntegerField(source="id", help_text="ISO 3166-1 numeric (India 356).")
    name = serializers.CharField()
    isoCode2 = serializers.CharField(source="iso_code_2")
    isoCode3 = serializers.CharField(source="iso_code_3")
    isActive = serializers.SerializerMethodField()

    def get_isActive(self, country) -> int:
        return int(country.is_active)


class ZoneRowSerializer(ZoneSerializer):
    isActive = serializers.SerializerMethodField()

    def get_isActive(self, zone) -> int:
        return int(zone.is_active)


class ReferenceListViewSet(EveryRowWithoutLimitMixin, EnvelopeListMixin, ContractViewSet):
    # Reference data: any valid access token reads it, no Django permission (API.md §9).
    public = True
    auth_errors = True
    limit_required = False


@extend_schema(tags=["reference data"])
class CountryViewSet(ReferenceListViewSet):
    queryset = Country.objects.none()  # for the schema generator; rows come from get_queryset
    serializer_class = CountrySerializer
    filterset_class = CountryFilter
    list_message = "Successfully got country list"
    count_message = "Successfully got country count"

    def get_queryset(self):
        return Country.objects.order_by("name", "id")

    @extend_schema(
        parameters=LIST_PARAMETERS,
        responses=OpenApiResponse(rows_or_count("Country")),
        summary="ISO 3166-1 countries, by name",
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


@extend_schema(tags=["reference data"])
class ZoneViewSet(ReferenceListViewSet):
    queryset = Zone.objects.none()
    serializer_class = ZoneRowSerializer
    filterset_class = ZoneFilter
    list_message = "Successfully got zone list"
    count_message = "Successfully got zone count"

    def get_queryset(self):
        return Zone.objects.filter(is_active=True).order_by("name", "id")

    @extend_schema(
        parameters=LIST_PARAMETERS,
        responses=OpenApiResponse(rows_or_count("ZoneRow")),
        summary="Active top-level ISO 3166-2 zones, by name",
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)
