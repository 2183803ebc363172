"""Lossless round trips (issue 12): every export door (the API's two routes, the admin's
"export selected" actions and its resource export, `manage.py export_customers`), in xlsx and
csv, imported back through every import door (the command and the admin import) changes nothing
and reports every row unchanged, on the demo data and on hostile values."""

import io
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from customers.models import Customer, CustomerGroup
from customers.tests.factories import CustomerGroupFactory

pytestmark = pytest.mark.django_db

# Formula triggers, the csv escape character itself, markup, non-ASCII: as the API stores them.
HOSTILE_NAMES = [
    ('=HYPERLINK("http://x","y")', None),
    ("+1+1", "-2"),
    ("@SUM(A1)", "=1+2"),
    ("'quoted", "''double"),
    ("'=escaped", "'+44"),
    ("-minus", "<b>bold</b>"),
    ("Zoë", "Ørsted-Ñúñez"),
    ("名前", None),
    ("Mary Ann", "Smith Jones"),
]
DEMO = {"customers": 40, "vendors": 2, "products": 5, "orders": 5, "views": 5, "visits": 5}


def snapshot() -> list[tuple]:
    return list(Customer.objects.order_by("pk").values_list()) + list(
        CustomerGroup.objects.order_by("pk").values_list()
    )


@pytest.fixture
def hostile(api):
    group = CustomerGroupFactory(name="=Retail+")
    for index, (first, last) in enumerate(HOSTILE_NAMES):
        body = {
            "customerGroupId": group.pk,
            "username": first,
            "lastName": last,
            "email": f"hostile.{index}@example.com",
            "mobileNumber": f"+44 (0)20 7946-{index:04d}",
            "password": "Secret-pass1",
            "confirmPassword": "Secret-pass1",
            "newsletter": index % 2,
            "mailStatus": 0,
            "status": index % 3 != 0,
        }
        response = api.post("/api/customer", body, format="json")
        assert response.status_code == 200, response.json()
    return Customer.objects.count()


@pytest.fixture
def demo(db):
    call_command("seed_demo", **DEMO, stdout=StringIO())
    return Customer.objects.count()


@pytest.fixture
def admin(superuser) -> Client:
    client = Client()
    client.force_login(superuser)
    return client


def all_ids() -> str:
    return ",".join(str(pk) for pk in Customer.objects.order_by("pk").values_list("pk", flat=True))


# -- export doors: each returns (file name, bytes) -------------------------------------------


def api_selection(fmt, api, admin, tmp_path):
    query = {"customerId": all_ids()} | ({"format": "csv"} if fmt == "csv" else {})
    return b"".join(api.get("/api/customer/customer-excel-list", query).streaming_content)


def api_all(fmt, api, admin, tmp_path):
    query = {"format": "csv"} if fmt == "csv" else {}
    response = api.get("/api/customer/allcustomer-excel-list", query)
    return b"".join(response.streaming_content)


def admin_selected(fmt, api, admin, tmp_path):
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

    ids = all_ids().split(",")
    response = admin.post(
        reverse("admin:customers_customer_changelist"),
        {"action": f"export_selected_{fmt}", ACTION_CHECKBOX_NAME: ids, "index": "0"},
    )
    content = getattr(response, "streaming_content", None)
    return b"".join(content) if content is not None else response.content


def admin_resource(fmt, api, admin, tmp_path):
    fields = [
        "id",
        "first_name",
        "last_name",
        "email",
        "mobile_number",
        "customer_group",
        "is_active",
        "newsletter",
        "created_at",
    ]
    response = admin.post(
        reverse("admin:customers_customer_export"),
        {"format": "0" if fmt == "csv" else "1", "resource": "0"}
        | {f"customerresource_{name}": "on" for name in fields},
    )
    assert response.status_code == 200
    return response.content


def command(fmt, api, admin, tmp_path):
    path = tmp_path / f"export.{fmt}"
    call_command("export_customers", output=str(path), stdout=StringIO(), stderr=StringIO())
    return path.read_bytes()


EXPORTS = [api_selection, api_all, admin_selected, admin_resource, command]


# -- import doors ------------------------------------------------------------------------------


def import_command(path: Path, admin, rows: int) -> None:
    out = StringIO()
    call_command("import_customers", str(path), stdout=out, stderr=StringIO())
    assert out.getvalue().strip() == (
        f"created 0, updated 0, unchanged {rows:,}, skipped 0 of {rows:,} rows."
    )


def import_admin(path: Path, admin, rows: int) -> None:
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    response = admin.post(
        reverse("admin:customers_customer_import"),
        {"format": "0" if path.suffix == ".csv" else "1", "import_file": upload},
    )
    result = response.context["result"]
    assert not result.has_errors()
    assert not result.has_validation_errors()
    assert (result.totals["new"], result.totals["update"], result.totals["skip"]) == (0, 0, rows)


IMPORTS = [import_command, import_admin]


@pytest.mark.parametrize("importer", IMPORTS, ids=[door.__name__ for door in IMPORTS])
@pytest.mark.parametrize("exporter", EXPORTS, ids=[door.__name__ for door in EXPORTS])
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("data", ["hostile", "demo"])
def test_an_export_imports_back_unchanged(
    request, data, fmt, exporter, importer, api, admin, tmp_path
):
    rows = request.getfixturevalue(data)
    path = tmp_path / f"customers.{fmt}"
    path.write_bytes(exporter(fmt, api, admin, tmp_path))
    before = snapshot()

    importer(path, admin, rows)

    assert snapshot() == before


def test_xlsx_exports_carry_no_apostrophe_and_csv_escapes_exactly_once(hostile, api, tmp_path):
    import openpyxl

    xlsx = api_all("xlsx", api, None, tmp_path)
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    names = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert '=HYPERLINK("http://x","y")' in names
    assert "'quoted ''double" in names  # stored text, as it is
    csv = api_all("csv", api, None, tmp_path).decode()
    assert re.search(r"^\d+,\"'=HYPERLINK", csv, re.M)
    assert "''quoted ''double" in csv  # one escape before a leading '
