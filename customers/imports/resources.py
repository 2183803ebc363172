"""django-import-export resources for the admin's import (CSV/XLSX with a preview) and export.

Imports follow the API's rules because they go through the same services: the email is trimmed
and lower-cased and identifies the customer among the non-deleted ones, the group must exist, a
duplicate group name is refused case-insensitively, each refusal carries the contract's message.
A password is never imported: new customers get an unusable password (a "set password" in the
admin or the shop's reset flow gives them one).

Exports escape spreadsheet formulas in every text cell (django-import-export's own setting only
strips a leading `=`).
"""

import io

import tablib
from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets
from import_export.formats.base_formats import CSV, XLSX

from customers import rules, services
from customers.exports import sanitise_cell, unsanitise_cell, write_xlsx
from customers.imports.limits import ADMIN_IMPORT
from customers.models import Customer, CustomerGroup
from ecommerce_admin.errors import DomainError

from . import bulk as pipeline

# The admin form refuses bigger files before parsing (imports/limits.py); this check is the last
# line for any other path into the resource. Each row goes through a service (~6 ms a row on
# PostgreSQL), so the cap keeps a preview within a request's time limit.
MAX_IMPORT_ROWS = ADMIN_IMPORT.max_rows


class EscapedCSV(CSV):
    """CSV with API.md §3.12's formula escape: added on export, removed on import (exactly one
    leading `'` before a formula trigger or a `'`), so an export imports back unchanged."""

    def create_dataset(self, in_stream, **kwargs):
        dataset = super().create_dataset(in_stream, **kwargs)
        rows = [[unsanitise_cell(value) for value in row] for row in dataset]
        return tablib.Dataset(*rows, headers=dataset.headers)

    def export_data(self, dataset, **kwargs):
        rows = [[sanitise_cell(value) for value in row] for row in dataset]
        headers = [sanitise_cell(header) for header in dataset.headers or []]
        return super().export_data(tablib.Dataset(*rows, headers=headers), **kwargs)


class QuotePrefixXLSX(XLSX):
    """xlsx through the project's writer: formula-like text keeps its characters and carries
    Excel's quotePrefix style (no visible apostrophe); an import takes cell text as it is."""

    def export_data(self, dataset, **kwargs):
        output = io.BytesIO()
        write_xlsx(list(dataset), output, (dataset.title or "Export")[:31], list(dataset.headers))
        return output.getvalue()


class EmailWidget(widgets.CharWidget):
    """The API's e-mail rule (rules.clean_email): trimmed, lower-cased, refused when invalid."""

    def clean(self, value, row=None, **kwargs):
        value = (super().clean(value, row, **kwargs) or "").strip()
        if not value:
            return ""  # "This field is required." (import_instance)
        try:
            return rules.clean_email(value)
        except rules.RuleError as error:
            raise ValueError(error.message) from None


class MobileWidget(widgets.CharWidget):
    """The API's mobile rule (rules.normalise_mobile), with its message."""

    def clean(self, value, row=None, **kwargs):
        value = (super().clean(value, row, **kwargs) or "").strip()
        number = rules.normalise_mobile(str(value or ""))
        if number is None:
            raise ValueError(rules.MOBILE_MESSAGE)
        return number


class TextWidget(widgets.CharWidget):
    """Trimmed text (the CSV format has already removed the formula escape)."""

    def clean(self, value, row=None, **kwargs):
        value = super().clean(value, row, **kwargs)
        return (value or "").strip()


class GroupWidget(widgets.ForeignKeyWidget):
    """A group by name, case-insensitively (names are unique that way); unknown → the API's 400."""

    def __init__(self):
        super().__init__(CustomerGroup, field="name")

    def clean(self, value, row=None, **kwargs):
        name = (str(value) if value is not None else "").strip()
        if not name:
            raise ValueError(services.INVALID_GROUP)
        group = CustomerGroup.objects.filter(name__iexact=name).first()
        if group is None:
            raise ValueError(services.INVALID_GROUP)
        return group


