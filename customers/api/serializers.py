"""Request and response shapes of API.md §3 and §4, with the contract's camelCase names.

Inputs are plain Serializers named after the request's fields, so a 422 names the field the client
sent (`mobileNumber`, `colorcode`); `service_kwargs()` maps them to the services' snake_case
arguments. Outputs list every field explicitly: a new secret column can never leak.
"""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from customers import rules
from customers.avatars import InvalidAvatar, avatar_decode
from customers.fields import EmailRuleField, FlagField, MobileNumberField
from customers.models import Customer, CustomerGroup
from customers.services import UNSET
from ecommerce_admin.ids import MAX_ID, MAX_IDS, InvalidIdList, id_values, parse_id_list


# --- Input fields ------------------------------------------------------------------------------
class BlankMeansAbsent:
    """API.md §9.2: the original admin sends every key, `""` or null where the user typed nothing.
    For the fields mixed in here that placeholder is "not given" (the default on add, the stored
    value kept on update), not a value to validate or store."""

    def run_validation(self, data=serializers.empty):
        if data is None or (isinstance(data, str) and data.strip() == ""):
            data = serializers.empty
        return super().run_validation(data)


class OptionalFlagField(BlankMeansAbsent, FlagField):
    """A 0/1 flag where `""` or null means not given (API.md §9.2, `newsletter`)."""


class OptionalTextField(BlankMeansAbsent, serializers.CharField):
    """Text where `""` or null means not given (API.md §9.2, `lastName`)."""


@extend_schema_field(OpenApiTypes.INT64)
class GroupIdField(serializers.IntegerField):
    """An integer id; whether the group exists is the service's 400, not a 422."""

    def __init__(self, **kwargs):
        super().__init__(min_value=-MAX_ID, max_value=MAX_ID, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, (bool, float)):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field(
    {
        "oneOf": [
            {"type": "array", "items": {"type": "integer"}},
            {"type": "string", "example": "1,2,3"},
        ],
        "description": "Ids as a JSON array, `1,2,3`, `[1,2]` or repeated form fields.",
    }
)
class IdListField(serializers.Field):
    """Customer ids in every format of API.md §3.7 (repeated form fields included)."""

    def get_value(self, dictionary):
        value = id_values(dictionary, self.field_name)
        return serializers.empty if value is None else value

    def to_internal_value(self, data):
        try:
            return parse_id_list(data)
        except InvalidIdList as exc:
            raise serializers.ValidationError(str(exc)) from None

    def to_representation(self, value):
        return value


