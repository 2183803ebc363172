"""The back office's customer admin.

Every write goes through `customers.services`, the same functions the API calls, so the admin
refuses what the API refuses, with the same messages (shown as error messages). The customer list
is built for a million rows: no full COUNT per page (ecommerce_admin.admin.paginator), searches
the trigram indexes can serve, fixed created-date ranges instead of a date hierarchy.
"""

import re
import time

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from import_export.admin import ImportExportModelAdmin

from customers import exports, services
from customers.imports.resources import CustomerResource, EscapedCSV, QuotePrefixXLSX
from customers.models import Customer, ExportLog
from ecommerce_admin.admin.bases import BoundedIdMixin
from ecommerce_admin.admin.filters import CreatedFilter
from ecommerce_admin.admin.import_previews import SignedImportPreviewMixin
from ecommerce_admin.admin.paginator import paginator_for
from ecommerce_admin.admin.panels import change_panels
from ecommerce_admin.errors import DomainError
from ecommerce_admin.ids import MAX_ID

from .actions import run_service, selected_ids
from .addresses import AddressInline
from .display import GroupColoursMedia, group_badge
from .export_actions import export_selection_response
from .filters import DeletedFilter
from .forms import (
    BoundedImportForm,
    CustomerAddForm,
    CustomerChangeForm,
    MoveToGroupForm,
    SetPasswordForm,
)

# Two exports meet on this page: the "Export" button is django-import-export's *resource export*
# (the resource's model-named columns, built in memory: fine for thousands of rows, not for a
# million), while the "export selected" actions write the *customer export* file of the API
# (customers.exports, see export_actions). Bigger exports go through the API's streaming export.
MAX_RESOURCE_EXPORT_ROWS = 50_000
MAX_SEARCH_LENGTH = 100
# Digits with an optional leading + and the separators people type; at least 3 digits.
PHONE_LIKE = re.compile(r"^\+?[\d\s\-.()]*\d[\d\s\-.()]*\d[\d\s\-.()]*\d[\d\s\-.()]*$")


# --- Customers -----------------------------------------------------------------------------------


