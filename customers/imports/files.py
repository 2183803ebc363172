"""Reading an import file (CSV or XLSX) as rows of named values, whatever the pipeline.

Header names are the export's, matched case-insensitively, with the model's field names as
aliases (`COLUMNS`). The CSV export's formula
escape (a leading `'`, API.md §3.12) is undone here, for CSV only: an xlsx cell's text is taken
as it is (its formula safety is a cell style, not a character).
"""

import csv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException

from customers.exports.cells import unsanitise_cell

#: A file with more data rows than this is refused before anything is validated.
MAX_ROWS = 2_000_000

COLUMNS = {
    "customer id": "id",
    "customer name": "name",
    "first name": "first_name",
    "last name": "last_name",
    "user name": "username",
    "email id": "email",
    "email": "email",
    "mobile number": "mobile",
    "mobile": "mobile",
    "date of registration": "created_at",
    "group": "group",
    "customer group": "group",
    "status": "status",
    "newsletter": "newsletter",
    # The model's field names (the admin import's former headers) are aliases.
    "id": "id",
    "first_name": "first_name",
    "last_name": "last_name",
    "username": "username",
    "mobile_number": "mobile",
    "customer_group": "group",
    "is_active": "status",
    "created_at": "created_at",
}
#: The column each row key is reported under (the export's header where there is one).
LABELS = {
    "id": "Customer Id",
    "name": "Customer Name",
    "first_name": "First Name",
    "last_name": "Last Name",
    "username": "User Name",
    "email": "Email Id",
    "mobile": "Mobile Number",
    "created_at": "Date Of Registration",
    "group": "Group",
    "status": "Status",
    "newsletter": "Newsletter",
}


class ImportFileError(Exception):
    """The file cannot be read as a customer table (format, header, size)."""


@dataclass
class RawRow:
    number: int  # the row's position in the whole file (a stable key across both passes)
    label: str  # "row 7" or "row 7 of sheet 'Bulk Customer Export (2)'"
    values: dict[str, Any]


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in {".csv", ".xlsx"}:
        return suffix[1:]
    raise ImportFileError(f"{path.name}: expected a .csv or .xlsx file.")


def header_keys(cells: list[Any]) -> list[str | None]:
    """The row keys of a header row (None for a blank header cell); ImportFileError for an
    unknown or repeated column or a missing e-mail column. Every import door reads headers
    here: the export's headers, the optional columns, the model's field names as aliases."""
    return _header(cells)


def _header(cells: list[Any]) -> list[str | None]:
    names: list[str | None] = []
    seen: set[str] = set()
    for cell in cells:
        text = "" if cell is None else str(cell).strip().lower()
        if text == "":
            names.append(None)
            continue
        if text not in COLUMNS:
            raise ImportFileError(f"Unknown column {str(cell).strip()!r}.")
        name = COLUMNS[text]
        if name in seen:
            raise ImportFileError(f"Column {str(cell).strip()!r} appears twice.")
        seen.add(name)
        names.append(name)
    if "email" not in seen:
        raise ImportFileError("The file has no 'Email Id' column.")
    return names


def _row(names: list[str | None], cells) -> dict[str, Any] | None:
    values = {}
    for name, cell in zip(names, cells, strict=False):
        if name is not None and cell is not None and cell != "":
            values[name] = cell
    return values or None


def _csv_rows(path: Path) -> Iterator[RawRow]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
            if header is None:
                raise ImportFileError("The file is empty.")
            names = _header(header)
            for number, cells in enumerate(reader, start=2):
                values = _row(names, [unsanitise_cell(cell) for cell in cells])
                if values is not None:
                    yield RawRow(number, f"row {number}", values)
        except UnicodeDecodeError:
            raise ImportFileError("The file is not UTF-8 text.") from None
        except csv.Error as exc:
            raise ImportFileError(f"Malformed CSV: {exc}.") from None


def _xlsx_rows(path: Path) -> Iterator[RawRow]:
    # openpyxl parses through defusedxml (installed), which refuses entity expansion bombs.
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise _xlsx_error(path, exc) from None
    try:
        offset = 0
        many = len(book.worksheets) > 1
        for sheet in book.worksheets:
            rows = sheet.iter_rows(values_only=True)
            header = next(rows, None)
            if header is None:
                continue
            names = _header(list(header))
            last = 1
            for last, cells in enumerate(rows, start=2):
                values = _row(names, cells)
                if values is not None:
                    label = f"row {last}" + (f" of sheet {sheet.title!r}" if many else "")
                    yield RawRow(offset + last, label, values)
            offset += last
    except (zipfile.BadZipFile, KeyError, ValueError, EOFError) as exc:
        raise _xlsx_error(path, exc) from None
    finally:
        book.close()


def _xlsx_error(path: Path, exc: BaseException) -> ImportFileError:
    # openpyxl wraps parser errors in a ValueError; defusedxml's refusal is then its cause.
    for error in (exc, exc.__cause__):
        if isinstance(error, DefusedXmlException):
            return ImportFileError(f"{path.name} was refused: unsafe XML ({error}).")
    return ImportFileError(f"{path.name} is not a readable xlsx workbook.")


def read_rows(path: Path) -> Iterator[RawRow]:
    reader = _csv_rows if detect_format(path) == "csv" else _xlsx_rows
    for count, row in enumerate(reader(path), start=1):
        if count > MAX_ROWS:
            raise ImportFileError(f"The file has more than {MAX_ROWS:,} rows.")
        yield row
