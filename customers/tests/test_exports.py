"""The two export routes (API.md §3.11, §3.12) through HTTP with a real token."""

import csv
import datetime
import io
import re
import zipfile
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customers import exports
from customers.models import Customer, ExportLog
from customers.tests.factories import CustomerFactory, CustomerGroupFactory

pytestmark = pytest.mark.django_db

SELECTION = "/api/customer/customer-excel-list"
ALL = "/api/customer/allcustomer-excel-list"
HEADERS = [
    "Customer Id",
    "Customer Name",
    "User Name",
    "Email Id",
    "Mobile Number",
    "Date Of Registration",
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "-2", "@SUM(A1)", "\t=1", "\r=1"]


def body(response) -> bytes:
    # The test client closes the response (and its file or generator) once it is read.
    return b"".join(response.streaming_content)


def workbook(response):
    assert response.status_code == 200, response.content
    return openpyxl.load_workbook(io.BytesIO(body(response)))


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.content
    return list(csv.reader(io.StringIO(body(response).decode("utf-8"), newline="")))


def local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment).replace(tzinfo=None)


def assert_same_moment(cell: datetime.datetime, expected: datetime.datetime) -> None:
    # Excel serials carry about a millisecond of precision.
    assert isinstance(cell, datetime.datetime)
    assert abs(cell - expected) < datetime.timedelta(milliseconds=2)


def assert_error(response, http: int, message: str) -> None:
    assert response.status_code == http
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["status"] == 0
    assert response.json()["message"] == message


@pytest.fixture
def three(db):
    group = CustomerGroupFactory(name="Retail")
    # One customer per calendar day (noon, local time), whatever the clock says when the
    # tests run: the date filter tests pick one of them by its day.
    base = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    base -= datetime.timedelta(days=5)
    return [
        CustomerFactory(
            first_name=first,
            last_name=last,
            customer_group=group,
            created_at=base + datetime.timedelta(days=i),
        )
        for i, (first, last) in enumerate([("Ada", "Lovelace"), ("Alan", None), ("Grace", "")])
    ]


# -- selection ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", [SELECTION, SELECTION + "/", "/api/admin-customer/customer-excel-list"]
)
def test_selection_xlsx_has_the_contract_sheet_headers_and_cell_types(api, three, path):
    ada, alan, grace = three

    response = api.get(path, {"customerId": f"{grace.id},{ada.id},{alan.id}"})

    assert response["Content-Type"] == XLSX
    assert re.fullmatch(
        r'attachment; filename="CustomerExcel_[0-9]{13}\.xlsx"', response["Content-Disposition"]
    )
    book = workbook(response)
    assert book.sheetnames == ["Customer Export sheet"]
    rows = list(book.active.values)
    assert list(rows[0]) == HEADERS
    assert [row[0] for row in rows[1:]] == [grace.id, ada.id, alan.id]
    # API.md §3.12: formula-like text keeps its characters and carries Excel's quotePrefix.
    assert rows[2][:5] == (ada.id, "Ada Lovelace", ada.email, ada.email, ada.mobile_number)
    assert book.active["E3"].quotePrefix is True
    assert book.active["B3"].quotePrefix is False
    assert rows[3][1] == "Alan"
    assert rows[1][1] == "Grace"
    assert isinstance(rows[1][0], int)
    assert_same_moment(rows[2][5], local(ada.created_at))
    assert book.active["F2"].is_date


@pytest.mark.parametrize(
    "query",
    [
        lambda a, b: {"customerId": f"{b},{a},{b},{a}"},
        lambda a, b: {"customerId": f"[{b}, {a}]"},
        lambda a, b: {"customerId": [str(b), str(a), str(b)]},
    ],
    ids=["comma-separated", "bracketed", "repeated"],
)
def test_selection_keeps_the_given_order_and_lists_duplicates_once(api, three, query):
    ada, alan, _ = three

    book = workbook(api.get(SELECTION, query(ada.id, alan.id)))

    assert [row[0] for row in list(book.active.values)[1:]] == [alan.id, ada.id]


