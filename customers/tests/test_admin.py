"""The customer and group admin: list, filters, search, actions and forms, through real requests.

Every refused action asserts the contract's message and that the database did not change.
"""

import io
import re
import zipfile

import pytest
from django.contrib.auth.hashers import check_password
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from conftest import make_staff
from customers.models import Customer, CustomerGroup, ExportLog
from customers.tests.factories import CustomerFactory, CustomerGroupFactory
from sales.tests.factories import OrderProductFactory, ProductFactory, VendorFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:customers_customer_changelist")
GROUPS = reverse("admin:customers_customergroup_changelist")


def snapshot() -> tuple[list, list]:
    return (
        list(Customer.objects.order_by("pk").values_list()),
        list(CustomerGroup.objects.order_by("pk").values_list()),
    )


def messages_of(response) -> list[tuple[str, str]]:
    return [(m.level_tag, m.message) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def admin(superuser) -> Client:
    client = Client()
    client.force_login(superuser)
    return client


@pytest.fixture
def retail(db) -> CustomerGroup:
    return CustomerGroupFactory(name="Retail", color_code="#1a7f37")


def listed_ids(response) -> list[int]:
    return [row.pk for row in response.context["cl"].result_list]


def act(client, action: str, ids, follow=True, **extra):
    return client.post(
        CHANGELIST + extra.pop("query", ""),
        {"action": action, "_selected_action": [str(pk) for pk in ids], **extra},
        follow=follow,
    )


# --- list ----------------------------------------------------------------------------------------


def test_list_hides_soft_deleted_customers_and_the_deleted_filter_shows_them(admin, retail):
    live = CustomerFactory(customer_group=retail)
    gone = CustomerFactory(customer_group=retail, is_deleted=True)

    default = admin.get(CHANGELIST)
    deleted = admin.get(CHANGELIST, {"deleted": "yes"})

    assert listed_ids(default) == [live.pk]
    assert listed_ids(deleted) == [gone.pk]


def test_list_shows_the_group_as_an_escaped_coloured_badge(admin):
    group = CustomerGroupFactory(name="<b>VIP</b>", color_code="#fc0")
    CustomerFactory(customer_group=group)

    html = admin.get(CHANGELIST).content.decode()
    sheet = admin.get("/admin/customers/customergroup/colours.css").content.decode()

    assert f'class="group-badge group-colour-{group.pk}"' in html
    assert "/admin/customers/customergroup/colours.css" in html
    assert f".group-colour-{group.pk} {{ background-color: #fc0; color: #000; }}" in sheet
    assert "style=" not in html.split('id="result_list"')[1].split("</table>")[0]
    assert "&lt;b&gt;VIP&lt;/b&gt;" in html
    assert "<b>VIP</b>" not in html


def test_the_colours_stylesheet_writes_only_valid_colours(admin):
    """A stored value the colour rule refuses (written behind the services' back) is grey."""
    bad = CustomerGroupFactory(color_code="};a{b:c")  # 7 characters, as the column allows

    sheet = admin.get("/admin/customers/customergroup/colours.css")

    assert sheet["Content-Type"].startswith("text/css")
    assert (
        f".group-colour-{bad.pk} {{ background-color: #777777; color: #fff; }}"
        in sheet.content.decode()
    )
    assert "a{b:c" not in sheet.content.decode()


def test_list_pages_by_50_without_a_full_count_query(admin, retail, django_assert_max_num_queries):
    CustomerFactory.create_batch(55, customer_group=retail)

    with django_assert_max_num_queries(12):
        response = admin.get(CHANGELIST)

    assert len(listed_ids(response)) == 50
    assert response.context["cl"].result_count == 55
    assert response.context["cl"].full_result_count is None


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("lovelace", ["ada"]),
        ("ADA.L@", ["ada"]),
        ("+4479001", ["ada"]),
        ("79001", []),  # mobile numbers match from the start only
        ("C-42", ["grace"]),
        ("C-4", []),  # customer numbers match exactly
    ],
)
def test_search_by_name_email_mobile_prefix_and_exact_customer_number(
    admin, retail, term, expected
):
    people = {
        "ada": CustomerFactory(
            customer_group=retail,
            first_name="Ada",
            last_name="Lovelace",
            email="ada.l@example.com",
            mobile_number="+447900111222",
        ),
        "grace": CustomerFactory(
            customer_group=retail, first_name="Grace", last_name="Hopper", customer_no="C-42"
        ),
    }

    response = admin.get(CHANGELIST, {"q": term})

    assert listed_ids(response) == [people[name].pk for name in expected]


