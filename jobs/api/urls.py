"""Job routes (API.md §11), mounted under /api/; `{jobId}` digits only, trailing slash optional."""

from django.urls import re_path

from . import views

ID = r"(?P<pk>[0-9]+)"

urlpatterns = [
    re_path(r"^jobs/?$", views.JobListView.as_view(), name="job-list"),
    re_path(r"^jobs/customer-export/?$", views.CustomerExportJobView.as_view(), name="job-export"),
    re_path(r"^jobs/customer-import/?$", views.CustomerImportJobView.as_view(), name="job-import"),
    re_path(rf"^jobs/{ID}/?$", views.JobDetailView.as_view(), name="job-detail"),
    re_path(rf"^jobs/{ID}/download/?$", views.JobDownloadView.as_view(), name="job-download"),
]
