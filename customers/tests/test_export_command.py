"""`manage.py export_customers` against a real database."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from customers.models import Customer, ExportLog
from customers.tests.factories import CustomerFactory, CustomerGroupFactory

pytestmark = pytest.mark.django_db

HEADERS = (
    "Customer Id",
    "Customer Name",
    "User Name",
    "Email Id",
    "Mobile Number",
    "Date Of Registration",
)


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def export(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("export_customers", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def customers(db):
    group = CustomerGroupFactory(name="Wholesale")
    base = timezone.now() - datetime.timedelta(days=1)
    made = [
        CustomerFactory(
            first_name=f"Name{i}",
            last_name="Smith",
            customer_group=group if i % 2 else None,
            is_active=i != 1,
            created_at=base + datetime.timedelta(minutes=i),
        )
        for i in range(4)
    ]
    return list(reversed(made))  # newest first


def test_exports_every_live_customer_as_xlsx(tmp_path, customers):
    target = tmp_path / "all.xlsx"
    Customer.objects.filter(pk=customers[0].pk).update(is_deleted=True)

    out, err = export("--output", str(target))

    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Bulk Customer Export"]
    rows = list(book.active.values)
    assert rows[0] == HEADERS
    assert [row[0] for row in rows[1:]] == [c.id for c in customers[1:]]
    assert out.startswith(f"Exported 3 rows to {target} in ")
    assert err == ""  # no progress bar when stderr is not a terminal
    log = ExportLog.objects.get()
    assert (log.source, log.kind, log.format, log.row_count) == ("command", "all", "xlsx", 3)
    assert log.user is None
    assert [p.name for p in tmp_path.iterdir()] == ["all.xlsx"]


@pytest.mark.parametrize("args", [["--format", "csv"], []])
def test_exports_csv_by_option_or_extension(tmp_path, customers, args):
    target = tmp_path / ("out.csv" if not args else "out.data")

    export("--output", str(target), *args)

    rows = list(csv.reader(target.open(encoding="utf-8", newline="")))
    assert tuple(rows[0]) == HEADERS
    assert [int(row[0]) for row in rows[1:]] == [c.id for c in customers]
    assert ExportLog.objects.get().format == "csv"


def test_applies_the_list_filters(tmp_path, customers):
    target = tmp_path / "f.csv"
    group_id = customers[0].customer_group_id

    export("--output", str(target), "--status", "1", "--group", str(group_id), "--name", "name3")

    rows = list(csv.reader(target.open(encoding="utf-8", newline="")))
    assert [int(row[0]) for row in rows[1:]] == [customers[0].id]
    assert ExportLog.objects.get().filters == {
        "status": "1",
        "customerGroup": str(group_id),
        "name": "name3",
    }


def test_shows_progress_on_a_terminal(tmp_path, customers):
    terminal = FakeTerminal()

    call_command(
        "export_customers", "--output", str(tmp_path / "p.xlsx"), stdout=io.StringIO(),
        stderr=terminal,
    )  # fmt: skip

    assert "4/4" in terminal.getvalue()
    assert "rows/s" in terminal.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--status", "2"], "--status: Must be 0 or 1."),
        (["--group", "abc"], "--group: A valid integer is required."),
        (["--date", "2024-13"], "--date: Use YYYY-MM-DD"),
        (["--name", "nobody-at-all"], "list is empty"),
        (["--format", "pdf"], "invalid choice"),
    ],
)
def test_bad_arguments_fail_clearly_and_write_nothing(tmp_path, customers, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(")):
        export("--output", str(tmp_path / "x.xlsx"), *args)

    assert list(tmp_path.iterdir()) == []
    assert not ExportLog.objects.exists()


def test_missing_output_folder_fails(tmp_path, customers):
    with pytest.raises(CommandError, match="does not exist"):
        export("--output", str(tmp_path / "missing" / "x.xlsx"))
