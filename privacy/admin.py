"""Back office for personal data (API.md §12).

On the customer page: "Download personal data" (the ZIP) and "Erase…" (reason, grace period,
a warning). Under Personal data > Erasure requests: the scheduled erasures, with cancel. Every
write goes through `privacy.services`, the functions the API calls.
"""

import tempfile
import time

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from audit.services import audit_record
from customers.models import Customer
from ecommerce_admin.admin.bases import BoundedIdMixin
from ecommerce_admin.admin.filters import DefaultChoiceFilter
from ecommerce_admin.admin.panels import Panel, register_change_panel
from ecommerce_admin.errors import DomainError
from ecommerce_admin.ids import MAX_ID

from . import services
from .datafile import write_personal_data
from .jobs import data_export_request
from .models import ErasureRequest

ERASE_PERMISSIONS = ("customers.delete_customer", "customers.erase_customer")
EXPORT_PERMISSIONS = ("customers.view_customer", "customers.export_customer")
# The ZIP is built in memory up to this size, then in a temporary file (deleted when sent).
SPOOL_BYTES = 8 * 2**20


class EraseForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Why (the customer's request, retention, …). Kept in the audit trail; do not "
        "copy the customer's own details here.",
    )
    grace_days = forms.IntegerField(
        label="Grace period (days)",
        min_value=0,
        max_value=services.MAX_GRACE_DAYS,
        initial=services.DEFAULT_GRACE_DAYS,
        help_text="0 erases now. Until then the erasure can be cancelled.",
    )
    confirm = forms.BooleanField(
        label="I understand that the erasure cannot be undone once it has been carried out.",
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if "\x00" in reason:
            raise forms.ValidationError("Null characters are not allowed.")
        return reason


class StatusFilter(DefaultChoiceFilter):
    """Scheduled erasures by default: the list staff act on."""

    title = "status"
    parameter_name = "status"
    default = ErasureRequest.Status.SCHEDULED

    def lookups(self, request, model_admin):
        return ErasureRequest.Status.choices

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value())


