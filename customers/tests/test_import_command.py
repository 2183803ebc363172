"""`manage.py import_customers` against a real database."""

import csv
import datetime
import io
import zipfile

import openpyxl
import pytest
from django.contrib.auth.hashers import is_password_usable
from django.core.management import CommandError, call_command
from django.utils import timezone

from customers import exports
from customers.models import Customer, CustomerGroup
from customers.tests.conftest import snapshot
from customers.tests.factories import CustomerFactory, CustomerGroupFactory

pytestmark = pytest.mark.django_db

HEADER = ["Customer Id", "Customer Name", "User Name", "Email Id", "Mobile Number"]
FIELDS = ("first_name", "last_name", "email", "username", "mobile_number", "customer_group_id")


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_customers", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write_csv(path, rows, header=HEADER):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def data(queryset=None) -> list[tuple]:
    queryset = queryset if queryset is not None else Customer.objects.alive()
    return list(queryset.order_by("email").values_list(*FIELDS, "is_active"))


@pytest.fixture
def people(db):
    group = CustomerGroupFactory(name="Wholesale")
    return [
        CustomerFactory(first_name="Ada", last_name="Lovelace", customer_group=group),
        CustomerFactory(first_name="Mary Ann", last_name="Evans", customer_group=group),
        CustomerFactory(first_name="=HYPERLINK(1)", last_name=None, mobile_number="+123456"),
        CustomerFactory(first_name="@Bob", last_name="-minus", is_active=False),
    ]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_export_reimported_changes_nothing(tmp_path, people, fmt):
    target = tmp_path / f"all.{fmt}"
    call_command("export_customers", "--output", str(target), stdout=io.StringIO())
    before = data()

    out, _ = run(str(target))

    assert out == "created 0, updated 0, unchanged 4, skipped 0 of 4 rows.\n"
    assert data() == before


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_export_reimported_after_deletion_recreates_the_customers(tmp_path, people, fmt):
    target = tmp_path / f"all.{fmt}"
    call_command("export_customers", "--output", str(target), stdout=io.StringIO())
    before = {c.email: c for c in people}
    Customer.objects.update(is_deleted=True, deleted_at=timezone.now())

    out, _ = run(str(target))

    assert out.startswith("created 4, updated 0, unchanged 0, skipped 0")
    default = CustomerGroup.objects.get(is_default=True)
    for customer in Customer.objects.alive():
        old = before[customer.email]
        assert customer.pk != old.pk
        assert f"{customer.first_name} {customer.last_name or ''}".strip() == old.full_name
        assert customer.username == customer.email == old.email
        assert customer.mobile_number == old.mobile_number
        assert customer.customer_group_id == default.id  # the export carries no group
        assert abs(customer.created_at - old.created_at) < datetime.timedelta(seconds=1)
        assert not is_password_usable(customer.password)
    assert Customer.objects.get(is_deleted=False, email=people[2].email).first_name == (
        "=HYPERLINK(1)"
    )


def test_upserts_by_email_with_group_and_status_columns(tmp_path, people):
    ada = people[0]
    retail = CustomerGroupFactory(name="Retail")
    path = write_csv(
        tmp_path / "in.csv",
        [
            ["", "Ada King", "", ada.email.upper(), "+44 (0) 20-7946.0000", "retail", "0"],
            ["", "Grace Hopper", "", " Grace@Example.COM ", "5550100", str(retail.id), "1"],
            ["", "Alan Turing", "", "alan@example.com", "5550101", "", ""],
        ],
        header=[*HEADER, "Group", "Status"],
    )
    before = Customer.objects.count()

    out, _ = run(str(path))

    assert out.startswith("created 2, updated 1, unchanged 0, skipped 0 of 3 rows.")
    assert Customer.objects.count() == before + 2
    ada.refresh_from_db()
    assert (ada.first_name, ada.last_name, ada.mobile_number) == ("Ada", "King", "+442079460000")
    assert (ada.customer_group_id, ada.is_active) == (retail.id, False)
    grace = Customer.objects.get(email="grace@example.com")
    assert (grace.first_name, grace.last_name, grace.username) == ("Grace", "Hopper", grace.email)
    assert (grace.customer_group_id, grace.is_active) == (retail.id, True)
    alan = Customer.objects.get(email="alan@example.com")
    assert alan.customer_group.is_default
    assert alan.is_active


