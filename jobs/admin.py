"""The back office's background jobs (API.md §11): the Jobs page with live progress bars, cancel
and download; "Export in background" for the customer list; "Import in background" (preview,
then run).

The customer admin only links here (two actions, a button, a link on its import page); all job
logic lives in this module. Progress bars are updated by static/jobs/admin/jobs.js, which polls
the `progress/` view: no inline script (Content-Security-Policy).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from ecommerce_admin.admin.bases import ReadOnlyAdmin
from ecommerce_admin.ids import MAX_ID as MAX_PK
from ecommerce_admin.ids import MAX_IDS

from . import selectors, services, signing
from .admin_queries import clean_query
from .api.serializers import IMPORT_SUFFIXES
from .models import Job

EXPORT_PERMISSION = "customers.export_customer"
IMPORT_PERMISSIONS = ("customers.add_customer", "customers.change_customer")


def _site_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


# -- customer list hooks ------------------------------------------------------------------------


def _export_in_background(modeladmin, request, queryset, fmt: str):
    if not request.user.has_perm(EXPORT_PERMISSION):
        raise PermissionDenied
    if request.POST.get("select_across") == "1":
        # Every customer the list matches: the list's own filters and search, not a capped id list.
        job = services.create_export_job(
            user=request.user,
            fmt=fmt,
            admin_query=clean_query(request.GET),
            source="admin",
            site_url=_site_url(request),
        )
    else:
        ids = list(
            queryset.filter(is_deleted=False)
            .order_by("-created_at", "-id")
            .values_list("pk", flat=True)[: MAX_IDS + 1]
        )
        if len(ids) > MAX_IDS:
            modeladmin.message_user(
                request,
                f"Select at most {MAX_IDS:,} customers, or all of the list.",
                messages.ERROR,
            )
            return None
        job = services.create_export_job(
            user=request.user, fmt=fmt, ids=ids, source="admin", site_url=_site_url(request)
        )
    modeladmin.message_user(
        request, f"Export job #{job.pk} queued; its file will be on the Jobs page.", messages.INFO
    )
    return HttpResponseRedirect(reverse("admin:jobs_job_changelist"))


@admin.action(description="Export in background (Excel)", permissions=["export"])
def export_in_background_xlsx(modeladmin, request, queryset):
    return _export_in_background(modeladmin, request, queryset, "xlsx")


@admin.action(description="Export in background (CSV)", permissions=["export"])
def export_in_background_csv(modeladmin, request, queryset):
    return _export_in_background(modeladmin, request, queryset, "csv")


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        choices=[("xlsx", "Excel (xlsx)"), ("csv", "CSV")], initial="xlsx", widget=forms.RadioSelect
    )


class ImportForm(forms.Form):
    file = forms.FileField(help_text="A .csv or .xlsx file with the export's columns (≤ 100 MB).")
    mode = forms.ChoiceField(
        choices=[
            ("all-or-nothing", "All or nothing: any bad row stops the whole import"),
            ("skip-invalid", "Skip invalid rows: import the good ones, report the bad ones"),
        ],
        initial="all-or-nothing",
        widget=forms.RadioSelect,
    )

    def clean_file(self):
        from django.conf import settings

        upload = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith(IMPORT_SUFFIXES):
            raise forms.ValidationError("Must be a .csv or .xlsx file.")
        if upload.size > settings.JOB_IMPORT_MAX_BYTES:
            limit = settings.JOB_IMPORT_MAX_BYTES // 2**20
            raise forms.ValidationError(f"The file is larger than {limit} MB.")
        return upload


# -- the Jobs page ------------------------------------------------------------------------------


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    # Jobs are written by the workers and the job views, never through this admin's forms.
    change_list_template = "admin/jobs/job/change_list.html"
    change_form_template = "admin/jobs/job/change_form.html"
    list_display = [
        "job_title",
        "status_badge",
        "progress_bar",
        "rows",
        "created_by",
        "created_at",
        "finished_at",
        "links",
    ]
    list_display_links = ["job_title"]
    list_filter = ["kind", "status"]
    list_select_related = ["created_by"]
    ordering = ["-created_at", "-id"]
    actions = None
    fields = [
        "kind",
        "status",
        "progress_bar",
        "rows",
        "format",
        "created_by",
        "created_at",
        "started_at",
        "finished_at",
        "expires_at",
        "error",
        "summary_view",
        "links",
    ]
    readonly_fields = fields

    class Media:
        css = {"all": ["jobs/admin/jobs.css"]}
        js = ["jobs/admin/jobs.js"]

    # Any staff member sees the Jobs page: their own jobs (a superuser: everyone's).
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def get_queryset(self, request):
        return selectors.jobs_visible_to(request.user)

    # --- columns ---

    @admin.display(description="Job", ordering="-id")
    def job_title(self, job: Job) -> str:
        extra = ""
        if job.kind == Job.Kind.CUSTOMER_IMPORT:
            extra = job.params.get("fileName", "")
            if job.params.get("preview"):
                extra += " (preview)"
            elif job.params.get("dryRun"):
                extra += " (dry run)"
        else:
            extra = job.format
        return f"#{job.pk} {job.get_kind_display()} {extra}".strip()

    @admin.display(description="Status", ordering="status")
    def status_badge(self, job: Job):
        return format_html(
            '<span class="job-status job-status-{}" data-job-status="{}">{}</span>',
            job.status,
            job.pk,
            job.get_status_display(),
        )

    @admin.display(description="Progress")
    def progress_bar(self, job: Job):
        active = "1" if job.status in Job.ACTIVE else "0"
        return format_html(
            '<progress class="job-progress" max="100" value="{}" data-job-id="{}"'
            ' data-job-active="{}">{}%</progress> <span class="job-percent"'
            ' data-job-percent="{}">{}%</span>',
            job.progress,
            job.pk,
            active,
            job.progress,
            job.pk,
            job.progress,
        )

    @admin.display(description="Rows")
    def rows(self, job: Job):
        total = "?" if job.rows_total is None else f"{job.rows_total:,}"
        return format_html('<span data-job-rows="{}">{} / {}</span>', job.pk, job.rows_done, total)

    @admin.display(description="")
    def links(self, job: Job):
        parts = []
        if job.has_file and job.file and not job.is_expired():
            parts.append(
                format_html(
                    '<a class="button job-download" href="{}">Download</a>',
                    signing.download_path(job),
                )
            )
        if job.status in Job.ACTIVE:
            # The changelist is a form already: this button posts it (CSRF token included) to
            # the cancel view.
            parts.append(
                format_html(
                    '<button type="submit" class="button job-cancel" formmethod="post"'
                    ' formaction="{}" formnovalidate>Cancel</button>',
                    reverse("admin:jobs_job_cancel", args=[job.pk]),
                )
            )
        return format_html_join(" ", "{}", ((part,) for part in parts)) if parts else "—"

    @admin.display(description="Summary")
    def summary_view(self, job: Job):
        summary = job.summary or {}
        if not summary:
            return "—"
        errors = summary.get("errors", [])
        items = format_html_join(
            "",
            "<li>Row {}: {} — {}</li>",
            ((e["row"], e["field"], e["message"]) for e in errors[:50]),
        )
        more = f"… and {len(errors) - 50:,} more." if len(errors) > 50 else ""
        return format_html(
            "{} created, {} updated, {} unchanged, {} failed.<ul class='job-errors'>{}</ul>{}",
            summary.get("created", 0),
            summary.get("updated", 0),
            summary.get("unchanged", 0),
            summary.get("failed", 0),
            items,
            more,
        )

    # --- views ---

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("progress/", wrap(self.progress_view), name="jobs_job_progress"),
            path("<int:job_id>/cancel/", wrap(self.cancel_view), name="jobs_job_cancel"),
            path(
                "<int:job_id>/run-import/", wrap(self.run_import_view), name="jobs_job_run_import"
            ),
            path("export-customers/", wrap(self.export_view), name="jobs_job_export_customers"),
            path("import-customers/", wrap(self.import_view), name="jobs_job_import_customers"),
            *super().get_urls(),
        ]

    def _job(self, request, job_id: int) -> Job:
        if job_id > MAX_PK:
            raise Http404
        job = selectors.job_for(request.user, job_id)
        if job is None:
            raise Http404
        return job

    def progress_view(self, request):
        """{id: {status, progress, rowsDone, rowsTotal}} of the listed jobs, for jobs.js."""
        ids = [int(v) for v in request.GET.get("ids", "").split(",") if v.isdigit()][:200]
        ids = [pk for pk in ids if pk <= MAX_PK]
        rows = selectors.jobs_visible_to(request.user).filter(pk__in=ids)
        data = {
            str(job.pk): {
                "status": job.status,
                "progress": job.progress,
                "rowsDone": job.rows_done,
                "rowsTotal": job.rows_total,
            }
            for job in rows.select_related(None).only(
                "pk", "status", "progress", "rows_done", "rows_total"
            )
        }
        return JsonResponse({"jobs": data})

    def cancel_view(self, request, job_id: int):
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:jobs_job_changelist"))
        job = self._job(request, job_id)
        try:
            services.cancel_job(job, by=request.user)
        except services.JobConflict:
            self.message_user(request, f"Job #{job.pk} has already finished.", messages.WARNING)
        else:
            self.message_user(request, f"Job #{job.pk} cancelled.", messages.SUCCESS)
        return HttpResponseRedirect(request.META.get("HTTP_REFERER") or ".")

    def run_import_view(self, request, job_id: int):
        job = self._job(request, job_id)
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:jobs_job_change", args=[job.pk]))
        if not request.user.has_perms(IMPORT_PERMISSIONS):
            raise PermissionDenied
        try:
            new = services.confirm_import(job, user=request.user)
        except services.JobConflict:
            self.message_user(request, "This preview can no longer be imported.", messages.ERROR)
            return HttpResponseRedirect(reverse("admin:jobs_job_change", args=[job.pk]))
        self.message_user(request, f"Import job #{new.pk} queued.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:jobs_job_change", args=[new.pk]))

    def export_view(self, request):
        """The customer list's "Export in background" button: its filters and search."""
        if not request.user.has_perm(EXPORT_PERMISSION):
            raise PermissionDenied
        query = clean_query(request.GET)
        form = ExportForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            job = services.create_export_job(
                user=request.user,
                fmt=form.cleaned_data["format"],
                admin_query=query,
                source="admin",
                site_url=_site_url(request),
            )
            self.message_user(request, f"Export job #{job.pk} queued.", messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:jobs_job_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Export customers in background",
            "form": form,
            "filters": query,
            "opts": self.model._meta,
            "back": reverse("admin:customers_customer_changelist")
            + ("?" + request.GET.urlencode() if request.GET else ""),
        }
        return TemplateResponse(request, "admin/jobs/job/export.html", context)

    def import_view(self, request):
        """Import in background: upload → a preview job (dry run) → "Run this import"."""
        if not request.user.has_perms(IMPORT_PERMISSIONS):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            job = services.create_import_job(
                user=request.user,
                uploaded=form.cleaned_data["file"],
                mode=form.cleaned_data["mode"],
                preview=True,
                source="admin",
                site_url=_site_url(request),
            )
            self.message_user(
                request,
                f"Preview job #{job.pk} queued: nothing is written until you run the import.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:jobs_job_change", args=[job.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Import customers in background",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/jobs/job/import.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = None
        if str(object_id).isdigit() and int(object_id) <= MAX_PK:
            job = selectors.job_for(request.user, int(object_id))
        extra_context = {**(extra_context or {}), "job": job}
        if job is not None:
            extra_context["can_run_import"] = services.can_confirm(job) and (
                request.user.has_perms(IMPORT_PERMISSIONS)
            )
        return super().change_view(request, object_id, form_url, extra_context)


def extend_customer_admin(site: admin.AdminSite = admin.site) -> None:
    """Add the background export to the registered customer admin (run from JobsConfig.ready,
    after the admins are registered and hardened)."""
    from customers.models import Customer

    customer_admin = site._registry.get(Customer)
    if customer_admin is None:
        return
    actions = list(customer_admin.actions or [])
    for action in (export_in_background_xlsx, export_in_background_csv):
        if action not in actions:
            actions.append(action)
    customer_admin.actions = actions
    # django-import-export's list template extends this one (it keeps the admin's own base here).
    customer_admin.ie_base_change_list_template = "admin/jobs/customer_change_list.html"
