"""Admin imports (django-import-export): a dry-run preview first, nothing written until confirmed,
and the API's rules (through the same services) for every row."""

import io

import openpyxl
import pytest
from django.contrib.auth.hashers import check_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from customers.models import Customer, CustomerGroup
from customers.tests.factories import CustomerFactory, CustomerGroupFactory

pytestmark = pytest.mark.django_db

CUSTOMER_IMPORT = reverse("admin:customers_customer_import")
CUSTOMER_PROCESS = reverse("admin:customers_customer_process_import")
GROUP_IMPORT = reverse("admin:customers_customergroup_import")
GROUP_PROCESS = reverse("admin:customers_customergroup_process_import")
CSV_FORMAT, XLSX_FORMAT = "0", "1"  # the admin's import_formats, in order


def snapshot():
    return (
        list(Customer.objects.order_by("pk").values_list()),
        list(CustomerGroup.objects.order_by("pk").values_list()),
    )


@pytest.fixture
def admin(superuser) -> Client:
    client = Client()
    client.force_login(superuser)
    return client


def upload(client, url, content: bytes, name="customers.csv", file_format=CSV_FORMAT):
    return client.post(
        url,
        {"format": file_format, "import_file": SimpleUploadedFile(name, content)},
    )


def confirm(client, url, preview):
    form = preview.context["confirm_form"]
    return client.post(url, {name: form[name].value() for name in form.fields}, follow=True)


def test_customer_csv_preview_writes_nothing_then_confirm_imports_through_the_services(
    admin, superuser
):
    retail = CustomerGroupFactory(name="Retail")
    existing = CustomerFactory(
        customer_group=retail,
        email="kept@example.com",
        first_name="Kept",
        last_name="Same",
        mobile_number="+447900000001",
        is_active=True,
        newsletter=False,
    )
    changed = CustomerFactory(customer_group=retail, email="changed@example.com")
    csv = (
        "first_name,last_name,email,mobile_number,customer_group,is_active,newsletter\n"
        "Ada,Lovelace, NEW@Example.com ,+44 7900 111222,retail,1,1\n"
        f"Kept,Same,kept@example.com,+447900000001,Retail,1,0\n"
        f"Renamed,,changed@example.com,{changed.mobile_number},Retail,0,0\n"
    ).encode()
    before = snapshot()

    preview = upload(admin, CUSTOMER_IMPORT, csv)

    assert preview.status_code == 200
    totals = preview.context["result"].totals
    assert (totals["new"], totals["update"], totals["skip"]) == (1, 1, 1)
    html = preview.content.decode()
    assert "Nothing is saved until you confirm the import below." in html
    assert snapshot() == before

    done = confirm(admin, CUSTOMER_PROCESS, preview)

    assert done.status_code == 200
    new = Customer.objects.get(email="new@example.com")
    assert (new.username, new.first_name, new.mobile_number, new.customer_group) == (
        "new@example.com",
        "Ada",
        "+447900111222",
        retail,
    )
    assert new.newsletter
    assert new.is_active
    # The password column is never read: the new customer has no usable password.
    assert new.password.startswith("!")
    assert not check_password("Secret-pass1", new.password)
    assert new.created_by == superuser
    changed.refresh_from_db()
    assert (changed.first_name, changed.is_active, changed.modified_by) == (
        "Renamed",
        False,
        superuser,
    )
    existing.refresh_from_db()
    assert existing.first_name == "Kept"


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ("Ada,a@example.com,+447900111222,Nope", "Group", "No customer group named 'Nope'."),
        ("Ada,a@example.com,+447900111222,999", "Group", "Invalid customer group Id."),
        ("Ada,a@example.com,12,Retail", "Mobile Number", "Enter 6 to 15 digits"),
        (",a@example.com,+447900111222,Retail", "Customer Name", "required for a new customer."),
        ("Ada,,+447900111222,Retail", "Email Id", "This field is required."),
    ],
)
def test_customer_import_row_errors_are_shown_and_nothing_is_written(admin, row, field, message):
    CustomerGroupFactory(name="Retail")
    csv = f"first_name,email,mobile_number,customer_group\n{row}\n".encode()
    before = snapshot()

    preview = upload(admin, CUSTOMER_IMPORT, csv)

    result = preview.context["result"]
    assert result.has_validation_errors()
    errors = result.invalid_rows[0].field_specific_errors
    assert any(message in error for error in errors[field])
    assert escape(message) in preview.content.decode()
    assert "confirm_form" not in preview.context
    assert snapshot() == before


def test_customer_import_matches_emails_among_live_customers_only(admin):
    retail = CustomerGroupFactory(name="Retail")
    gone = CustomerFactory(customer_group=retail, email="back@example.com", is_deleted=True)
    csv = (
        b"first_name,email,mobile_number,customer_group\n"
        b"Back,BACK@example.com,+447900111222,Retail\n"
    )

    preview = upload(admin, CUSTOMER_IMPORT, csv)
    confirm(admin, CUSTOMER_PROCESS, preview)

    assert preview.context["result"].totals["new"] == 1
    assert Customer.objects.filter(email="back@example.com").count() == 2
    gone.refresh_from_db()
    assert gone.is_deleted