@admin.register(Customer)
class CustomerAdmin(
    GroupColoursMedia, BoundedIdMixin, SignedImportPreviewMixin, ImportExportModelAdmin
):
    resource_classes = [CustomerResource]
    import_template_name = "admin/customers/import.html"
    import_form_class = BoundedImportForm
    import_formats = [EscapedCSV, QuotePrefixXLSX]
    export_formats = [EscapedCSV, QuotePrefixXLSX]
    form = CustomerChangeForm
    add_form = CustomerAddForm
    change_form_template = "admin/customers/customer/change_form.html"
    inlines = [AddressInline]  # the address book (API.md §9.7)

    list_display = [
        "display_name",
        "email",
        "mobile_number",
        "group",
        "is_active",
        "created_at",
    ]
    list_display_links = ["display_name", "email"]
    list_filter = [DeletedFilter, "is_active", "customer_group", CreatedFilter, "newsletter"]
    list_select_related = ["customer_group"]
    # icontains on names and email: the pg_trgm GIN indexes on UPPER(col) answer these; mobile
    # numbers by prefix and customer numbers exactly (plain b-tree lookups).
    search_fields = ["first_name", "last_name", "email", "=customer_no"]
    search_help_text = (
        "Name or email (contains), a mobile number (starts with) or a customer number (exact)."
    )
    sortable_by = ["display_name", "email", "is_active", "created_at"]
    ordering = ["-created_at", "-id"]
    list_per_page = 50
    list_max_show_all = 200
    show_full_result_count = False
    # Facet counts are one COUNT per filter choice: not on a million rows.
    show_facets = admin.ShowFacets.NEVER
    paginator = paginator_for(Customer.objects.filter(is_deleted=False))
    actions = [
        "activate",
        "deactivate",
        "move_to_group",
        "soft_delete",
        "export_selected_xlsx",
        "export_selected_csv",
        "restore",
    ]

    add_fieldsets = [
        (None, {"fields": ["first_name", "last_name", "email", "mobile_number"]}),
        ("Group and status", {"fields": ["customer_group", "is_active", "newsletter"]}),
        (
            "Password",
            {
                "fields": ["password1", "password2", "mail_status"],
                "description": "The welcome email (mail status) never contains the password.",
            },
        ),
    ]
    fieldsets = [
        ("Identity", {"fields": ["first_name", "last_name", "email", "mobile_number"]}),
        (
            "Group and status",
            {"fields": ["customer_group", "is_active", "newsletter", "mail_status"]},
        ),
        ("Account", {"fields": ["username", "password_status", "real_name", "customer_no"]}),
        (
            "Address",
            {
                "classes": ["collapse"],
                "fields": ["address", "city", "pincode", "country_id", "zone_id", "local"],
            },
        ),
        (
            "History",
            {
                "fields": [
                    ("created_at", "created_by"),
                    ("updated_at", "modified_by"),
                    ("last_login", "ip"),
                    "locked_on",
                    ("is_deleted", "deleted_at"),
                ],
            },
        ),
    ]
    # Address fields are not part of the API's add/update body, so the admin shows them only.
    readonly_fields = [
        "username",
        "password_status",
        "address",
        "city",
        "pincode",
        "country_id",
        "zone_id",
        "local",
        "created_at",
        "created_by",
        "updated_at",
        "modified_by",
        "last_login",
        "ip",
        "locked_on",
        "is_deleted",
        "deleted_at",
    ]

    class Media:
        css = {"all": ["customers/admin/backoffice.css"]}

    # --- list columns ---
    @admin.display(description="Name", ordering="first_name")
    def display_name(self, customer: Customer) -> str:
        return customer.full_name

    @admin.display(description="Group", ordering="customer_group__name")
    def group(self, customer: Customer):
        return group_badge(customer.customer_group)

    @admin.display(description="Password")
    def password_status(self, customer: Customer):
        usable = bool(customer.password) and not customer.password.startswith("!")
        state = "set" if usable else "not set"
        if customer.pk is None or customer.is_deleted:
            return state
        url = reverse("admin:customers_customer_password", args=[customer.pk])
        return format_html('{} — <a href="{}">Set password</a>', state, url)

    # --- forms and saving (through the services) ---
    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"staff_user": request.user})

    def save_model(self, request, obj, form, change):
        pass  # the form saved through customer_create / customer_update

    def get_search_results(self, request, queryset, search_term):
        """Route the term to the columns that can answer it with an index.

        One OR across every column is only as fast as its slowest branch: a phone-like term
        searches mobile numbers (by prefix) and customer numbers only, an email-like term the
        email only; anything else names, email and customer number (Django's default).
        """
        term = search_term.strip()[:MAX_SEARCH_LENGTH]
        if not term:
            return queryset, False
        if PHONE_LIKE.match(term):
            digits = re.sub(r"[\s\-.()]", "", term)
            return queryset.filter(Q(mobile_number__startswith=digits) | Q(customer_no=term)), False
        if "@" in term and " " not in term:
            return queryset.filter(Q(email__icontains=term) | Q(customer_no=term)), False
        return super().get_search_results(request, queryset, term)

    def get_queryset(self, request):
        # Deleted customers stay reachable here (the "Deleted" filter, their read-only page);
        # erased ones never appear again (API.md §12).
        return super().get_queryset(request).not_erased().select_related("customer_group")

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_deleted:
            return False  # restore it first (action on the "Deleted customers" list)
        return super().has_change_permission(request, obj)

    def has_export_permission(self, request):
        return request.user.has_perm("customers.export_customer")

    def has_import_permission(self, request):
        return request.user.has_perm("customers.add_customer") and request.user.has_perm(
            "customers.change_customer"
        )

    def get_import_resource_kwargs(self, request, **kwargs):
        return {"user": request.user}

    def get_export_resource_kwargs(self, request, **kwargs):
        return {}

    def get_export_data(self, file_format, request, queryset, **kwargs):
        """The resource export (the "Export" button), capped, and logged like every export."""
        if queryset.order_by()[MAX_RESOURCE_EXPORT_ROWS : MAX_RESOURCE_EXPORT_ROWS + 1].exists():
            raise ValueError(
                f"The admin exports at most {MAX_RESOURCE_EXPORT_ROWS:,} customers at once: narrow "
                "the list with filters, or use the API's streaming export for everything."
            )
        started = time.monotonic()
        data = super().get_export_data(file_format, request, queryset, **kwargs)
        exports.record_export(
            user=request.user,
            kind=ExportLog.Kind.ALL,
            fmt=file_format.get_title().lower(),
            row_count=queryset.count(),
            started=started,
            source="admin",
            filters=_filters_of(request),
        )
        return data

    # --- deleting is a soft delete, through the service ---
    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_deleted_objects(self, objs, request):
        # A soft delete removes nothing else: orders, visits and views are kept.
        return [str(obj) for obj in objs], {}, set(), []

    def delete_model(self, request, obj):
        services.customer_soft_delete(customer_id=obj.pk, by=request.user)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(
                reverse("admin:customers_customer_change", args=[object_id])
            )

    # --- change page: password link and the panels other apps register ---
    def get_urls(self):
        return [
            path(
                "<int:object_id>/password/",
                self.admin_site.admin_view(self.set_password_view),
                name="customers_customer_password",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        if object_id and str(object_id).isdigit() and int(object_id) <= MAX_ID:
            # Other apps' panels (latest orders, views, visits, change history): they register
            # them from their own admin modules, so this app imports none of them.
            extra_context["panels"] = change_panels("customers.customer", request, int(object_id))
        return super().change_view(request, object_id, form_url, extra_context)

    def set_password_view(self, request, object_id: int):
        customer = get_object_or_404(Customer.objects.alive(), pk=object_id)
        if not self.has_change_permission(request, customer):
            raise PermissionDenied
        form = SetPasswordForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.customer_update(
                    customer_id=customer.pk,
                    group_id=customer.customer_group_id,
                    first_name=customer.first_name,
                    mobile_number=customer.mobile_number,
                    is_active=customer.is_active,
                    mail_status=customer.mail_status,
                    password=form.cleaned_data["password1"],
                    confirm_password=form.cleaned_data["password2"],
                    by=request.user,
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                self.log_change(request, customer, "Changed password.")
                self.message_user(request, "Password changed.", messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:customers_customer_change", args=[customer.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Set password: {customer.full_name}",
            "form": form,
            "customer": customer,
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/customers/customer/set_password.html", context)

    # --- actions ---
    @admin.action(description="Activate selected customers", permissions=["change"])
    def activate(self, request, queryset):
        self._set_status(request, queryset, True)

    @admin.action(description="Deactivate selected customers", permissions=["change"])
    def deactivate(self, request, queryset):
        self._set_status(request, queryset, False)

    def _set_status(self, request, queryset, is_active: bool):
        ids = selected_ids(self, request, queryset)
        if ids is None:
            return
        run_service(
            self,
            request,
            lambda: services.customers_bulk_set_status(
                ids=ids, is_active=is_active, by=request.user
            ),
            f"{len(ids)} customer(s) {'activated' if is_active else 'deactivated'}.",
        )

    @admin.action(description="Move selected customers to a group…", permissions=["change"])
    def move_to_group(self, request, queryset):
        ids = selected_ids(self, request, queryset)
        if ids is None:
            return None
        form = MoveToGroupForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            group = form.cleaned_data["group"]
            run_service(
                self,
                request,
                lambda: services.customers_move_to_group(
                    ids=ids, group_id=group.pk, by=request.user
                ),
                f"{len(ids)} customer(s) moved to {group.name}.",
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Move customers to a group",
            "form": form,
            "customers": queryset.order_by("-created_at", "-id")[:20],
            "count": len(ids),
            "ids": ids,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/customers/customer/move_to_group.html", context)

    @admin.action(description="Delete selected customers", permissions=["delete"])
    def soft_delete(self, request, queryset):
        ids = selected_ids(self, request, queryset)
        if ids is None:
            return
        run_service(
            self,
            request,
            lambda: services.customers_bulk_soft_delete(ids=ids, by=request.user),
            f"{len(ids)} customer(s) deleted.",
        )

    @admin.action(description="Restore selected deleted customers", permissions=["change"])
    def restore(self, request, queryset):
        ids = selected_ids(self, request, queryset)
        if ids is None:
            return
        run_service(
            self,
            request,
            lambda: services.customers_restore(ids=ids, by=request.user),
            f"{len(ids)} customer(s) restored.",
        )

    @admin.action(description="Export selected customers (Excel)", permissions=["export"])
    def export_selected_xlsx(self, request, queryset):
        return self._export_selected(request, queryset, "xlsx")

    @admin.action(description="Export selected customers (CSV)", permissions=["export"])
    def export_selected_csv(self, request, queryset):
        return self._export_selected(request, queryset, "csv")

    def _export_selected(self, request, queryset, file_format: str):
        ids = selected_ids(self, request, queryset)
        if ids is None:
            return None
        return export_selection_response(request=request, ids=ids, file_format=file_format)


def _filters_of(request) -> dict:
    return {
        key: value
        for key, value in request.GET.items()
        if re.match(r"^[a-z_]+(__[a-z]+)?$", key) and len(value) <= 255
    }
