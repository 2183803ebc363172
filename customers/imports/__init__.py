"""Customer imports: the one home of both import pipelines.

- `resources`: the admin's import (django-import-export, CSV/XLSX with a preview), row by row
  through `customers.services`, with the model's field names as columns (at most 2,000 rows);
- `bulk` (with `files` for reading): `manage.py import_customers`, the export's column headers,
  every row validated first, then bulk_create/bulk_update in one transaction and one audit record.

They apply the same input rules (customers.rules) but are still two pipelines
with their own reporting; bringing them together is issue 12.
"""
