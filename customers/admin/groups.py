"""The customer group admin: writes through the group services, with live customer counts."""

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.db import transaction
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from import_export.admin import ImportExportModelAdmin

from customers import services
from customers.imports.resources import CustomerGroupResource, EscapedCSV, QuotePrefixXLSX
from customers.models import Customer, CustomerGroup
from ecommerce_admin.admin.bases import BoundedIdMixin
from ecommerce_admin.admin.import_previews import SignedImportPreviewMixin
from ecommerce_admin.errors import DomainError

from .actions import run_service
from .display import GroupColoursMedia, group_colour_class, group_colours_view
from .forms import BoundedImportForm, CustomerGroupForm


class GroupChangeList(ChangeList):
    """Adds each listed group's count of live customers with one grouped query for the page.

    A per-group correlated count, or a JOIN + GROUP BY in the list query (which the paginator's
    COUNT then repeats), visits every customer row once per query: measured at 1M customers and
    50 groups, 6 s and 0.9 s; counting only the page's groups once is a single aggregate.
    """

    def get_results(self, request):
        super().get_results(request)
        groups = list(self.result_list)
        counts = dict(
            Customer.objects.alive()
            .filter(customer_group__in=[group.pk for group in groups])
            .order_by()
            .values_list("customer_group")
            .annotate(n=Count("id"))
        )
        for group in groups:
            group.customer_count = counts.get(group.pk, 0)
        self.result_list = groups


@admin.register(CustomerGroup)
class CustomerGroupAdmin(
    GroupColoursMedia, BoundedIdMixin, SignedImportPreviewMixin, ImportExportModelAdmin
):
    resource_classes = [CustomerGroupResource]
    import_template_name = "admin/customers/import.html"
    import_form_class = BoundedImportForm
    import_formats = [EscapedCSV, QuotePrefixXLSX]
    export_formats = [EscapedCSV, QuotePrefixXLSX]
    form = CustomerGroupForm
    list_display = [
        "swatch_name",
        "description",
        "customer_count",
        "is_active",
        "is_default",
        "created_at",
    ]
    list_display_links = ["swatch_name"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    ordering = ["name"]
    list_per_page = 50
    fields = ["name", "description", "color_code", "is_active"]
    actions = ["delete_groups"]

    class Media:
        css = {"all": ["customers/admin/backoffice.css"]}

    def get_changelist(self, request, **kwargs):
        return GroupChangeList

    def get_urls(self):
        colours = path(
            "colours.css",
            self.admin_site.admin_view(group_colours_view),
            name="customers_customergroup_colours",
        )
        return [colours, *super().get_urls()]

    @admin.display(description="Name", ordering="name")
    def swatch_name(self, group: CustomerGroup):
        return format_html(
            '<span class="colour-swatch {}" title="{}"></span>{}',
            group_colour_class(group.pk),
            group.color_code,
            group.name,
        )

    @admin.display(description="Customers")
    def customer_count(self, group: CustomerGroup) -> int:
        return group.customer_count

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"staff_user": request.user})

    def save_model(self, request, obj, form, change):
        pass  # the form saved through group_create / group_update

    def has_export_permission(self, request):
        return request.user.has_perm("customers.view_customergroup")

    def has_import_permission(self, request):
        return request.user.has_perm("customers.add_customergroup") and request.user.has_perm(
            "customers.change_customergroup"
        )

    def get_import_resource_kwargs(self, request, **kwargs):
        return {"user": request.user}

    def get_export_resource_kwargs(self, request, **kwargs):
        return {}

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_deleted_objects(self, objs, request):
        # Only empty groups can go; their soft-deleted customers just lose the group.
        return [str(obj) for obj in objs], {}, set(), []

    def delete_model(self, request, obj):
        services.group_delete(group_id=obj.pk, by=request.user)

    def delete_view(self, request, object_id, extra_context=None):
        group = CustomerGroup.objects.filter(pk=object_id).first() if object_id.isdigit() else None
        if group is not None and group.is_default:
            self.message_user(request, services.DEFAULT_GROUP_PROTECTED, messages.ERROR)
            return HttpResponseRedirect(
                reverse("admin:customers_customergroup_change", args=[group.pk])
            )
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(
                reverse("admin:customers_customergroup_change", args=[object_id])
            )

    @admin.action(description="Delete selected groups", permissions=["delete"])
    def delete_groups(self, request, queryset):
        groups = list(queryset.order_by("pk"))

        def delete_all():
            with transaction.atomic():
                for group in groups:
                    services.group_delete(group_id=group.pk, by=request.user)

        run_service(self, request, delete_all, f"{len(groups)} group(s) deleted.")
