"""The personal-data export as a background job (API.md §11 kind `customer-data-export`, §12).

The worker writes privacy.datafile's ZIP through the jobs app's storage path (a scratch file,
then the storage in chunks): constant memory whatever the customer's history.
"""

import time

from django.core.files.storage import default_storage

from customers.models import Customer
from ecommerce_admin.errors import DomainError
from ecommerce_admin.ids import MAX_ID
from jobs import runner
from jobs import services as job_services
from jobs.models import Job

from .datafile import write_personal_data
from .services import INVALID_CUSTOMER

KIND = Job.Kind.CUSTOMER_DATA_EXPORT
FORMAT = "zip"
#: Ended with this when the customer was deleted or erased between the request and the run.
CUSTOMER_GONE = "The customer no longer exists or has been erased."


def exportable(customer_id: int) -> bool:
    if customer_id > MAX_ID:
        return False
    return Customer.objects.filter(
        pk=customer_id, is_deleted=False, erased_at__isnull=True
    ).exists()


def data_export_request(*, customer_id: int, by, source: str = "api", site_url: str = "") -> Job:
    """Queue the ZIP of one customer's personal data; an unknown, deleted or erased customer
    is refused. The customer id is in the job's params: erasure finds the job by it."""
    if not exportable(customer_id):
        raise DomainError(INVALID_CUSTOMER)
    return job_services.create_job(
        user=by,
        kind=KIND,
        fmt=FORMAT,
        params={"customerId": customer_id, "siteUrl": site_url},
        source=source,
    )


def run_data_export(job: Job, monitor) -> None:
    """The worker's side: write the ZIP, store it, finish the job (registered in apps.py)."""
    customer_id = int(job.params["customerId"])
    if not exportable(customer_id):
        job_services.fail(job, CUSTOMER_GONE)
        return
    monitor.set_total(1)
    filename = f"CustomerData_{customer_id}_{int(time.time() * 1000)}.zip"
    stored = runner.store_file(
        job, filename, lambda out: write_personal_data(customer_id=customer_id, out=out)
    )
    monitor.add(1)
    if not exportable(customer_id):
        # Erased while the file was being written (after the erasure looked for this job's
        # file): the file must not outlive the erasure.
        default_storage.delete(stored)
        job_services.fail(job, CUSTOMER_GONE)
        return
    job_services.finish(job, rows_done=1, rows_total=1, file=stored, filename=filename)