def test_customer_xlsx_import(admin):
    CustomerGroupFactory(name="Retail")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["first_name", "email", "mobile_number", "customer_group"])
    sheet.append(["Grace", "grace@example.com", "+447900111333", "Retail"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    preview = upload(
        admin, CUSTOMER_IMPORT, buffer.getvalue(), name="c.xlsx", file_format=XLSX_FORMAT
    )
    confirm(admin, CUSTOMER_PROCESS, preview)

    assert preview.context["result"].totals["new"] == 1
    assert Customer.objects.get(email="grace@example.com").first_name == "Grace"


def test_import_offers_only_csv_and_xlsx(admin):
    form = admin.get(CUSTOMER_IMPORT).context["form"]

    assert [label for value, label in form.fields["format"].choices if value != ""] == [
        "csv",
        "xlsx",
    ]


def test_import_needs_add_and_change_permissions(db):
    from conftest import make_staff

    user = make_staff("viewer", "customers.view_customer", "customers.add_customer")
    client = Client()
    client.force_login(user)

    assert client.get(CUSTOMER_IMPORT).status_code == 403


def test_group_import_refuses_duplicates_case_insensitively_by_updating_the_same_group(admin):
    vip = CustomerGroupFactory(name="VIP", color_code="#000000")
    csv = (
        b"name,description,color_code,is_active\nvip,Best customers,#ff0000,1\nWholesale,,#00f,1\n"
    )

    preview = upload(admin, GROUP_IMPORT, csv, name="groups.csv")
    confirm(admin, GROUP_PROCESS, preview)

    totals = preview.context["result"].totals
    assert (totals["new"], totals["update"]) == (1, 1)
    vip.refresh_from_db()
    assert (vip.name, vip.color_code, vip.description) == ("vip", "#ff0000", "Best customers")
    assert CustomerGroup.objects.filter(name="Wholesale", color_code="#00f").exists()


def test_group_import_rejects_a_bad_colour(admin):
    before = snapshot()

    preview = upload(admin, GROUP_IMPORT, b"name,color_code\nGold,javascript:1\n", "g.csv")

    assert preview.context["result"].has_validation_errors()
    assert snapshot() == before


def test_customer_export_round_trips_through_import_unchanged(admin):
    retail = CustomerGroupFactory(name="Retail")
    CustomerFactory(customer_group=retail, first_name="-minus", email="minus@example.com")
    exported = admin.post(
        reverse("admin:customers_customer_export"),
        {"format": CSV_FORMAT, "resource": "0"}
        | {
            f"customerresource_{name}": "on"
            for name in ("first_name", "email", "mobile_number", "customer_group", "is_active")
        },
    )
    assert "'-minus" in exported.content.decode()

    preview = upload(admin, CUSTOMER_IMPORT, exported.content)

    assert preview.context["result"].totals["skip"] == 1


def test_a_file_over_the_row_cap_is_refused_whole(admin, monkeypatch):
    from customers.imports import resources

    CustomerGroupFactory(name="Retail")
    monkeypatch.setattr(resources, "MAX_IMPORT_ROWS", 2)
    rows = "".join(f"C{i},c{i}@example.com,+44790011122{i},Retail\n" for i in range(3))
    header = "first_name,email,mobile_number,customer_group\n"
    before = snapshot()

    preview = upload(admin, CUSTOMER_IMPORT, (header + rows).encode())

    assert preview.status_code == 200
    assert preview.context["result"].has_errors()
    assert "at most 2 rows" in preview.content.decode()
    assert "Traceback" not in preview.content.decode()
    assert "confirm_form" not in preview.context
    assert snapshot() == before


@pytest.mark.parametrize(
    ("content", "name", "file_format"),
    [
        (b"PK\x03\x04 this is not a workbook", "broken.xlsx", XLSX_FORMAT),
        (b"\xff\xfe\x00\x00garbage\x00", "broken.csv", CSV_FORMAT),
        (b"", "empty.csv", CSV_FORMAT),
    ],
)
def test_unreadable_files_are_a_form_error_not_a_500(admin, content, name, file_format):
    before = snapshot()

    response = upload(admin, CUSTOMER_IMPORT, content, name=name, file_format=file_format)

    assert response.status_code == 200
    assert response.context["form"].errors or response.context.get("result") is not None
    assert snapshot() == before


def test_an_oversized_upload_is_refused_before_reading_it(admin, monkeypatch):
    from customers.admin import forms as admin_forms

    monkeypatch.setattr(admin_forms, "MAX_IMPORT_BYTES", 100)
    before = snapshot()

    response = upload(admin, CUSTOMER_IMPORT, b"first_name,email\n" + b"x,y@example.com\n" * 20)

    assert response.status_code == 200
    assert "The file is larger than" in str(response.context["form"].errors["import_file"])
    assert snapshot() == before