def test_selection_datetime_is_local_time_of_the_configured_zone(api, settings):
    settings.TIME_ZONE = "Asia/Kolkata"
    created = datetime.datetime(2026, 1, 31, 20, 15, 30, tzinfo=datetime.UTC)
    customer = CustomerFactory(created_at=created)

    book = workbook(api.get(SELECTION, {"customerId": customer.id}))

    expected = created.astimezone(ZoneInfo("Asia/Kolkata")).replace(tzinfo=None)
    assert expected.isoformat() == "2026-02-01T01:45:30"
    assert_same_moment(book.active["F2"].value, expected)


def test_selection_csv_has_the_same_columns(api, three):
    ada, alan, _ = three

    response = api.get(SELECTION, {"customerId": f"{ada.id},{alan.id}", "format": "csv"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="CustomerExcel_[0-9]{13}\.csv"', response["Content-Disposition"]
    )
    rows = csv_rows(response)
    assert rows[0] == HEADERS
    assert rows[1] == [
        str(ada.id),
        "Ada Lovelace",
        ada.email,
        ada.email,
        "'" + ada.mobile_number,
        local(ada.created_at).strftime("%Y-%m-%d %H:%M:%S"),
    ]
    assert rows[2][1] == "Alan"
    assert len(rows) == 3


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"customerId": ""},
        {"customerId": "abc"},
        {"customerId": "1,x"},
        {"customerId": "-1"},
        {"customerId": "1.5"},
        {"customerId": "0"},
        {"customerId": "99999999999999999999999"},
        {"customerId": ",".join(str(n) for n in range(1, 10_002))},
    ],
    ids=["missing", "empty", "letters", "one-bad", "negative", "decimal", "zero", "huge", "10001"],
)
def test_selection_with_malformed_ids_is_refused_without_a_file(api, three, query):
    response = api.get(SELECTION, query)

    assert_error(response, 400, "Invalid customerId")
    assert "Content-Disposition" not in response
    assert not ExportLog.objects.exists()


def test_selection_with_an_unknown_or_deleted_id_is_refused(api, three):
    ada, alan, grace = three
    Customer.objects.filter(pk=grace.pk).update(is_deleted=True, deleted_at=timezone.now())

    for ids in [f"{ada.id},{alan.id + 1000}", f"{ada.id},{grace.id}"]:
        assert_error(api.get(SELECTION, {"customerId": ids}), 400, "Invalid customerId")

    assert not ExportLog.objects.exists()


def test_selection_accepts_ten_thousand_distinct_ids(api, three):
    # 10,000 distinct ids are allowed (more are refused above); these are unknown, hence the 400
    # — the point is that the limit check passes and the lookup runs in batches.
    ids = ",".join(str(n) for n in range(1_000_000, 1_010_000))

    assert_error(api.get(SELECTION, {"customerId": ids}), 400, "Invalid customerId")


@pytest.mark.parametrize("fmt", ["xls", "CSV", "", "json"])
def test_unknown_format_is_a_validation_error(api, three, fmt):
    for path, query in [(SELECTION, {"customerId": three[0].id}), (ALL, {})]:
        response = api.get(path, {**query, "format": fmt})

        assert response.status_code == 422
        assert response.json()["errors"] == {"format": ["Must be xlsx or csv."]}
    assert not ExportLog.objects.exists()


# -- all ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [ALL, ALL + "/", "/api/admin-customer/allcustomer-excel-list"])
def test_all_exports_live_customers_newest_first(api, three, path):
    ada, alan, grace = three
    Customer.objects.filter(pk=alan.pk).update(is_deleted=True, deleted_at=timezone.now())

    response = api.get(path)

    assert response["Content-Type"] == XLSX
    assert re.fullmatch(
        r'attachment; filename="CustomerExcel_[0-9]{13}\.xlsx"', response["Content-Disposition"]
    )
    book = workbook(response)
    assert book.sheetnames == ["Bulk Customer Export"]
    rows = list(book.active.values)
    assert list(rows[0]) == HEADERS
    assert [row[0] for row in rows[1:]] == [grace.id, ada.id]
    assert_same_moment(rows[2][5], local(ada.created_at))


