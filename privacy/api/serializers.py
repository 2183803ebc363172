"""Request and response shapes of API.md §12, with the contract's camelCase names."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from privacy.services import DEFAULT_GRACE_DAYS, MAX_GRACE_DAYS


class ReasonField(serializers.CharField):
    """Text only: a number or a boolean is not a reason."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field(
    {
        "type": "integer",
        "minimum": 0,
        "maximum": MAX_GRACE_DAYS,
        "default": DEFAULT_GRACE_DAYS,
        "description": "Days before the erasure is carried out; 0 erases at once. A numeric "
        'string is accepted; absent, `null` or `""` means the default (14).',
    }
)
class GraceDaysField(serializers.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(min_value=0, max_value=MAX_GRACE_DAYS, **kwargs)

    def validate_empty_values(self, data):
        if data is None or data == "":
            return True, DEFAULT_GRACE_DAYS
        return super().validate_empty_values(data)

    def to_internal_value(self, data):
        if isinstance(data, (bool, float)):
            self.fail("invalid")
        return super().to_internal_value(data)


class EraseSerializer(serializers.Serializer):
    reason = ReasonField(min_length=1, max_length=500)
    graceDays = GraceDaysField(required=False, default=DEFAULT_GRACE_DAYS)


class ErasureSerializer(serializers.Serializer):
    """The answer of `POST /api/customer/{id}/erase`."""

    customerId = serializers.IntegerField()
    eraseAfter = serializers.DateTimeField(
        help_text="When the erasure is (or was, with graceDays 0) carried out."
    )
