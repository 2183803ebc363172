"""Size caps for imported files, checked while streaming BEFORE any parser builds rows.

django-import-export only records an exception raised in `before_import` and then dry-runs every
row anyway, and openpyxl pads a sheet to its declared size: a 144 KB xlsx declaring a million rows
grew to gigabytes. So the caps are checked here, on the raw upload, at a cost bounded by the cap:
- CSV: records are counted with the csv module (quoted newlines included), stopping at the cap;
- XLSX: the zip's declared uncompressed sizes are capped (zipfile never inflates past them), then
  each worksheet's XML is streamed with defusedxml (no entity expansion) counting `<row>`
  elements, the highest row number a row or the `<dimension>` declares (openpyxl pads up to it)
  and the highest column, stopping at the first excess.

`ImportLimits` holds one set of caps: the admin's synchronous import uses `ADMIN_IMPORT`; a
background import can reuse `check_upload` with its own, larger `BACKGROUND_IMPORT`.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass
from typing import IO

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

ZIP_MAGIC = b"PK\x03\x04"
_CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]+)")
_WORKSHEET = re.compile(r"xl/worksheets/[^/]+\.xml")


@dataclass(frozen=True)
class ImportLimits:
    max_rows: int  # data rows, the header row excluded
    max_columns: int
    max_upload_bytes: int
    max_uncompressed_bytes: int  # an xlsx's members, added up
    advice: str = ""  # what to do instead, appended to refusals


# Each admin row goes through a service (~6 ms a row on PostgreSQL): 2,000 rows preview in ~12 s.
ADMIN_IMPORT = ImportLimits(
    max_rows=2_000,
    max_columns=64,
    max_upload_bytes=5 * 2**20,
    max_uncompressed_bytes=32 * 2**20,
    advice="split it, or import it with `manage.py import_customers`.",
)
# For the background import to come (batched writes, no request time limit).
BACKGROUND_IMPORT = ImportLimits(
    max_rows=2_000_000,
    max_columns=64,
    max_upload_bytes=512 * 2**20,
    max_uncompressed_bytes=4 * 2**30,
)


class ImportTooLarge(ValueError):
    """The upload exceeds a cap; the message is for the person who uploaded it."""


def _refuse(message: str, limits: ImportLimits) -> ImportTooLarge:
    return ImportTooLarge(f"{message}; {limits.advice}" if limits.advice else f"{message}.")


def check_upload(stream: IO[bytes], limits: ImportLimits, *, encoding: str = "utf-8-sig") -> int:
    """Refuse (ImportTooLarge) an upload beyond `limits`; return its data row count.

    The stream is rewound afterwards. Unreadable content is not refused here (the importer
    reports it as it always did); only size is judged.
    """
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    if size > limits.max_upload_bytes:
        raise _refuse(f"The file is larger than {limits.max_upload_bytes // 2**20} MB", limits)
    try:
        if stream.read(4) == ZIP_MAGIC:
            stream.seek(0)
            return _xlsx_rows(stream, limits)
        stream.seek(0)
        return _csv_rows(stream, limits, encoding)
    finally:
        stream.seek(0)


def _too_many_rows(limits: ImportLimits) -> ImportTooLarge:
    return _refuse(f"A file may hold at most {limits.max_rows:,} rows here", limits)


def _too_many_columns(limits: ImportLimits) -> ImportTooLarge:
    return _refuse(f"A file may hold at most {limits.max_columns} columns here", limits)


def _csv_rows(stream: IO[bytes], limits: ImportLimits, encoding: str) -> int:
    try:
        codecs.lookup(encoding)
    except LookupError:
        encoding = "utf-8-sig"
    text = io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")
    try:
        records = 0
        for record in csv.reader(text):
            records += 1
            if len(record) > limits.max_columns:
                raise _too_many_columns(limits)
            if records - 1 > limits.max_rows:  # the first record is the header
                raise _too_many_rows(limits)
        return max(0, records - 1)
    except csv.Error:
        return 0  # malformed: the importer will say so
    finally:
        text.detach()  # keep the upload open for the importer


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index


def _max_ref(ref: str) -> tuple[int, int]:
    """(row, column) of a cell reference or the far corner of a range ("A1:Z99")."""
    match = _CELL_REF.fullmatch(ref.split(":")[-1].replace("$", ""))
    if match is None:
        return 0, 0
    return int(match.group(2)), _column_index(match.group(1))


def _xlsx_rows(stream: IO[bytes], limits: ImportLimits) -> int:
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError):
        return 0  # not a workbook: the importer reports it
    with archive:
        members = archive.infolist()
        if sum(member.file_size for member in members) > limits.max_uncompressed_bytes:
            raise _refuse(
                f"The workbook unpacks to more than {limits.max_uncompressed_bytes // 2**20} MB",
                limits,
            )
        most = 0
        for member in members:
            if _WORKSHEET.fullmatch(member.filename):
                most = max(most, _sheet_rows(archive, member, limits))
        return most


def _sheet_rows(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: ImportLimits) -> int:
    # The header is row 1: a sheet may reach row max_rows + 1.
    last_allowed = limits.max_rows + 1
    elements = 0
    highest = 0
    cells_in_row = 0
    try:
        with archive.open(member) as xml:
            for event, element in iterparse(xml, events=("start", "end")):
                tag = element.tag.rsplit("}", 1)[-1]
                if event == "end":
                    if tag == "row":
                        element.clear()  # its cells are counted: free them
                    continue
                if tag == "row":
                    elements += 1
                    cells_in_row = 0
                    declared = element.get("r")
                    if declared and declared.isdigit():
                        highest = max(highest, int(declared))
                elif tag == "c":
                    # Cells may omit `r` (then they are consecutive): count them too.
                    cells_in_row += 1
                    row, column = _max_ref(element.get("r") or "")
                    highest = max(highest, row)
                    if max(column, cells_in_row) > limits.max_columns:
                        raise _too_many_columns(limits)
                elif tag == "dimension":
                    row, column = _max_ref(element.get("ref") or "")
                    highest = max(highest, row)
                    if column > limits.max_columns:
                        raise _too_many_columns(limits)
                if max(elements, highest) > last_allowed:
                    raise _too_many_rows(limits)
    except (DefusedXmlException, SyntaxError, zipfile.BadZipFile, OSError, EOFError):
        return 0  # refused or unreadable XML: the importer reports it
    return max(0, max(elements, highest) - 1)