@admin.register(ErasureRequest)
class ErasureRequestAdmin(BoundedIdMixin, admin.ModelAdmin):
    list_display = ["customer_link", "status", "erase_after", "requested_by_name", "reason"]
    list_filter = [StatusFilter]
    list_select_related = ["customer"]
    ordering = ["erase_after", "id"]
    list_per_page = 50
    show_full_result_count = False
    actions = ["cancel_erasures"]

    # --- visibility: staff who may erase see the list; nobody edits it by hand ---
    def _may_erase(self, request) -> bool:
        return request.user.has_perms(ERASE_PERMISSIONS)

    def has_module_permission(self, request):
        return self._may_erase(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._may_erase(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_erase_permission(self, request):
        return self._may_erase(request)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description="Customer")
    def customer_link(self, request_row: ErasureRequest):
        customer = request_row.customer
        if customer.erased_at is not None:
            return f"Erased customer #{customer.pk}"
        url = reverse("admin:customers_customer_change", args=[customer.pk])
        return format_html('<a href="{}">{}</a>', url, customer.full_name or customer.pk)

    @admin.action(description="Cancel the selected scheduled erasures", permissions=["erase"])
    def cancel_erasures(self, request, queryset):
        customer_ids = list(
            queryset.filter(status=ErasureRequest.Status.SCHEDULED).values_list(
                "customer_id", flat=True
            )[:1000]
        )
        cancelled = 0
        for customer_id in customer_ids:
            try:
                services.erasure_cancel(customer_id=customer_id, by=request.user)
            except DomainError as error:
                self.message_user(request, f"#{customer_id}: {error.message}", messages.ERROR)
            else:
                cancelled += 1
        self.message_user(request, f"{cancelled} erasure(s) cancelled.", messages.SUCCESS)

    # --- the customer page's two tools ---
    def get_urls(self):
        return [
            path(
                "customer/<int:customer_id>/erase/",
                self.admin_site.admin_view(self.erase_view),
                name="privacy_erase",
            ),
            path(
                "customer/<int:customer_id>/personal-data/",
                self.admin_site.admin_view(self.personal_data_view),
                name="privacy_personal_data",
            ),
            path(
                "customer/<int:customer_id>/personal-data/job/",
                self.admin_site.admin_view(self.personal_data_job_view),
                name="privacy_personal_data_job",
            ),
            *super().get_urls(),
        ]

    @staticmethod
    def _customer(customer_id: int, *, alive: bool) -> Customer:
        queryset = Customer.objects.not_erased()
        if alive:
            queryset = queryset.alive()
        if customer_id > MAX_ID:
            raise Http404
        return get_object_or_404(queryset, pk=customer_id)

    def erase_view(self, request, customer_id: int):
        if not self._may_erase(request):
            raise PermissionDenied
        customer = self._customer(customer_id, alive=False)
        customer_page = reverse("admin:customers_customer_change", args=[customer.pk])
        scheduled = ErasureRequest.objects.filter(
            customer=customer, status=ErasureRequest.Status.SCHEDULED
        ).first()
        if request.method == "POST" and "cancel" in request.POST:
            try:
                services.erasure_cancel(customer_id=customer.pk, by=request.user)
            except DomainError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                self.message_user(request, "Erasure cancelled.", messages.SUCCESS)
            return HttpResponseRedirect(customer_page)
        form = EraseForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                result = services.erasure_request(
                    customer_id=customer.pk,
                    reason=form.cleaned_data["reason"],
                    grace_days=form.cleaned_data["grace_days"],
                    by=request.user,
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                if result.erased:
                    self.message_user(request, "Customer erased.", messages.SUCCESS)
                    return HttpResponseRedirect(reverse("admin:customers_customer_changelist"))
                when = timezone.localtime(result.erase_after).strftime("%Y-%m-%d %H:%M")
                self.message_user(request, f"Erasure scheduled for {when}.", messages.SUCCESS)
                return HttpResponseRedirect(customer_page)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Erase customer #{customer.pk}",
            "customer": customer,
            "customer_opts": Customer._meta,
            "customer_page": customer_page,
            "scheduled": scheduled,
            "form": form,
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/privacy/erase.html", context)

    def personal_data_view(self, request, customer_id: int):
        if not request.user.has_perms(EXPORT_PERMISSIONS):
            raise PermissionDenied
        customer = self._customer(customer_id, alive=True)
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (FileResponse closes it)
        started = time.monotonic()
        counts = write_personal_data(customer_id=customer.pk, out=spool)
        audit_record(
            action="customer.data_export",
            object_type="customer",
            object_ids=[customer.pk],
            by=request.user,
            extra={**counts, "duration_ms": int((time.monotonic() - started) * 1000)},
        )
        spool.seek(0)
        stamp = int(time.time() * 1000)
        return FileResponse(
            spool,
            as_attachment=True,
            filename=f"PersonalData_{customer.pk}_{stamp}.zip",
            content_type="application/zip",
        )

    def personal_data_job_view(self, request, customer_id: int):
        """ "Data export in background": the API's data-export job, then the Jobs page."""
        if request.method != "POST":  # it creates a job: never on a GET
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perms(EXPORT_PERMISSIONS):
            raise PermissionDenied
        customer = self._customer(customer_id, alive=True)
        job = data_export_request(
            customer_id=customer.pk,
            by=request.user,
            source="admin",
            site_url=request.build_absolute_uri("/").rstrip("/"),
        )
        self.message_user(
            request,
            f"Data export job #{job.pk} queued; its file will be on the Jobs page.",
            messages.INFO,
        )
        return HttpResponseRedirect(reverse("admin:jobs_job_changelist"))


@register_change_panel("customers.customer", order=200)
def scheduled_erasure(request, object_id: int) -> Panel | None:
    """On the customer page, the erasure waiting to be carried out (if any)."""
    if not request.user.has_perms(ERASE_PERMISSIONS):
        return None
    pending = ErasureRequest.objects.filter(
        customer_id=object_id, status=ErasureRequest.Status.SCHEDULED
    ).first()
    if pending is None:
        return None
    return Panel(
        title="Scheduled erasure (cancel it from “Erase…”)",
        headers=["Erase after", "Requested by", "Reason"],
        rows=[[pending.erase_after, pending.requested_by_name or "system", pending.reason]],
    )
