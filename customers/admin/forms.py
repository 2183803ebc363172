"""Forms of the customer admin: the change form, "set password" and "move to group".

The field rules are the API's (API.md §3.1): the admin is a second door into the same data, so it
must not accept what the API refuses. The business rules (duplicate email, group existence) are
the services' and surface as their messages.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import construct_instance
from import_export.forms import ImportForm

from customers import rules, services
from customers.imports import limits as import_limits
from customers.models import Customer, CustomerGroup
from ecommerce_admin.errors import DomainError

PASSWORD_HELP = (
    "8-128 characters with at least one upper-case letter, one lower-case letter, and one digit "
    "or one of #?!@$%^&*-"
)


def by_rule(rule, value):
    """Apply a `customers.rules` rule; its refusal becomes the form error, word for word."""
    try:
        return rule(value)
    except rules.RuleError as error:
        raise ValidationError(error.message) from None


def clean_mobile_number(value: str) -> str:
    return by_rule(rules.clean_mobile, value)


def validate_password_rule(value: str) -> None:
    if not rules.password_is_strong(value):
        raise ValidationError(rules.PASSWORD_MESSAGE)


class PasswordPairMixin(forms.Form):
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        validators=[validate_password_rule],
        help_text=PASSWORD_HELP,
    )
    password2 = forms.CharField(
        label="Password confirmation",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_password2(self):
        first, second = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if first is not None and first != second:
            raise ValidationError(services.PASSWORD_MISMATCH)
        return second


class ServiceModelForm(forms.ModelForm):
    """A model form whose save is a service call, made while validating.

    Field rules are checked first; then, when they pass, `save_through_service` writes through
    the service and a `DomainError` becomes an error on the form, with the contract's message,
    beside the field it concerns. The admin's change view runs in one transaction, so nothing of
    a refused save remains. Model constraints are not re-checked here: the services own them.
    """

    staff_user: Any = None

    def _post_clean(self):
        try:
            self.instance = construct_instance(
                self, self.instance, self._meta.fields, self._meta.exclude
            )
        except ValidationError as error:
            self._update_errors(error)
        try:
            self.instance.full_clean(
                exclude=self._get_validation_exclusions(),
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            self._update_errors(error)
        if self.errors:
            return
        try:
            self.instance = self.save_through_service()
        except DomainError as error:
            field = services.FIELD_OF_MESSAGE.get(error.message)
            self.add_error(field if field in self.fields else None, error.message)

    def save_through_service(self):
        raise NotImplementedError

    def save(self, commit=True):
        # Already written by the service during validation.
        return self.instance

    def save_m2m(self):
        pass


class CustomerChangeForm(ServiceModelForm):
    """The admin's customer form; the password is never a field of it (see SetPasswordForm)."""

    # The length and format checks are the rules' (customers/rules.py), not the model fields',
    # so the admin refuses what the API refuses with the API's words.
    first_name = forms.CharField(label="First name", strip=False)
    last_name = forms.CharField(label="Last name", required=False, strip=False)
    email = forms.CharField(label="Email", widget=forms.EmailInput, strip=False)
    # Longer than the column: spaces, dashes, dots and parentheses are removed before the check.
    mobile_number = forms.CharField(
        max_length=32, help_text="6-15 digits, optionally starting with +."
    )

    class Meta:
        model = Customer
        fields = [
            "first_name",
            "last_name",
            "email",
            "mobile_number",
            "customer_group",
            "is_active",
            "mail_status",
            "newsletter",
            "real_name",
            "customer_no",
            "address",
            "city",
            "pincode",
            "country_id",
            "zone_id",
            "local",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "customer_group" in self.fields:
            self.fields["customer_group"].required = True
            self.fields["customer_group"].queryset = CustomerGroup.objects.order_by("name")

    def clean_first_name(self):
        return by_rule(rules.clean_first_name, self.cleaned_data.get("first_name"))

    def clean_last_name(self):
        return by_rule(rules.clean_last_name, self.cleaned_data.get("last_name"))

    def clean_email(self):
        return by_rule(rules.clean_email, self.cleaned_data.get("email"))

    def clean_mobile_number(self):
        return clean_mobile_number(self.cleaned_data.get("mobile_number"))

    def save_through_service(self) -> Customer:
        data = self.cleaned_data
        return services.customer_update(
            customer_id=self.instance.pk,
            group_id=data["customer_group"].pk,
            first_name=data["first_name"],
            last_name=data.get("last_name") or None,
            email=data["email"],
            mobile_number=data["mobile_number"],
            is_active=data["is_active"],
            mail_status=data["mail_status"],
            newsletter=data["newsletter"],
            real_name=data.get("real_name") or None,
            customer_no=data.get("customer_no") or None,
            by=self.staff_user,
        )


class CustomerAddForm(PasswordPairMixin, CustomerChangeForm):
    """Adding a customer asks for the password twice, with the API's rule."""

    class Meta(CustomerChangeForm.Meta):
        fields = [
            "first_name",
            "last_name",
            "email",
            "mobile_number",
            "customer_group",
            "is_active",
            "mail_status",
            "newsletter",
        ]

    def save_through_service(self) -> Customer:
        data = self.cleaned_data
        return services.customer_create(
            group_id=data["customer_group"].pk,
            first_name=data["first_name"],
            last_name=data.get("last_name") or None,
            email=data["email"],
            mobile_number=data["mobile_number"],
            password=data["password1"],
            confirm_password=data["password2"],
            is_active=data["is_active"],
            mail_status=data["mail_status"],
            newsletter=data["newsletter"],
            by=self.staff_user,
        )


class SetPasswordForm(PasswordPairMixin):
    """The admin's "set password" page: only the new password, twice."""


class MoveToGroupForm(forms.Form):
    group = forms.ModelChoiceField(
        # No group preselected: the first one is often the customers' current group.
        queryset=CustomerGroup.objects.order_by("name"),
        label="Move to group",
        empty_label="— choose a group —",
    )


class CustomerGroupForm(ServiceModelForm):
    class Meta:
        model = CustomerGroup
        fields = ["name", "description", "color_code", "is_active"]
        help_texts = {"color_code": "#RGB or #RRGGBB."}

    def clean_name(self):
        name = (self.cleaned_data.get("name") or "").strip()
        if not name:
            raise ValidationError("This field is required.")
        return name

    def clean_color_code(self):
        value = (self.cleaned_data.get("color_code") or "").strip()
        if not rules.is_colour(value):
            raise ValidationError(rules.COLOUR_MESSAGE)
        return value

    def save_through_service(self) -> CustomerGroup:
        data = self.cleaned_data
        fields = {
            "name": data["name"],
            "color_code": data["color_code"],
            "is_active": data["is_active"],
            "description": data.get("description") or "",
            "by": self.staff_user,
        }
        if self.instance.pk is None:
            return services.group_create(**fields)
        return services.group_update(group_id=self.instance.pk, **fields)


MAX_IMPORT_BYTES = import_limits.ADMIN_IMPORT.max_upload_bytes


class BoundedImportForm(ImportForm):
    """django-import-export's import form, refusing an upload over the admin's caps (size, rows,
    columns, an xlsx's unpacked size) before anything parses it (customers/imports/limits.py)."""

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(
                f"The file is larger than {MAX_IMPORT_BYTES // 2**20} MB; split it, or import it "
                "with `manage.py import_customers`."
            )
        try:
            import_limits.check_upload(upload, import_limits.ADMIN_IMPORT)
        except import_limits.ImportTooLarge as exc:
            raise ValidationError(str(exc)) from None
        return upload