class FlagWidget(widgets.BooleanWidget):
    """0/1 (and true/false); empty keeps the default."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, str):
            value = value.strip().lower()
        if value in ("", None):
            return None
        if value in ("1", 1, True, "true", "yes"):
            return True
        if value in ("0", 0, False, "false", "no"):
            return False
        raise ValueError("Use 0 or 1.")


class ServiceResource(resources.ModelResource):
    """Rows are written through the services; their refusals become row validation errors."""

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user

    def before_import(self, dataset, **kwargs):
        if len(dataset) > MAX_IMPORT_ROWS:
            raise ValueError(
                f"A file may hold at most {MAX_IMPORT_ROWS:,} rows here; split it, or import it "
                "with `manage.py import_customers`."
            )
        self.user = kwargs.get("user") or self.user

    def save_instance(self, instance, is_create, row, **kwargs):
        if not kwargs.get("using_transactions") and kwargs.get("dry_run"):
            return  # no transaction to roll back: do not write during a preview
        try:
            saved = self.save_through_service(instance, is_create)
        except DomainError as error:
            field = services.FIELD_OF_MESSAGE.get(error.message)
            raise ValidationError({field: error.message} if field else error.message) from None
        instance.pk = saved.pk

    def save_through_service(self, instance, is_create):
        raise NotImplementedError


#: The admin's customer columns: the export's headers (API.md §3.11) where there is one.
CUSTOMER_COLUMNS = {
    "id": "Customer Id",
    "first_name": "First Name",
    "last_name": "Last Name",
    "email": "Email Id",
    "mobile_number": "Mobile Number",
    "customer_group": "Group",
    "is_active": "Status",
    "newsletter": "Newsletter",
    "created_at": "Date Of Registration",
}


#: The pipeline's row keys (customers/imports/files.py COLUMNS' values) → this resource's columns.
PIPELINE_COLUMN = {
    "id": CUSTOMER_COLUMNS["id"],
    "name": "Customer Name",
    "first_name": CUSTOMER_COLUMNS["first_name"],
    "last_name": CUSTOMER_COLUMNS["last_name"],
    "username": "User Name",
    "email": CUSTOMER_COLUMNS["email"],
    "mobile": CUSTOMER_COLUMNS["mobile_number"],
    "group": CUSTOMER_COLUMNS["customer_group"],
    "status": CUSTOMER_COLUMNS["is_active"],
    "newsletter": CUSTOMER_COLUMNS["newsletter"],
    "created_at": CUSTOMER_COLUMNS["created_at"],
}


class CustomerResource(ServiceResource):
    """The admin's customer import checks each row with the import pipeline's `parse_values`
    (customers/imports/bulk.py: the rules, messages and column names of every import door), then
    writes through the services. Columns: the export's headers; model field names are aliases.
    """

    id = fields.Field(attribute="id", column_name=CUSTOMER_COLUMNS["id"], readonly=True)
    first_name = fields.Field(
        attribute="first_name", column_name=CUSTOMER_COLUMNS["first_name"], widget=TextWidget()
    )
    last_name = fields.Field(
        attribute="last_name", column_name=CUSTOMER_COLUMNS["last_name"], widget=TextWidget()
    )
    email = fields.Field(
        attribute="email", column_name=CUSTOMER_COLUMNS["email"], widget=EmailWidget()
    )
    mobile_number = fields.Field(
        attribute="mobile_number",
        column_name=CUSTOMER_COLUMNS["mobile_number"],
        widget=MobileWidget(),
    )
    customer_group = fields.Field(
        attribute="customer_group",
        column_name=CUSTOMER_COLUMNS["customer_group"],
        widget=GroupWidget(),
    )
    # A blank flag cell keeps the stored value (a new customer gets the model's default).
    is_active = fields.Field(
        attribute="is_active",
        column_name=CUSTOMER_COLUMNS["is_active"],
        widget=FlagWidget(),
        saves_null_values=False,
    )
    newsletter = fields.Field(
        attribute="newsletter",
        column_name=CUSTOMER_COLUMNS["newsletter"],
        widget=FlagWidget(),
        saves_null_values=False,
    )
    created_at = fields.Field(
        attribute="created_at",
        column_name=CUSTOMER_COLUMNS["created_at"],
        readonly=True,
        widget=widgets.DateTimeWidget(),
    )

    class Meta:
        model = Customer
        fields = (
            "id",
            "first_name",
            "last_name",
            "email",
            "mobile_number",
            "customer_group",
            "is_active",
            "newsletter",
            "created_at",
        )
        export_order = fields
        import_id_fields = ("email",)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = False

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        # One import format: the pipeline's header rules (aliases, unknown or repeated columns
        # refused), then the pipeline's keys become this resource's column names.
        try:
            keys = pipeline.header_keys(dataset.headers or [])
        except pipeline.ImportFileError as error:
            raise ValueError(str(error)) from None
        dataset.headers = [PIPELINE_COLUMN.get(key, key or "") for key in keys]
        self._groups = pipeline.GroupLookup()

    def get_instance(self, instance_loader, row):
        # An e-mail the rule refuses matches nobody: the row then fails in import_instance with
        # the rule's message (not as an unexpected error with a traceback).
        email = row.get(CUSTOMER_COLUMNS["email"])
        try:
            email = rules.clean_email(str(email or ""))
        except rules.RuleError:
            return None
        return self.get_queryset().filter(email=email).first()

    def import_instance(self, instance, row, **kwargs):
        values = {
            key: row[column]
            for key, column in PIPELINE_COLUMN.items()
            if column in row and row[column] not in (None, "")
        }
        groups = getattr(self, "_groups", None) or pipeline.GroupLookup()
        parsed, problems = pipeline.parse_values(values, groups)
        errors: dict[str, list[str]] = {}
        for key, message in problems:
            errors.setdefault(pipeline.LABELS[key], []).append(message)
        if parsed is not None and instance.pk is None:
            problem = pipeline.new_customer_problem(parsed)
            if problem:
                errors.setdefault(problem[0], []).append(problem[1])
        if errors:
            raise ValidationError(errors)
        current = None
        if instance.pk is not None:
            current = pipeline.Current(
                instance.pk,
                instance.first_name,
                instance.last_name,
                instance.mobile_number,
                instance.customer_group_id,
                instance.is_active,
                instance.newsletter,
            )
        names = pipeline.stored_names(parsed, current)
        if names is not None:
            instance.first_name, instance.last_name = names
        instance.email = parsed.email
        if parsed.mobile is not None:
            instance.mobile_number = parsed.mobile
        if parsed.group_id is not None:
            instance.customer_group_id = parsed.group_id
        elif instance.pk is None:
            instance.customer_group_id = groups.default
        if parsed.is_active is not None:
            instance.is_active = parsed.is_active
        if parsed.newsletter is not None:
            instance.newsletter = parsed.newsletter

    def get_queryset(self):
        # The import matches (and the export lists) non-deleted customers only.
        return Customer.objects.alive().select_related("customer_group")

    def get_export_queryset(self, request=None):
        return self.get_queryset()

    def dehydrate_customer_group(self, customer):
        return customer.customer_group.name if customer.customer_group_id else ""

    def dehydrate_is_active(self, customer):
        return int(customer.is_active)

    def dehydrate_newsletter(self, customer):
        return int(customer.newsletter)

    def save_through_service(self, instance, is_create):
        common = {
            "group_id": instance.customer_group_id,
            "first_name": instance.first_name,
            "last_name": instance.last_name or None,
            "mobile_number": instance.mobile_number,
            "is_active": True if instance.is_active is None else instance.is_active,
            "by": self.user,
        }
        if is_create:
            # No password column is ever read: make_password(None) makes it unusable.
            return services.customer_create(
                email=instance.email,
                password=None,
                confirm_password=None,
                newsletter=bool(instance.newsletter),
                **common,
            )
        return services.customer_update(
            customer_id=instance.pk,
            mail_status=instance.mail_status,
            newsletter=bool(instance.newsletter),
            **common,
        )


class GroupNameWidget(TextWidget):
    pass


class CustomerGroupResource(ServiceResource):
    id = fields.Field(attribute="id", column_name="id", readonly=True)
    name = fields.Field(attribute="name", column_name="name", widget=GroupNameWidget())
    description = fields.Field(
        attribute="description", column_name="description", widget=TextWidget()
    )
    color_code = fields.Field(attribute="color_code", column_name="color_code", widget=TextWidget())
    is_active = fields.Field(attribute="is_active", column_name="is_active", widget=FlagWidget())

    class Meta:
        model = CustomerGroup
        fields = ("id", "name", "description", "color_code", "is_active")
        export_order = fields
        import_id_fields = ("name",)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = False

    def get_instance(self, instance_loader, row):
        # Names are unique case-insensitively: "VIP" updates the group called "vip".
        name = self.fields["name"].clean(row)
        return CustomerGroup.objects.filter(name__iexact=name).first() if name else None

    def dehydrate_is_active(self, group):
        return int(group.is_active)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if not instance.name and "name" not in errors:
            errors["name"] = ["This field is required."]
        elif len(instance.name or "") > 30 and "name" not in errors:
            errors["name"] = ["At most 30 characters."]
        if not rules.is_colour(instance.color_code) and "color_code" not in errors:
            errors["color_code"] = [rules.COLOUR_MESSAGE]
        if errors:
            raise ValidationError(errors)

    def save_through_service(self, instance, is_create):
        values = {
            "name": instance.name,
            "color_code": instance.color_code,
            "is_active": True if instance.is_active is None else instance.is_active,
            "description": instance.description or "",
            "by": self.user,
        }
        if is_create:
            return services.group_create(**values)
        return services.group_update(group_id=instance.pk, **values)
