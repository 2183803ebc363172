"""Customer imports: the one home of both import pipelines.

- `files`: reading a CSV or XLSX file as rows; one import format, the export's column headers
  (API.md §3.11) plus Group, Status, Newsletter, First/Last Name, with the model's field names as
  aliases; the CSV formula escape undone (CSV only);
- `bulk`: the pipeline. `parse_values` checks one row with the shared rules (customers.rules, the
  API's messages); `validate` checks a whole file and reports `RowError`s (spreadsheet row,
  header = row 1, column, message: the one error format); `apply` writes with
  bulk_create/bulk_update in one transaction and one audit record. `manage.py import_customers`
  and the background import job call these;
- `resources`: the admin's import (django-import-export, preview then confirm, at most 2,000
  rows): same headers, each row checked by `bulk.parse_values`, written through the services.
"""
