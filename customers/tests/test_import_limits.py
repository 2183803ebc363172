"""Import caps enforced before any row is processed (security finding 2).

Before the fix, an over-cap file was only refused inside `before_import`, which
django-import-export records and then dry-runs every row anyway (a 30,000-row CSV ran 86 s; a
144 KB xlsx declaring a million rows grew to 3.3 GB)."""

import dataclasses
import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from customers.imports import limits as import_limits
from customers.imports.limits import ADMIN_IMPORT, ImportTooLarge, check_upload
from customers.models import Customer, CustomerGroup

CUSTOMER_IMPORT = reverse("admin:customers_customer_import")
CSV_FORMAT, XLSX_FORMAT = "0", "1"
HEADER = "first_name,email,mobile_number,customer_group\n"


def csv_rows(count: int) -> bytes:
    rows = "".join(f"C{i},c{i}@example.com,+4479001{i:05d},Retail\n" for i in range(count))
    return (HEADER + rows).encode()


def xlsx_rows(count: int) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["first_name", "email", "mobile_number", "customer_group"])
    for i in range(count):
        sheet.append([f"C{i}", f"c{i}@example.com", f"+4479001{i:05d}", "Retail"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def handmade_xlsx(sheet_xml: str, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal workbook openpyxl opens, with the worksheet XML given."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel_ns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    pkg = "http://schemas.openxmlformats.org/package/2006"
    doc = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": (
            f'<Types xmlns="{pkg}/content-types">'
            '<Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{pkg}/relationships">'
            f'<Relationship Id="rId1" Type="{doc}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<workbook {ns} {rel_ns}><sheets><sheet name="S" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{pkg}/relationships">'
            f'<Relationship Id="rId1" Type="{doc}/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": f"<worksheet {ns}>{sheet_xml}</worksheet>",
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


# --- The checks themselves ---------------------------------------------------------------------


def test_a_csv_at_the_cap_passes_and_one_row_more_is_refused():
    assert check_upload(io.BytesIO(csv_rows(2_000)), ADMIN_IMPORT) == 2_000
    with pytest.raises(ImportTooLarge, match="at most 2,000 rows"):
        check_upload(io.BytesIO(csv_rows(2_001)), ADMIN_IMPORT)


def test_csv_records_are_counted_not_lines():
    quoted = HEADER + 'C1,"multi\nline\nname",+447900100001,Retail\n' * 3
    small = dataclasses.replace(ADMIN_IMPORT, max_rows=3)

    assert check_upload(io.BytesIO(quoted.encode()), small) == 3


def test_an_xlsx_at_the_cap_passes_and_one_row_more_is_refused():
    assert check_upload(io.BytesIO(xlsx_rows(2_000)), ADMIN_IMPORT) == 2_000
    with pytest.raises(ImportTooLarge, match="at most 2,000 rows"):
        check_upload(io.BytesIO(xlsx_rows(2_001)), ADMIN_IMPORT)


@pytest.mark.parametrize(
    "sheet_xml",
    [
        # One row declared at index 1,000,000: openpyxl pads every row before it.
        pytest.param('<sheetData><row r="1000000"><c r="A1000000"/></row></sheetData>', id="r"),
        # A declared dimension: openpyxl's read-only sheet pads up to it.
        pytest.param(
            '<dimension ref="A1:D1000000"/><sheetData><row r="1"><c r="A1"/></row></sheetData>',
            id="dimension",
        ),
        # A million empty rows compress to a few KB.
        pytest.param("<sheetData>" + "<row/>" * 1_000_000 + "</sheetData>", id="rows"),
    ],
)
def test_an_xlsx_declaring_a_million_rows_is_refused_from_its_xml(sheet_xml):
    data = handmade_xlsx(sheet_xml)
    assert len(data) < 200_000

    with pytest.raises(ImportTooLarge, match="at most 2,000 rows"):
        check_upload(io.BytesIO(data), ADMIN_IMPORT)


def test_an_xlsx_that_unpacks_beyond_the_cap_is_refused_without_unpacking_it():
    data = handmade_xlsx("<sheetData/>", {"xl/media/zeros.bin": b"\0" * (40 * 2**20)})
    assert len(data) < 200_000

    with pytest.raises(ImportTooLarge, match="unpacks to more than 32 MB"):
        check_upload(io.BytesIO(data), ADMIN_IMPORT)


@pytest.mark.parametrize(
    "sheet_xml",
    [
        '<sheetData><row r="1"><c r="XFD1"/></row></sheetData>',
        "<sheetData><row>" + "<c/>" * 100 + "</row></sheetData>",
    ],
)
def test_an_xlsx_wider_than_the_cap_is_refused(sheet_xml):
    with pytest.raises(ImportTooLarge, match="at most 64 columns"):
        check_upload(io.BytesIO(handmade_xlsx(sheet_xml)), ADMIN_IMPORT)


def test_a_csv_wider_than_the_cap_is_refused():
    with pytest.raises(ImportTooLarge, match="at most 64 columns"):
        check_upload(io.BytesIO((",".join(["x"] * 100) + "\n").encode()), ADMIN_IMPORT)


def test_the_background_import_has_its_own_larger_caps():
    assert import_limits.BACKGROUND_IMPORT.max_rows > ADMIN_IMPORT.max_rows
    assert check_upload(io.BytesIO(csv_rows(2_001)), import_limits.BACKGROUND_IMPORT) == 2_001


# --- Through the admin: refused as a form error, before any row is processed ---------------------


@pytest.fixture
def admin(superuser) -> Client:
    client = Client()
    client.force_login(superuser)
    return client


def snapshot():
    return (list(Customer.objects.values_list()), list(CustomerGroup.objects.values_list()))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "name", "file_format"),
    [
        pytest.param(csv_rows(30_000), "big.csv", CSV_FORMAT, id="csv-30k"),
        pytest.param(
            handmade_xlsx('<sheetData><row r="1000000"><c r="A1000000"/></row></sheetData>'),
            "bomb.xlsx",
            XLSX_FORMAT,
            id="xlsx-1M",
        ),
    ],
)
def test_the_admin_refuses_an_over_cap_file_before_previewing_any_row(
    admin, content, name, file_format
):
    CustomerGroup.objects.create(name="Retail")
    before = snapshot()

    response = admin.post(
        CUSTOMER_IMPORT,
        {"format": file_format, "import_file": SimpleUploadedFile(name, content)},
    )

    assert response.status_code == 200
    errors = str(response.context["form"].errors)
    assert "A file may hold at most 2,000 rows here" in errors
    assert "manage.py import_customers" in errors
    # No preview: django-import-export never ran the dry run.
    assert response.context.get("result") is None
    assert "confirm_form" not in response.context
    assert snapshot() == before