def test_all_applies_the_list_filters(api, three):
    ada, alan, grace = three
    Customer.objects.filter(pk=alan.pk).update(is_active=False)
    other = CustomerFactory(first_name="Zed", customer_group=CustomerGroupFactory(name="VIP"))

    def ids(**query):
        return [row[0] for row in list(workbook(api.get(ALL, query)).active.values)[1:]]

    assert ids(status="0") == [alan.id]
    assert ids(status="1") == [other.id, grace.id, ada.id]
    assert ids(name="ada love") == [ada.id]
    assert ids(email=ada.email.upper()) == [ada.id]
    assert ids(customerGroup=str(other.customer_group_id)) == [other.id]
    assert ids(keyword="vip") == [other.id]
    assert ids(date=timezone.localdate(ada.created_at).isoformat(), status="1") == [ada.id]
    assert ids(name="", email="", status="", keyword="") == [other.id, grace.id, alan.id, ada.id]


def test_all_with_no_match_is_list_is_empty(api, three):
    assert_error(api.get(ALL, {"name": "nobody-has-this-name"}), 400, "list is empty")
    assert_error(api.get(ALL, {"name": "nobody", "format": "csv"}), 400, "list is empty")
    assert not ExportLog.objects.exists()


def test_all_with_no_customers_at_all_is_list_is_empty(api):
    assert_error(api.get(ALL), 400, "list is empty")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"status": "2"}, "status"),
        ({"customerGroup": "abc"}, "customerGroup"),
        ({"date": "2024-13-01"}, "date"),
        ({"date": "yesterday"}, "date"),
        ({"name": "x" * 300}, "name"),
    ],
)
def test_all_with_bad_filters_is_a_validation_error(api, three, query, field):
    response = api.get(ALL, query)

    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert not ExportLog.objects.exists()


def test_all_csv_streams_the_same_rows(api, three):
    ada, alan, grace = three

    response = api.get(ALL, {"format": "csv"})

    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = csv_rows(response)
    assert rows[0] == HEADERS
    assert [row[0] for row in rows[1:]] == [str(grace.id), str(alan.id), str(ada.id)]


def test_all_splits_sheets_past_the_row_limit(api, monkeypatch):
    monkeypatch.setattr(exports.xlsx, "XLSX_MAX_ROWS", 4)  # header + 3 rows per sheet
    base = timezone.now()
    customers = [CustomerFactory(created_at=base - datetime.timedelta(minutes=i)) for i in range(7)]

    book = workbook(api.get(ALL))

    assert book.sheetnames == [
        "Bulk Customer Export",
        "Bulk Customer Export (2)",
        "Bulk Customer Export (3)",
    ]
    ids = []
    for sheet in book.worksheets:
        rows = list(sheet.values)
        assert list(rows[0]) == HEADERS
        assert len(rows) <= 4
        ids += [row[0] for row in rows[1:]]
    assert ids == [c.id for c in customers]


# -- formula injection --------------------------------------------------------------------------


@pytest.fixture
def hostile(db):
    return [
        CustomerFactory(
            first_name=text,
            last_name=None,
            email=f"{text.strip().lower()}{n}@x.example.com".replace('"', ""),
            username=text,
        )
        for n, text in enumerate(HOSTILE)
    ]