def test_filter_by_group_active_and_created_range(admin, retail):
    other = CustomerGroupFactory(name="Wholesale")
    mine = CustomerFactory(customer_group=retail)
    CustomerFactory(customer_group=other)
    inactive = CustomerFactory(customer_group=retail, is_active=False)

    by_group = admin.get(CHANGELIST, {"customer_group__id__exact": retail.pk})
    by_status = admin.get(CHANGELIST, {"is_active__exact": "0"})
    today = admin.get(CHANGELIST, {"created": "today"})

    assert sorted(listed_ids(by_group)) == sorted([mine.pk, inactive.pk])
    assert listed_ids(by_status) == [inactive.pk]
    assert len(listed_ids(today)) == 3


# --- actions -------------------------------------------------------------------------------------


def test_deactivate_and_activate_actions_use_the_bulk_status_service(admin, retail, superuser):
    customers = CustomerFactory.create_batch(2, customer_group=retail)
    ids = [c.pk for c in customers]

    response = act(admin, "deactivate", ids)

    assert ("success", "2 customer(s) deactivated.") in messages_of(response)
    assert list(Customer.objects.filter(pk__in=ids).values_list("is_active", flat=True)) == [
        False,
        False,
    ]
    assert set(Customer.objects.filter(pk__in=ids).values_list("modified_by", flat=True)) == {
        superuser.pk
    }

    act(admin, "activate", ids)

    assert Customer.objects.filter(pk__in=ids, is_active=True).count() == 2


def test_soft_delete_action_refuses_a_vendor_with_products_and_changes_nothing(admin, retail):
    plain = CustomerFactory(customer_group=retail)
    vendor_owner = CustomerFactory(customer_group=retail)
    ProductFactory(vendor=VendorFactory(customer=vendor_owner))
    before = snapshot()

    response = act(admin, "soft_delete", [plain.pk, vendor_owner.pk])

    assert (
        "error",
        "Choosen customer have vendor account, you have to first delete the products mapped to "
        "this Vendor.",
    ) in messages_of(response)
    assert snapshot() == before


def test_soft_delete_action_then_restore_action(admin, retail):
    customer = CustomerFactory(customer_group=retail)

    deleted = act(admin, "soft_delete", [customer.pk])
    customer.refresh_from_db()
    assert ("success", "1 customer(s) deleted.") in messages_of(deleted)
    assert customer.is_deleted
    assert customer.deleted_at is not None

    restored = act(admin, "restore", [customer.pk], query="?deleted=yes")
    customer.refresh_from_db()
    assert ("success", "1 customer(s) restored.") in messages_of(restored)
    assert not customer.is_deleted
    assert customer.deleted_at is None
    event = AuditEvent.objects.get(action="customer.restore")
    assert (event.object_ids, event.source) == ([customer.pk], "admin")


def test_restore_is_refused_when_a_live_customer_took_the_email(admin, retail):
    gone = CustomerFactory(customer_group=retail, email="same@example.com", is_deleted=True)
    CustomerFactory(customer_group=retail, email="same@example.com")
    before = snapshot()

    response = act(admin, "restore", [gone.pk], query="?deleted=yes")

    assert ("error", "A Customer is already registered with this email Id.") in messages_of(
        response
    )
    assert snapshot() == before


def test_the_default_hard_delete_action_is_not_offered(admin):
    response = admin.get(CHANGELIST)

    actions = [name for name, _ in response.context["action_form"].fields["action"].choices]
    assert "delete_selected" not in actions
    assert {"activate", "deactivate", "move_to_group", "soft_delete", "restore"} <= set(actions)


def test_move_to_group_asks_for_the_group_then_moves(admin, retail):
    target = CustomerGroupFactory(name="Target")
    customers = CustomerFactory.create_batch(3, customer_group=retail)
    ids = [c.pk for c in customers]

    page = act(admin, "move_to_group", ids, follow=False)
    assert page.status_code == 200
    assert "Move customers to a group" in page.content.decode()
    assert Customer.objects.filter(customer_group=target).count() == 0

    done = act(admin, "move_to_group", ids, apply="1", group=str(target.pk))

    assert ("success", "3 customer(s) moved to Target.") in messages_of(done)
    assert Customer.objects.filter(customer_group=target).count() == 3
    event = AuditEvent.objects.get(action="customer.move_group")
    assert (sorted(event.object_ids), event.extra) == (
        sorted(ids),
        {"customer_group_id": target.pk},
    )


