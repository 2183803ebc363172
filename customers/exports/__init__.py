"""The customer export: the spreadsheet (xlsx by default, or CSV) of API.md §3.11/§3.12.

Not to be confused with the admin's "Export" button, django-import-export's resource export
(customers.imports.resources). Every door to this export — the two API routes
(customers.api.exports), the admin's "export selected" actions and `manage.py export_customers` —
uses these parts:

- `rows`: which customers (the list's filters or a selection of ids) and their cells;
- `csv`, `xlsx`: the writers, streaming, in constant memory;
- `cells`: columns, names, and the one defence against formula injection (`sanitise_cell` for
  CSV; the xlsx writer keeps the text and sets Excel's quotePrefix style, API.md §3.12);
- `log`: the export log and audit record.

Memory stays constant in the number of rows: rows come from a server-side cursor (PostgreSQL) or
a chunked cursor (SQLite) and go straight to the output, never into a list.
"""

from .cells import (
    ALL_SHEET,
    CONTENT_TYPES,
    CSV_CONTENT_TYPE,
    FORMATS,
    HEADERS,
    SELECTION_SHEET,
    XLSX_CONTENT_TYPE,
    export_filename,
    sanitise_cell,
    unsanitise_cell,
)
from .csv import iter_csv, write_csv
from .log import record_export
from .rows import (
    EMPTY_LIST,
    InvalidFilters,
    filtered_customers,
    queryset_rows,
    selection_rows,
    used_filters,
)
from .xlsx import XlsxStreamWriter, write_xlsx

__all__ = [
    "ALL_SHEET",
    "CONTENT_TYPES",
    "CSV_CONTENT_TYPE",
    "EMPTY_LIST",
    "FORMATS",
    "HEADERS",
    "SELECTION_SHEET",
    "XLSX_CONTENT_TYPE",
    "InvalidFilters",
    "XlsxStreamWriter",
    "export_filename",
    "filtered_customers",
    "iter_csv",
    "queryset_rows",
    "record_export",
    "sanitise_cell",
    "selection_rows",
    "unsanitise_cell",
    "used_filters",
    "write_csv",
    "write_xlsx",
]
