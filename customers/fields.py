"""Input fields whose rules the API serializers and the import command share.

The import validates each row with the very fields the API validates a request body with, so a
flag or a mobile number is accepted or refused alike, with the same message.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from customers import rules
from ecommerce_admin.api.params import FLAG_MESSAGE


@extend_schema_field({"type": "integer", "minimum": 0, "maximum": 1})
class FlagField(serializers.Field):
    """A 0/1 flag in a request body: `0`/`1`, `"0"`/`"1"` or JSON `true`/`false` → bool.

    The same flag in a query parameter is stricter (exactly `0` or `1`, API.md §1): that is
    `customers.filters.FlagParamField`, with the same message.
    """

    default_error_messages = {"invalid": FLAG_MESSAGE}
    _VALUES = {"0": False, "1": True, "false": False, "true": True}

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        if isinstance(data, int) and data in (0, 1):
            return bool(data)
        if isinstance(data, str) and data.strip().lower() in self._VALUES:
            return self._VALUES[data.strip().lower()]
        self.fail("invalid")

    def to_representation(self, value):
        return int(bool(value))


@extend_schema_field(
    {
        "oneOf": [{"type": "string"}, {"type": "integer"}],
        "example": "+4470001234",
        "description": "A `(0)` trunk prefix right after the country code is dropped "
        "(`+44 (0)20 7946-0958` is stored as `+442079460958`); spaces, dashes, dots and "
        "parentheses are removed; then 6-15 digits with an optional leading `+`.",
    }
)
class MobileNumberField(serializers.Field):
    """A number or string, normalised by `rules.normalise_mobile` (trunk prefix, separators)."""

    default_error_messages = {
        "invalid": rules.MOBILE_MESSAGE,
        "null_characters": "Null characters are not allowed.",
    }

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (int, str)):
            self.fail("invalid")
        if isinstance(data, int):
            if data < 0:
                self.fail("invalid")
            data = str(data)
        if "\x00" in data:
            self.fail("null_characters")
        number = rules.normalise_mobile(data)
        if number is None:
            self.fail("invalid")
        return number

    def to_representation(self, value):
        return value


@extend_schema_field({"type": "string", "format": "email", "maxLength": rules.EMAIL_MAX})
class EmailRuleField(serializers.CharField):
    """The e-mail rule every door shares (rules.clean_email): trimmed, ≤ 96, lower-cased."""

    def __init__(self, **kwargs):
        super().__init__(trim_whitespace=False, **kwargs)

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        try:
            return rules.clean_email(text)
        except rules.RuleError as error:
            raise serializers.ValidationError(error.message) from None