def test_move_to_an_unknown_group_changes_nothing(admin, retail):
    customer = CustomerFactory(customer_group=retail)
    before = snapshot()

    response = act(admin, "move_to_group", [customer.pk], apply="1", group="999999", follow=False)

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_export_selected_writes_the_api_file_escaped_and_logs_it(admin, retail, file_format):
    evil = CustomerFactory(customer_group=retail, first_name="=HYPERLINK(1)", last_name=None)

    response = act(admin, f"export_selected_{file_format}", [evil.pk], follow=False)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="CustomerExcel_')
    if file_format == "csv":
        body = response.content.decode()
        assert "'=HYPERLINK(1)" in body
    else:
        with zipfile.ZipFile(io.BytesIO(response.content)) as workbook:
            sheet = workbook.read("xl/worksheets/sheet1.xml").decode()
        assert "<f>" not in sheet
        assert "'=HYPERLINK(1)" not in sheet  # xlsx: quotePrefix style, no apostrophe
        assert re.search(r'<c r="B2" s="4" t="inlineStr"><is><t>=HYPERLINK\(1\)</t>', sheet)
    log = ExportLog.objects.get()
    assert (log.source, log.kind, log.ids, log.row_count, log.format) == (
        "admin",
        "selection",
        [evil.pk],
        1,
        file_format,
    )


def test_export_actions_need_the_export_permission(retail):
    user = make_staff("viewer", "customers.view_customer", "customers.change_customer")
    client = Client()
    client.force_login(user)

    response = client.get(CHANGELIST)

    actions = [name for name, _ in response.context["action_form"].fields["action"].choices]
    assert "export_selected_xlsx" not in actions
    assert client.get(reverse("admin:customers_customer_export")).status_code == 403


def test_import_export_export_applies_the_current_filters_and_escapes_formulas(admin, retail):
    CustomerFactory(customer_group=retail, first_name="@SUM(A1)", is_active=False)
    CustomerFactory(customer_group=retail, first_name="Active")
    url = reverse("admin:customers_customer_export") + "?is_active__exact=0"

    response = admin.post(
        url,
        {"format": "0", "resource": "0", "customerresource_id": "on"}
        | {
            f"customerresource_{name}": "on"
            for name in ("first_name", "email", "customer_group", "is_active")
        },
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "'@SUM(A1)" in body
    assert "Active" not in body.replace("is_active", "")
    assert ExportLog.objects.get().source == "admin"


# --- change form ---------------------------------------------------------------------------------


def test_change_page_never_shows_the_password_and_lists_latest_activity(admin, retail):
    customer = CustomerFactory(customer_group=retail)
    OrderProductFactory.create_batch(12, order__customer=customer)

    html = admin.get(reverse("admin:customers_customer_change", args=[customer.pk])).content
    html = html.decode()

    assert customer.password not in html
    assert 'name="password"' not in html
    assert "Set password" in html
    assert "Latest ordered products" in html
    panel = html.split("Latest ordered products", 1)[1].split("</table>", 1)[0]
    assert panel.count("<tr>") == 11  # the header and the 10 newest


def test_add_customer_goes_through_the_service_rules(admin, retail, superuser):
    form = {
        "first_name": " Ada ",
        "last_name": "Lovelace",
        "email": " Ada@Example.COM ",
        "mobile_number": "+44 (7900) 111-222",
        "customer_group": str(retail.pk),
        "is_active": "on",
        "password1": "Secret-pass1",
        "password2": "Secret-pass1",
    }

    response = admin.post(reverse("admin:customers_customer_add"), form)

    assert response.status_code == 302
    customer = Customer.objects.get()
    assert (customer.email, customer.username, customer.first_name) == (
        "ada@example.com",
        "ada@example.com",
        "Ada",
    )
    assert customer.mobile_number == "+447900111222"
    assert check_password("Secret-pass1", customer.password)
    assert customer.created_by == superuser


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"email": "TAKEN@example.com"},
            "email",
            "A Customer is already registered with this email Id.",
        ),
        ({"password2": "Other-pass1"}, "password2", "Password does not match."),
        ({"password1": "short", "password2": "short"}, "password1", "Password must contain"),
        (
            {"password1": "alllowercase1", "password2": "alllowercase1"},
            "password1",
            "Password must contain",
        ),
        ({"mobile_number": "12"}, "mobile_number", "Enter 6 to 15 digits"),
    ],
)
def test_add_customer_refusals_show_the_contract_message(admin, retail, change, field, message):
    CustomerFactory(customer_group=retail, email="taken@example.com")
    before = snapshot()
    form = {
        "first_name": "Ada",
        "email": "new@example.com",
        "mobile_number": "+447900111222",
        "customer_group": str(retail.pk),
        "password1": "Secret-pass1",
        "password2": "Secret-pass1",
    } | change

    response = admin.post(reverse("admin:customers_customer_add"), form)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert any(message in error for error in errors[field])
    assert snapshot() == before