@pytest.mark.parametrize("path", [SELECTION, ALL])
def test_xlsx_never_contains_a_formula(api, hostile, path):
    query = {"customerId": ",".join(str(c.id) for c in hostile)} if path == SELECTION else {}

    data = body(api.get(path, query))

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert sheets
        for name in sheets:
            assert b"<f>" not in archive.read(name)
            assert b"<f " not in archive.read(name)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = list(sheet.values)[1:]
    names = sorted(row[1] for row in rows)
    assert names == sorted(text.strip() for text in HOSTILE) or names == sorted(HOSTILE)
    assert sorted(row[2] for row in rows) == sorted(HOSTILE)  # no apostrophe added
    for cells in sheet.iter_rows(min_row=2):
        assert isinstance(cells[0].value, int)
        assert cells[0].quotePrefix is False
        assert all(cell.quotePrefix is True for cell in (cells[1], cells[2]))


@pytest.mark.parametrize("path", [SELECTION, ALL])
def test_csv_prefixes_every_formula_cell(api, hostile, path):
    query = {"customerId": ",".join(str(c.id) for c in hostile)} if path == SELECTION else {}

    rows = csv_rows(api.get(path, {**query, "format": "csv"}))[1:]

    assert len(rows) == len(HOSTILE)
    for row in rows:
        assert row[0].isdigit()
        for cell in row[1:5]:
            assert cell[0] not in "=+-@\t\r", row
        assert row[1].startswith("'")
        assert row[4].startswith("'+")
    assert sorted(row[2] for row in rows) == sorted("'" + text for text in HOSTILE)


def test_sanitise_cell_prefixes_only_formula_text():
    assert [exports.sanitise_cell(t) for t in HOSTILE] == ["'" + t for t in HOSTILE]
    assert exports.sanitise_cell("Ada") == "Ada"
    assert exports.sanitise_cell("") == ""
    assert exports.sanitise_cell(-5) == -5
    assert exports.sanitise_cell(1.5) == 1.5
    assert exports.sanitise_cell(None) is None
    assert [exports.unsanitise_cell(exports.sanitise_cell(t)) for t in HOSTILE] == HOSTILE
    assert exports.unsanitise_cell("'quoted") == "'quoted"
    # A field starting with `'` is escaped too, so `'=x` comes back as `'=x`, not `=x`.
    assert exports.sanitise_cell("'=x") == "''=x"
    assert exports.sanitise_cell("'quoted") == "''quoted"
    for text in ["'=x", "'quoted", "''", "'"]:
        assert exports.unsanitise_cell(exports.sanitise_cell(text)) == text


def test_xml_special_and_control_characters_survive_as_text(api):
    customer = CustomerFactory(first_name="<b>&amp;</b>", last_name="O'Brien\x01 \r\n x")

    book = workbook(api.get(SELECTION, {"customerId": customer.id}))

    assert book.active["B2"].value == "<b>&amp;</b> O'Brien \r\n x"


# -- permissions and log ------------------------------------------------------------------------


@pytest.mark.parametrize("path", [SELECTION, ALL])
def test_exports_need_a_token(anon, three, path):
    response = anon.get(path, {"customerId": three[0].id})

    assert response.status_code == 401
    assert response.json()["status"] == 0
    assert not ExportLog.objects.exists()


@pytest.mark.parametrize("path", [SELECTION, ALL])
def test_exports_need_the_export_permission(staff_factory, three, path):
    _, viewer = staff_factory("viewer", "customers.view_customer")
    _, exporter = staff_factory("exporter", "customers.export_customer")
    query = {"customerId": three[0].id}

    refused = viewer.get(path, query)
    allowed = exporter.get(path, query)

    assert_error(refused, 403, "You do not have permission to perform this action.")
    assert allowed.status_code == 200
    body(allowed)
    assert ExportLog.objects.get().user.username == "exporter"


@pytest.mark.parametrize("method", ["post", "put", "delete", "head"])
def test_wrong_method_is_405(api, three, method):
    response = getattr(api, method)(SELECTION + f"?customerId={three[0].id}")

    assert response.status_code == 405
    assert not ExportLog.objects.exists()