def test_every_problem_is_reported_with_its_row_and_nothing_is_written(tmp_path, people):
    path = write_csv(
        tmp_path / "bad.csv",
        [
            ["", "Good Row", "", "good@example.com", "5550100"],
            ["", "Bad Email", "", "not-an-email", "5550101"],
            ["", "Bad Mobile", "", "mobile@example.com", "12"],
            ["", "X" * 40, "", "long@example.com", "5550102"],
            ["", "Dup", "", "good@example.com", "5550103"],
            ["", "", "", "noname@example.com", "5550104"],
            ["", "No Mobile", "", "nomobile@example.com", ""],
        ],
    )
    before = snapshot()

    with pytest.raises(CommandError, match="6 problem"):
        run(str(path))

    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_customers", str(path), stdout=io.StringIO(), stderr=err)
    report = err.getvalue()
    assert "row 3: Email Id: Enter a valid email address." in report
    assert "row 4: Mobile Number: Enter 6 to 15 digits" in report
    assert "row 5: Customer Name:" in report
    assert "row 6: Email Id: good@example.com is already on row 2." in report
    assert "row 7: Customer Name: required for a new customer." in report
    assert "row 8: Mobile Number: required for a new customer." in report
    assert "row 2" not in report.replace("on row 2", "")
    assert snapshot() == before


def test_skip_invalid_imports_the_valid_rows(tmp_path, people):
    path = write_csv(
        tmp_path / "mixed.csv",
        [
            ["", "Good Row", "", "good@example.com", "5550100"],
            ["", "Bad Email", "", "not-an-email", "5550101"],
        ],
    )

    out, err = run(str(path), "--skip-invalid")

    assert "row 3: Email Id" in err
    assert out.startswith("created 1, updated 0, unchanged 0, skipped 1 of 2 rows.")
    assert Customer.objects.filter(email="good@example.com").exists()


def test_dry_run_writes_nothing(tmp_path, people):
    path = write_csv(
        tmp_path / "new.csv",
        [
            ["", "New Person", "", "new@example.com", "5550100"],
            ["", "Ada Byron", "", people[0].email, "5550101"],
        ],
    )
    before = snapshot()

    out, _ = run(str(path), "--dry-run")

    assert out.startswith("Dry run (nothing written): would have created 1, updated 1,")
    assert snapshot() == before


def test_unknown_group_and_bad_status_are_row_problems(tmp_path, people):
    path = write_csv(
        tmp_path / "g.csv",
        [
            ["", "A B", "", "a@example.com", "5550100", "no such group", "1"],
            ["", "C D", "", "c@example.com", "5550100", "", "yes"],
        ],
        header=[*HEADER, "Group", "Status"],
    )

    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_customers", str(path), stdout=io.StringIO(), stderr=err)

    assert "row 2: Group: No customer group named 'no such group'." in err.getvalue()
    assert "row 3: Status: Must be 0 or 1." in err.getvalue()
    assert not Customer.objects.filter(email__in=["a@example.com", "c@example.com"]).exists()


def test_xlsx_rows_are_numbered_per_sheet(tmp_path, people, monkeypatch):
    monkeypatch.setattr(exports.xlsx, "XLSX_MAX_ROWS", 3)
    target = tmp_path / "split.xlsx"
    call_command("export_customers", "--output", str(target), stdout=io.StringIO())
    book = openpyxl.load_workbook(target)
    assert len(book.sheetnames) == 2
    book.worksheets[1]["D2"] = "broken"
    book.save(target)

    err = io.StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_customers", str(target), stdout=io.StringIO(), stderr=err)

    assert "row 2 of sheet 'Bulk Customer Export (2)': Email Id" in err.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("x.xlsx", b"this is not a zip file", "not a readable xlsx workbook"),
        ("x.txt", b"Email Id\na@example.com\n", "expected a .csv or .xlsx file"),
        ("x.csv", b"Email Id,Favourite Colour\na@example.com,red\n", "Unknown column"),
        ("x.csv", b"Customer Name\nAda\n", "no 'Email Id' column"),
        ("x.csv", b"Email Id,Email\na@example.com,b@example.com\n", "appears twice"),
        ("x.csv", "Email Id\nå@example.com\n".encode("latin-1"), "not UTF-8"),
        ("x.csv", b"", "empty"),
    ],
)
def test_unreadable_files_are_a_clean_error(tmp_path, people, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    before = snapshot()

    with pytest.raises(CommandError, match=message):
        run(str(path))

    assert snapshot() == before


def test_an_xml_bomb_is_refused(tmp_path, people):
    good = tmp_path / "good.xlsx"
    call_command("export_customers", "--output", str(good), stdout=io.StringIO())
    bomb = tmp_path / "bomb.xlsx"
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bomb, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = laughs.encode()
            target.writestr(item, content)
    before = snapshot()

    with pytest.raises(CommandError, match=r"bomb\.xlsx was refused: unsafe XML"):
        run(str(bomb))

    assert snapshot() == before


def test_missing_file_is_a_clean_error(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        run(str(tmp_path / "nope.csv"))