@extend_schema_field({"description": "Accepted and ignored, whatever its value (API.md §9.2)."})
class IgnoredField(serializers.Field):
    """A key the original admin sends that this project has no use for (`siteId`, the update's
    `customerId`): never validated, never stored."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def run_validation(self, data=serializers.empty):
        raise serializers.SkipField()

    def to_representation(self, value):
        return value


def text(max_length: int, **kwargs) -> serializers.CharField:
    """An optional text field: `""` or null clears the stored value (API.md §3.5)."""
    return serializers.CharField(
        max_length=max_length, required=False, allow_blank=True, allow_null=True, **kwargs
    )


def password_field(**kwargs) -> serializers.CharField:
    kwargs.setdefault("max_length", 128)
    return serializers.CharField(trim_whitespace=False, **kwargs)


def check_password_strength(value: str) -> str:
    if not rules.password_is_strong(value):
        raise serializers.ValidationError(rules.PASSWORD_MESSAGE)
    return value


# --- Customers: input --------------------------------------------------------------------------
class CustomerCreateSerializer(serializers.Serializer):
    customerGroupId = GroupIdField()
    username = serializers.CharField(max_length=32, help_text="The customer's first name.")
    lastName = text(96)
    email = EmailRuleField()
    mobileNumber = MobileNumberField()
    password = password_field(validators=[check_password_strength])
    confirmPassword = password_field(max_length=None)
    newsletter = OptionalFlagField(required=False, default=False, help_text='"" or null = 0.')
    mailStatus = FlagField(help_text="1 = send the welcome email.")
    status = FlagField(help_text="1 = active.")
    siteId = IgnoredField()

    def validate_email(self, value: str) -> str:
        return value.lower()

    def service_kwargs(self) -> dict[str, Any]:
        data = self.validated_data
        return {
            "group_id": data["customerGroupId"],
            "first_name": data["username"],
            "last_name": data.get("lastName") or None,
            "email": data["email"],
            "mobile_number": data["mobileNumber"],
            "password": data["password"],
            "confirm_password": data["confirmPassword"],
            "newsletter": data["newsletter"],
            "mail_status": data["mailStatus"],
            "is_active": data["status"],
        }


@extend_schema_field(
    {
        "type": "string",
        "nullable": True,
        "description": "data:image/<png|jpeg|jpg|gif|webp>;base64,... (≤ 2 MB); "
        '"" or null keep the stored avatar (API.md §9.2).',
    }
)
class AvatarField(BlankMeansAbsent, serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            raise serializers.ValidationError("Must be a data URI string.")
        try:
            return avatar_decode(data)
        except InvalidAvatar as exc:
            raise serializers.ValidationError(str(exc)) from None


class CustomerUpdateSerializer(serializers.Serializer):
    customerGroupId = GroupIdField()
    username = serializers.CharField(max_length=32, help_text="The customer's first name.")
    lastName = OptionalTextField(
        max_length=96, required=False, help_text='"" or null keep the stored value (API.md §9.2).'
    )
    email = EmailRuleField(required=False)
    mobileNumber = MobileNumberField()
    password = password_field(required=False, allow_blank=True, allow_null=True)
    confirmPassword = password_field(
        max_length=None, required=False, allow_blank=True, allow_null=True
    )
    avatar = AvatarField()
    newsletter = OptionalFlagField(required=False, help_text='"" or null keep the stored value.')
    realName = text(255)
    customerNo = text(64)
    mailStatus = FlagField(help_text="Stored only; no mail is sent on update.")
    status = FlagField(help_text="1 = active.")
    siteId = IgnoredField()
    customerId = IgnoredField(help_text="The path id decides.")

    def validate_email(self, value: str) -> str:
        return value.lower()

    def validate_password(self, value: str | None) -> str | None:
        return check_password_strength(value) if value else value

    def service_kwargs(self) -> dict[str, Any]:
        data = self.validated_data
        optional = {
            "email": "email",
            "lastName": "last_name",
            "newsletter": "newsletter",
            "realName": "real_name",
            "customerNo": "customer_no",
            "avatar": "avatar",
        }
        kwargs = {
            "group_id": data["customerGroupId"],
            "first_name": data["username"],
            "mobile_number": data["mobileNumber"],
            "password": data.get("password"),
            "confirm_password": data.get("confirmPassword"),
            "mail_status": data["mailStatus"],
            "is_active": data["status"],
        }
        for name, argument in optional.items():
            kwargs[argument] = data.get(name, UNSET)
        return kwargs


class CustomerIdsSerializer(serializers.Serializer):
    customerId = IdListField(help_text=f"At most {MAX_IDS:,} ids; duplicates count once.")


class CustomerBulkStatusSerializer(serializers.Serializer):
    customerIds = IdListField(help_text=f"At most {MAX_IDS:,} ids; duplicates count once.")
    statusId = FlagField(help_text="1 = active, 0 = inactive.")


# --- Customers: output -------------------------------------------------------------------------
class CustomerSerializer(serializers.ModelSerializer):
    """The full customer object (API.md §3.4). Never password, reset key or OAuth data."""

    firstName = serializers.CharField(source="first_name")
    lastName = serializers.CharField(source="last_name", allow_null=True)
    mobileNumber = serializers.CharField(source="mobile_number")
    countryId = serializers.IntegerField(source="country_id", allow_null=True)
    zoneId = serializers.IntegerField(source="zone_id", allow_null=True)
    avatarPath = serializers.CharField(source="avatar_path", allow_null=True)
    newsletter = FlagField()
    customerGroupId = serializers.IntegerField(source="customer_group_id", allow_null=True)
    customerGroupName = serializers.SerializerMethodField()
    lastLogin = serializers.DateTimeField(source="last_login", allow_null=True)
    safe = FlagField()
    mailStatus = FlagField(source="mail_status")
    deleteFlag = FlagField(source="is_deleted")
    isActive = FlagField(source="is_active")
    realName = serializers.CharField(source="real_name", allow_null=True)
    customerNo = serializers.CharField(source="customer_no", allow_null=True)
    lockedOn = serializers.DateTimeField(source="locked_on", allow_null=True)
    createdBy = serializers.IntegerField(source="created_by_id", allow_null=True)
    createdDate = serializers.DateTimeField(source="created_at")
    modifiedBy = serializers.IntegerField(source="modified_by_id", allow_null=True)
    modifiedDate = serializers.DateTimeField(source="updated_at")

    class Meta:
        model = Customer
        fields = [
            "id",
            "firstName",
            "lastName",
            "username",
            "email",
            "mobileNumber",
            "address",
            "countryId",
            "zoneId",
            "city",
            "local",
            "pincode",
            "avatar",
            "avatarPath",
            "newsletter",
            "customerGroupId",
            "customerGroupName",
            "lastLogin",
            "safe",
            "ip",
            "mailStatus",
            "deleteFlag",
            "isActive",
            "realName",
            "customerNo",
            "lockedOn",
            "createdBy",
            "createdDate",
            "modifiedBy",
            "modifiedDate",
        ]
        read_only_fields = fields

    def get_customerGroupName(self, customer: Customer) -> str:
        group = customer.customer_group
        return group.name if group is not None else ""


class CustomerRowSerializer(serializers.Serializer):
    """A customer list row (API.md §3.2). Documentation only: lists are built with `values()`."""

    id = serializers.IntegerField()
    firstName = serializers.CharField()
    lastName = serializers.CharField(allow_null=True)
    username = serializers.CharField()
    email = serializers.CharField()
    mobileNumber = serializers.CharField()
    isActive = serializers.IntegerField(help_text="0 or 1")
    customerGroupId = serializers.IntegerField(allow_null=True)
    customerGroupName = serializers.CharField(allow_null=True)
    createdDate = serializers.DateTimeField()
    modifiedDate = serializers.DateTimeField()


class CustomerCountSerializer(serializers.Serializer):
    totalCustomer = serializers.IntegerField()
    activeCustomer = serializers.IntegerField()
    inActiveCustomer = serializers.IntegerField()
    totalCustomerGroup = serializers.IntegerField()
    activeCustomerGroup = serializers.IntegerField()
    inActiveCustomerGroup = serializers.IntegerField()


class TodayCountSerializer(serializers.Serializer):
    customerCount = serializers.IntegerField()


# --- Groups ------------------------------------------------------------------------------------
class GroupWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=30)
    description = text(512)
    colorcode = serializers.CharField(help_text="#RGB or #RRGGBB")
    status = FlagField(help_text="1 = active.")

    def validate_colorcode(self, value: str) -> str:
        if not rules.is_colour(value):
            raise serializers.ValidationError(rules.COLOUR_MESSAGE)
        return value

    def service_kwargs(self) -> dict[str, Any]:
        data = self.validated_data
        return {
            "name": data["name"],
            "description": data.get("description", UNSET),
            "color_code": data["colorcode"],
            "is_active": data["status"],
        }


class GroupSerializer(serializers.ModelSerializer):
    """The group object of API.md §4 (`customer_count` comes from `with_customer_count()`)."""

    # API.md §9.1: the original admin binds `id` (dropdown values, edit and delete paths).
    id = serializers.IntegerField(help_text="The same as `groupId`.")
    groupId = serializers.IntegerField(source="id")
    colorCode = serializers.CharField(source="color_code")
    isActive = FlagField(source="is_active")
    isDefault = serializers.BooleanField(source="is_default")
    customerCount = serializers.IntegerField(source="customer_count")
    createdDate = serializers.DateTimeField(source="created_at")
    modifiedDate = serializers.DateTimeField(source="updated_at")

    class Meta:
        model = CustomerGroup
        fields = [
            "id",
            "groupId",
            "name",
            "description",
            "colorCode",
            "isActive",
            "isDefault",
            "customerCount",
            "createdDate",
            "modifiedDate",
        ]
        read_only_fields = fields
