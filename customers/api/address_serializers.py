"""Request and response shapes of the address book (API.md §9.7).

The original admin sends JSON with numbers from its dropdowns, digit strings from its text inputs
and null for untouched optional inputs; every such value is accepted here. The rules themselves
live in customers.services.addresses, shared with the admin.
"""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from customers.api.serializers import CustomerSerializer
from customers.models import Address
from customers.services.addresses import AddressFields, address_field_errors, normalise_phone
from ecommerce_admin.ids import MAX_ID

NUL_MESSAGE = "Null characters are not allowed."

# Request name → model field, for the errors of the shared rules.
REQUEST_NAMES = {
    "first_name": "firstName",
    "last_name": "lastName",
    "phone_no": "phoneNumber",
    "address1": "address1",
    "address2": "address2",
    "landmark": "landmark",
    "city": "city",
    "state": "state",
    "postcode": "postcode",
    "company": "company",
}


@extend_schema_field({"oneOf": [{"type": "string"}, {"type": "integer"}], "nullable": True})
class LooseTextField(serializers.Field):
    """A string or a number (digit inputs), trimmed; absent, null or "" → ""."""

    default_error_messages = {"invalid": "Must be a string or a number."}

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def validate_empty_values(self, data):
        if data is serializers.empty or data is None:
            return True, ""
        return super().validate_empty_values(data)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (str, int)):
            self.fail("invalid")
        text = str(data)
        if "\x00" in text:
            raise serializers.ValidationError(NUL_MESSAGE)
        return text.strip()

    def to_representation(self, value):
        return value


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string"}], "example": 356})
class IntegerIdField(serializers.IntegerField):
    """An id as a JSON number or a digit string; whether it exists is the service's 400."""

    def __init__(self, **kwargs):
        super().__init__(min_value=0, max_value=MAX_ID, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, (bool, float)):
            self.fail("invalid")
        if isinstance(data, str) and not data.strip().isdigit():
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field(
    {"oneOf": [{"type": "integer"}, {"type": "string"}], "nullable": True, "example": 1234}
)
class OptionalZoneField(IntegerIdField):
    """absent, null, "" or 0 = no zone."""

    def __init__(self, **kwargs):
        super().__init__(required=False, allow_null=True, **kwargs)

    def validate_empty_values(self, data):
        if data is serializers.empty or data is None or data == "" or data == 0 or data == "0":
            return True, None
        return super().validate_empty_values(data)


@extend_schema_field({"type": "integer", "enum": [0, 1], "description": "0 shipping, 1 billing"})
class AddressTypeField(serializers.Field):
    default_error_messages = {"invalid": "Must be 0 (shipping) or 1 (billing)."}

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        if data in (0, 1):
            return int(data)
        if isinstance(data, str) and data.strip() in {"0", "1"}:
            return int(data.strip())
        self.fail("invalid")

    def to_representation(self, value):
        return value


class AddressWriteSerializer(serializers.Serializer):
    """The create body; update takes the same body and ignores `customerId` and `addressId`."""

    customerId = IntegerIdField(help_text="The customer (create only; ignored on update).")
    address1 = LooseTextField(help_text="Required, 1-128 characters.")
    city = LooseTextField(help_text="Required, 1-128 characters.")
    countryId = IntegerIdField(help_text="A country of GET /api/country (its ISO numeric code).")
    addressType = AddressTypeField(help_text="0 shipping, 1 billing.")
    zoneId = OptionalZoneField(help_text='A zone of that country; absent, null, "" or 0 = none.')
    firstName = LooseTextField(help_text='Absent, null or "" = the customer\'s first name.')
    lastName = LooseTextField(help_text='Absent, null or "" = the customer\'s last name.')
    phoneNumber = LooseTextField(help_text="6-15 digits, optional +; answered as phoneNo.")
    postcode = LooseTextField(help_text="At most 10 letters, digits, spaces or dashes.")
    address2 = LooseTextField()
    landmark = LooseTextField()
    state = LooseTextField()
    company = LooseTextField()

    def __init__(self, *args, for_update: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if for_update:
            self.fields.pop("customerId")

    def validate(self, attrs):
        texts = {
            model: attrs.get(request, "")
            for model, request in REQUEST_NAMES.items()
            if model not in {"address1", "city", "postcode", "phone_no"}
        }
        errors = address_field_errors(
            address1=attrs.get("address1", ""),
            city=attrs.get("city", ""),
            postcode=attrs.get("postcode", ""),
            phone_no=attrs.get("phoneNumber", ""),
            texts=texts,
        )
        if errors:
            raise serializers.ValidationError(
                {REQUEST_NAMES[name]: [message] for name, message in errors.items()}
            )
        return attrs

    def fields_for_service(self) -> AddressFields:
        data = self.validated_data
        return AddressFields(
            address1=data["address1"],
            city=data["city"],
            country_id=data["countryId"],
            address_type=data["addressType"],
            zone_id=data.get("zoneId"),
            first_name=data.get("firstName") or None,
            last_name=data.get("lastName") or None,
            company=data.get("company", ""),
            address2=data.get("address2", ""),
            landmark=data.get("landmark", ""),
            state=data.get("state", ""),
            postcode=data.get("postcode", ""),
            phone_no=normalise_phone(data.get("phoneNumber", "")),
        )


class ZoneSerializer(serializers.Serializer):
    zoneId = serializers.IntegerField(source="id")
    countryId = serializers.IntegerField(source="country_id")
    code = serializers.CharField(help_text="ISO 3166-2 code, e.g. IN-TN.")
    name = serializers.CharField()


class AddressSerializer(serializers.Serializer):
    """The address object of API.md §9.7 (every text a string, never null)."""

    addressId = serializers.IntegerField(source="id")
    customerId = serializers.IntegerField(source="customer_id")
    firstName = serializers.CharField(source="first_name")
    lastName = serializers.CharField(source="last_name")
    company = serializers.CharField()
    address1 = serializers.CharField()
    address2 = serializers.CharField()
    landmark = serializers.CharField()
    city = serializers.CharField()
    state = serializers.CharField()
    postcode = serializers.CharField()
    phoneNo = serializers.CharField(source="phone_no")
    countryId = serializers.IntegerField(source="country_id")
    zoneId = serializers.IntegerField(source="zone_id", allow_null=True)
    zone = ZoneSerializer(allow_null=True)
    addressType = serializers.IntegerField(source="address_type", help_text="0 shipping, 1 billing")
    createdDate = serializers.DateTimeField(source="created_at")
    modifiedDate = serializers.DateTimeField(source="updated_at")


def address_data(address: Address) -> dict[str, Any]:
    return AddressSerializer(address).data


def customer_addresses(customer_id: int) -> list[dict[str, Any]]:
    """A customer's addresses, newest first, for the customer detail (one query)."""
    rows = (
        Address.objects.filter(customer_id=customer_id)
        .select_related("zone")
        .order_by("-created_at", "-id")
    )
    return AddressSerializer(rows, many=True).data


class CustomerDetailSerializer(CustomerSerializer):
    """The detail's customer object: §3.4 plus the address book (documentation only)."""

    addresses = AddressSerializer(
        many=True, read_only=True, help_text="The customer's addresses, newest first (§9.7)."
    )

    class Meta(CustomerSerializer.Meta):
        fields = [*CustomerSerializer.Meta.fields, "addresses"]
        read_only_fields = fields