def test_every_export_is_logged(api, superuser, three):
    ada, alan, _ = three

    body(api.get(SELECTION, {"customerId": f"{alan.id},{ada.id},{alan.id}"}))
    body(api.get(ALL, {"status": "1", "name": "", "format": "csv"}))

    selection, everything = ExportLog.objects.order_by("id")
    assert selection.user == superuser
    assert selection.kind == "selection"
    assert selection.ids == [alan.id, ada.id]
    assert selection.row_count == 2
    assert selection.format == "xlsx"
    assert selection.source == "api"
    assert everything.kind == "all"
    assert everything.filters == {"status": "1"}
    assert everything.row_count == 3
    assert everything.format == "csv"
    assert everything.source == "api"
    assert everything.duration_ms >= 0


# Outside a test transaction: closing a response early fires request_finished, which closes a
# connection that is inside a transaction (the server-side behaviour being tested).
@pytest.mark.django_db(transaction=True)
def test_an_abandoned_csv_download_is_still_logged(api, three):
    response = api.get(ALL, {"format": "csv"})

    next(iter(response.streaming_content))  # the header, then the client goes away
    response.close()

    log = ExportLog.objects.get()
    assert log.kind == "all"
    assert log.row_count < 3


def test_the_xlsx_package_is_well_formed(api, three, monkeypatch):
    monkeypatch.setattr(exports.xlsx, "XLSX_MAX_ROWS", 3)

    data = body(api.get(ALL))

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        parts = {name: ElementTree.fromstring(archive.read(name)) for name in names}
    overrides = {
        element.get("PartName")
        for element in parts["[Content_Types].xml"]
        if element.tag.endswith("Override")
    }
    assert overrides == {
        "/xl/workbook.xml",
        "/xl/styles.xml",
        "/xl/worksheets/sheet1.xml",
        "/xl/worksheets/sheet2.xml",
    }
    assert set(names) == {
        "[Content_Types].xml",
        "_rels/.rels",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "xl/styles.xml",
        "xl/worksheets/sheet1.xml",
        "xl/worksheets/sheet2.xml",
    }


def test_csv_header_leaves_before_any_row_is_read(api, three):
    response = api.get(ALL, {"format": "csv"})
    chunks = iter(response.streaming_content)

    with CaptureQueriesContext(connection) as queries:
        first = next(chunks)

    assert first == (",".join(HEADERS) + "\r\n").encode()
    assert len(queries) == 0
    assert b"".join(chunks).count(b"\r\n") == 3


def test_surrounding_whitespace_survives_in_xlsx(api):
    customer = CustomerFactory(username=" spaced\r", mobile_number="123456 ")

    book = workbook(api.get(SELECTION, {"customerId": customer.id}))

    assert book.active["C2"].value == " spaced\r"
    assert book.active["E2"].value == "123456 "


@pytest.mark.parametrize("accept", ["text/csv", "application/vnd.ms-excel", "image/png"])
def test_any_accept_header_gets_the_file_or_a_json_error(api, three, accept):
    ok = api.get(ALL, {"format": "csv"}, HTTP_ACCEPT=accept)
    refused = api.get(SELECTION, {"customerId": "x"}, HTTP_ACCEPT=accept)

    assert ok.status_code == 200
    assert len(csv_rows(ok)) == 4
    assert_error(refused, 400, "Invalid customerId")


@pytest.mark.parametrize("zone", ["America/New_York", "UTC"])
def test_all_export_datetimes_are_local_time_of_the_configured_zone(api, settings, zone):
    settings.TIME_ZONE = zone
    created = datetime.datetime(2026, 7, 1, 2, 30, 15, tzinfo=datetime.UTC)
    CustomerFactory(created_at=created)
    expected = created.astimezone(ZoneInfo(zone)).replace(tzinfo=None)

    book = workbook(api.get(ALL))
    rows = csv_rows(api.get(ALL, {"format": "csv"}))

    assert_same_moment(book.active["F2"].value, expected)
    assert rows[1][5] == expected.strftime("%Y-%m-%d %H:%M:%S")