def test_change_customer_with_a_taken_email_is_refused(admin, retail):
    CustomerFactory(customer_group=retail, email="taken@example.com")
    customer = CustomerFactory(customer_group=retail)
    before = snapshot()
    form = {
        "first_name": customer.first_name,
        "email": "taken@example.com",
        "mobile_number": customer.mobile_number,
        "customer_group": str(retail.pk),
        "is_active": "on",
    }

    response = admin.post(reverse("admin:customers_customer_change", args=[customer.pk]), form)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["email"] == ["MailId is already registered"]
    assert snapshot() == before


def test_change_customer_saves_through_the_service(admin, retail, superuser):
    customer = CustomerFactory(customer_group=retail)
    other = CustomerGroupFactory(name="Other")
    form = {
        "first_name": "Renamed",
        "email": "NEW@example.com",
        "mobile_number": customer.mobile_number,
        "customer_group": str(other.pk),
        "customer_no": "C-1",
    }

    response = admin.post(reverse("admin:customers_customer_change", args=[customer.pk]), form)

    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.first_name, customer.email, customer.username) == (
        "Renamed",
        "new@example.com",
        "new@example.com",
    )
    assert (customer.customer_group, customer.is_active, customer.customer_no) == (
        other,
        False,
        "C-1",
    )
    assert customer.modified_by == superuser


def test_set_password_page_applies_the_password_rule(admin, retail):
    customer = CustomerFactory(customer_group=retail)
    url = reverse("admin:customers_customer_password", args=[customer.pk])
    before = snapshot()

    weak = admin.post(url, {"password1": "weakpass", "password2": "weakpass"})
    assert weak.status_code == 200
    assert snapshot() == before

    strong = admin.post(url, {"password1": "Strong-pass1", "password2": "Strong-pass1"})
    assert strong.status_code == 302
    customer.refresh_from_db()
    assert check_password("Strong-pass1", customer.password)


def test_deleted_customer_page_is_read_only(admin, retail):
    customer = CustomerFactory(customer_group=retail, is_deleted=True)
    before = snapshot()

    page = admin.get(reverse("admin:customers_customer_change", args=[customer.pk]))
    post = admin.post(
        reverse("admin:customers_customer_change", args=[customer.pk]), {"first_name": "X"}
    )

    assert page.status_code == 200
    assert 'name="first_name"' not in page.content.decode()
    assert post.status_code == 403
    assert snapshot() == before


def test_delete_page_soft_deletes_through_the_service(admin, retail):
    customer = CustomerFactory(customer_group=retail)
    OrderProductFactory(order__customer=customer)
    url = reverse("admin:customers_customer_delete", args=[customer.pk])

    confirm = admin.get(url)
    response = admin.post(url, {"post": "yes"})

    assert confirm.status_code == 200
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.is_deleted
    assert customer.orders.count() == 1


def test_delete_page_refuses_a_vendor_with_products(admin, retail):
    customer = CustomerFactory(customer_group=retail)
    ProductFactory(vendor=VendorFactory(customer=customer))
    before = snapshot()

    response = admin.post(
        reverse("admin:customers_customer_delete", args=[customer.pk]), {"post": "yes"}, follow=True
    )

    assert (
        "error",
        "This customer have vendor account, you have to first delete the products mapped to "
        "this Vendor.",
    ) in messages_of(response)
    assert snapshot() == before


# --- groups --------------------------------------------------------------------------------------


