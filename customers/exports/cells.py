"""The export file's fixed parts: columns, sheet names, file name, content types, and the one
defence against formula injection every writer goes through."""

import time
from typing import Any

HEADERS = (
    "Customer Id",
    "Customer Name",
    "User Name",
    "Email Id",
    "Mobile Number",
    "Date Of Registration",
)
COLUMN_WIDTHS = (15, 24, 30, 30, 20, 20)
SELECTION_SHEET = "Customer Export sheet"
ALL_SHEET = "Bulk Customer Export"

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
CONTENT_TYPES = {"xlsx": XLSX_CONTENT_TYPE, "csv": CSV_CONTENT_TYPE}
FORMATS = ("xlsx", "csv")

# A text cell starting with one of these is evaluated by spreadsheets (CSV/formula injection,
# OWASP ASVS V1.2.10): =, +, -, @, tab, carriage return.
FORMULA_TRIGGERS = frozenset("=+-@\t\r")
# CSV escapes with a leading `'`, so a field that itself starts with `'` is escaped too (`'=x` →
# `''=x`): the importers' unescape then gives back exactly what was exported (API.md §3.12).
_CSV_ESCAPED = FORMULA_TRIGGERS | {"'"}


def needs_formula_guard(value: Any) -> bool:
    """Text a spreadsheet would evaluate (xlsx writes it with Excel's quotePrefix style)."""
    return type(value) is str and bool(value) and value[0] in FORMULA_TRIGGERS


def sanitise_cell(value: Any) -> Any:
    """The value as it may be written to a CSV field (API.md §3.12).

    Text starting with a formula trigger, or with `'`, gets a leading `'`, so no spreadsheet
    evaluates it and the import can undo it exactly; everything else (numbers, dates, other
    text) is returned unchanged. The xlsx writer does not use this: it keeps the text and marks
    the cell with the quotePrefix style instead.
    """
    if type(value) is str and value and value[0] in _CSV_ESCAPED:
        return "'" + value
    return value


def unsanitise_cell(value: Any) -> Any:
    """Undo `sanitise_cell` (CSV imports): `'=x` → `=x`, `''x` → `'x`; a `'` before anything
    else stays. Exactly one `'` is removed."""
    if type(value) is str and len(value) > 1 and value[0] == "'" and value[1] in _CSV_ESCAPED:
        return value[1:]
    return value


def export_filename(fmt: str, *, now: float | None = None) -> str:
    """`CustomerExcel_<epoch milliseconds>.<fmt>` (the contract's name for both formats)."""
    millis = int((time.time() if now is None else now) * 1000)
    return f"CustomerExcel_{millis}.{fmt}"