def test_group_list_counts_live_members_without_n_plus_one(admin, django_assert_max_num_queries):
    groups = CustomerGroupFactory.create_batch(5)
    for group in groups:
        CustomerFactory.create_batch(2, customer_group=group)
        CustomerFactory(customer_group=group, is_deleted=True)

    with django_assert_max_num_queries(10):
        response = admin.get(GROUPS)

    counts = {group.pk: group.customer_count for group in response.context["cl"].result_list}
    assert all(counts[group.pk] == 2 for group in groups)
    assert f'class="colour-swatch group-colour-{groups[0].pk}"' in response.content.decode()


def test_default_group_cannot_be_deleted(admin):
    default = CustomerGroup.objects.get(is_default=True)
    before = snapshot()

    page = admin.get(
        reverse("admin:customers_customergroup_delete", args=[default.pk]), follow=True
    )
    post = admin.post(
        reverse("admin:customers_customergroup_delete", args=[default.pk]),
        {"post": "yes"},
        follow=True,
    )
    action = admin.post(
        GROUPS,
        {"action": "delete_groups", "_selected_action": [str(default.pk)]},
        follow=True,
    )

    for response in (page, post, action):
        assert ("error", "You cannot delete this customer group.") in messages_of(response)
    assert snapshot() == before


def test_group_with_members_cannot_be_deleted(admin, retail):
    CustomerFactory(customer_group=retail)
    before = snapshot()

    post = admin.post(
        reverse("admin:customers_customergroup_delete", args=[retail.pk]),
        {"post": "yes"},
        follow=True,
    )

    assert (
        "error",
        "You cannot delete this Customer group as Users are mapped to it.",
    ) in messages_of(post)
    assert snapshot() == before


def test_empty_group_is_deleted_and_its_deleted_customers_lose_it(admin, retail):
    gone = CustomerFactory(customer_group=retail, is_deleted=True)

    response = admin.post(
        reverse("admin:customers_customergroup_delete", args=[retail.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not CustomerGroup.objects.filter(pk=retail.pk).exists()
    gone.refresh_from_db()
    assert gone.customer_group is None


@pytest.mark.parametrize("name", ["retail", " RETAIL "])
def test_duplicate_group_names_are_refused_case_insensitively(admin, retail, name):
    before = snapshot()

    response = admin.post(
        reverse("admin:customers_customergroup_add"),
        {"name": name, "color_code": "#123456", "is_active": "on"},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["name"] == [
        "This Customer Group already exists."
    ]
    assert snapshot() == before


def test_group_add_and_rename_go_through_the_services(admin):
    created = admin.post(
        reverse("admin:customers_customergroup_add"),
        {"name": " Gold ", "color_code": "#abc", "description": "Top", "is_active": "on"},
    )
    group = CustomerGroup.objects.get(name="Gold")
    renamed = admin.post(
        reverse("admin:customers_customergroup_change", args=[group.pk]),
        {"name": "Platinum", "color_code": "#abcdef"},
    )

    assert created.status_code == renamed.status_code == 302
    group.refresh_from_db()
    assert (group.name, group.color_code, group.is_active) == ("Platinum", "#abcdef", False)


def test_bad_group_colour_is_refused(admin):
    before = snapshot()

    response = admin.post(
        reverse("admin:customers_customergroup_add"),
        {"name": "Gold", "color_code": "red;background:url(x)"},
    )

    assert response.status_code == 200
    assert "color_code" in response.context["adminform"].form.errors
    assert snapshot() == before


@pytest.mark.parametrize(
    ("password", "accepted"),
    [
        ("Strong-pass1", True),
        ("Strongpass#", True),
        ("weakpass1", False),
        ("Line\nbreak1", False),
        ("Short1a", False),
        ("A" * 64 + "a1" + "b" * 62, True),
        ("A" * 64 + "a1" + "b" * 63, False),
    ],
)
def test_admin_and_api_apply_the_same_password_rule(admin, api, retail, password, accepted):
    # One rule (customers/rules.py) for the API and the admin: the same verdict for each value.
    customer = CustomerFactory(customer_group=retail, mobile_number="07700900123")
    url = reverse("admin:customers_customer_password", args=[customer.pk])

    page = admin.post(url, {"password1": password, "password2": password})
    api_response = api.put(
        f"/api/customer/{customer.pk}",
        {
            "customerGroupId": retail.pk,
            "username": "Ada",
            "mobileNumber": "07700900123",
            "password": password,
            "confirmPassword": password,
            "mailStatus": 0,
            "status": 1,
        },
        format="json",
    )

    assert (page.status_code == 302) is accepted
    assert (api_response.status_code == 200) is accepted
    if not accepted:
        assert api_response.status_code == 422
