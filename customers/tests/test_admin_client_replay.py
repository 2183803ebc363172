"""Replays of the original admin frontend's calls, page by page (API.md §9).

The client is Spurtcommerce's marketplace admin (Angular 17, v5.1,
spurtcommerce/marketplace-admin-angular). Each query string and body below is what its
services, models and components send, key for key (its `*Form` models turn every param into
`key=` when empty and keep their own key order); each test then checks the fields the page
reads back. Paths are the client's (`/admin-customer...`, `/customer-group...`).

Source of each call (src/core/admin/Customers/... and src/theme/default/admin/customers/...):
customer list: list.component.ts + CustomerListForm; add/edit: add.component.ts + CustomerForm;
view: view.component.ts; address modal: address.component.ts (+ the seller sandbox's
CountryListForm and stateList); groups: groups/list, groups/add, groups/filter +
CustomersGroupList / CustomersGroupAdd / CustomersGroupUpdate / CustomersGroupDelete.
"""

import base64
import io
import json
from datetime import timedelta

import openpyxl
import pytest
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from analytics.tests.factories import ProductViewLogFactory
from audit.models import AuditEvent
from conftest import make_staff
from customers.models import Address, Customer, CustomerGroup, Zone
from customers.tests.factories import CustomerFactory, CustomerGroupFactory
from ecommerce_admin.api.permission_map import CLIENT_PERMISSIONS
from sales.tests.factories import OrderFactory, OrderProductFactory, ProductFactory

PASSWORD = "Staff-pass-123"
# Every permission the customer and group pages need, as a shop would grant a customer clerk.
CLERK_PERMISSIONS = (
    *sorted(set(CLIENT_PERMISSIONS.values())),
    "analytics.view_productviewlog",
    "sales.view_orderproduct",
)


def list_query(
    *, limit=10, offset=0, count=0, keyword="", name="", email="", status="", group="", date=""
):
    """CustomerListForm's query string (its own key order, every key present)."""
    return (
        f"customerGroup={group}&date={date}&keyword={keyword}&email={email}&name={name}"
        f"&limit={limit}&offset={offset}&count={count}&status={status}"
    )


def group_list_query(*, limit=10, offset=0, keyword="", count=0, status="", group_name=""):
    """CustomersGroupList's query string."""
    return (
        f"limit={limit}&offset={offset}&keyword={keyword}&count={count}&status={status}"
        f"&groupName={group_name}"
    )


def customer_form(group_id, **overrides) -> dict:
    """CustomerForm as the add page posts it (placeholders included)."""
    body = {
        "customerGroupId": group_id,
        "username": "Grace",
        "email": "grace@example.com",
        "mobileNumber": "9876543210",
        "password": "Secret-pass-1",
        "confirmPassword": "Secret-pass-1",
        "avatar": "",
        "newsletter": "",
        "mailStatus": 0,
        "status": "1",
        "siteId": 2,
    }
    body.update(overrides)
    return body


@pytest.fixture
def clerk(db):
    return make_staff("clerk", *CLERK_PERMISSIONS, email="Clerk@Shop.example")


@pytest.fixture
def browser(clerk) -> APIClient:
    """The client after its login form: logged in by e-mail, with the token it stores."""
    client = APIClient()
    response = client.post(
        "/api/auth/login", {"username": " clerk@shop.example ", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.json()
    data = response.json()["data"]
    assert data["permission"] == dict.fromkeys(CLIENT_PERMISSIONS, True)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {data['token']}")
    return client


def ok(response, message: str | None = None):
    assert response.status_code == 200, response.content[:500]
    body = response.json()
    assert body["status"] == 1
    if message is not None:
        assert body["message"] == message
    return body.get("data")


# --- Login and the settings the client keeps ------------------------------------------------
def test_login_page_then_settings(browser, settings):
    settings.SHOP_NAME = "Tea Shop"
    # After login the client asks for the default website's settings and keeps three of them.
    site = ok(browser.get("/api/settings?defaultWebsite=1"), "Successfully got settings")
    assert site == [
        {
            "id": 2,
            "storeName": "Tea Shop",
            "itemsPerPage": 10,
            "dateFormat": "DD/MM/YYYY",
            "timeFormat": "24 hrs",
            "timeZone": settings.TIME_ZONE,
        }
    ]


# --- Customer list: search, filters, pager ----------------------------------------------------
@pytest.fixture
def shop(db):
    retail = CustomerGroupFactory(name="Retail")
    trade = CustomerGroupFactory(name="Trade")
    now = timezone.now()
    people = []
    for index in range(12):
        people.append(
            CustomerFactory(
                customer_group=retail if index % 2 else trade,
                first_name=f"Person{index:02d}",
                last_name="Smith" if index < 3 else "Jones",
                email=f"person{index:02d}@example.com",
                is_active=index != 4,
                created_at=now - timedelta(minutes=index),
            )
        )
    return {"retail": retail, "trade": trade, "people": people}


def test_customer_list_page_first_load(browser, shop):
    groups = ok(
        browser.get("/api/customer-group?limit=0&offset=0&keyword=&count=0"),
        "Successfully got all customer group List",
    )
    # The group filter's dropdown binds `name` and `id`.
    assert {(row["name"], row["id"]) for row in groups} >= {
        ("Retail", shop["retail"].pk),
        ("Trade", shop["trade"].pk),
    }
    assert all(row["id"] == row["groupId"] for row in groups)

    rows = ok(browser.get(f"/api/admin-customer?{list_query()}"), "Successfully got Customer list.")
    count = ok(browser.get(f"/api/admin-customer?{list_query(count=1)}"), "Successfully got count ")

    assert count == 12
    assert [row["firstName"] for row in rows] == [f"Person{i:02d}" for i in range(10)]
    for row in rows:  # what the list's cells read
        assert isinstance(row["id"], int)
        assert row["isActive"] in (0, 1)
        assert isinstance(row["lastName"], str)


def test_customer_list_page_pager_search_and_filters(browser, shop):
    page2 = ok(browser.get(f"/api/admin-customer?{list_query(offset=10)}"))
    assert [row["firstName"] for row in page2] == ["Person10", "Person11"]

    searched = ok(browser.get(f"/api/admin-customer?{list_query(keyword='person01')}"))
    assert [row["email"] for row in searched] == ["person01@example.com"]
    assert ok(browser.get(f"/api/admin-customer?{list_query(keyword='person01', count=1)}")) == 1

    by_name = ok(browser.get(f"/api/admin-customer?{list_query(name='smith')}"))
    assert {row["lastName"] for row in by_name} == {"Smith"}
    assert len(by_name) == 3

    by_email = ok(browser.get(f"/api/admin-customer?{list_query(email='person1')}"))
    assert [row["email"] for row in by_email] == ["person10@example.com", "person11@example.com"]

    inactive = ok(browser.get(f"/api/admin-customer?{list_query(status='0')}"))
    assert [row["firstName"] for row in inactive] == ["Person04"]

    retail = shop["retail"].pk  # the dropdown's value is the group row's `id`
    in_retail = ok(browser.get(f"/api/admin-customer?{list_query(group=retail)}"))
    assert len(in_retail) == 6
    assert {row["customerGroupId"] for row in in_retail} == {retail}
    assert ok(browser.get(f"/api/admin-customer?{list_query(group=retail, count=1)}")) == 6

    today = timezone.localdate()
    dated = ok(browser.get(f"/api/admin-customer?{list_query(date=today.isoformat(), count=1)}"))
    created_today = [
        person for person in shop["people"] if timezone.localtime(person.created_at).date() == today
    ]
    assert dated == len(created_today)


def test_a_refused_filter_is_shown_from_data_message(browser, shop):
    response = browser.get(f"/api/admin-customer?{list_query(date='30/11/2026')}")

    assert response.status_code == 422
    body = response.json()
    assert body["data"] == {"message": body["message"]}
    assert body["message"].startswith("date:")


# --- Add, edit, view --------------------------------------------------------------------------
def test_add_customer_page(browser, shop):
    groups = ok(browser.get("/api/customer-group?status=1"))
    sites = ok(browser.get("/api/settings"))
    assert sites[0]["id"] == 2
    group_id = next(row["id"] for row in groups if row["name"] == "Retail")

    data = ok(
        browser.post("/api/admin-customer", customer_form(group_id), format="json"),
        "Customer Created Successfully",
    )

    customer = Customer.objects.get(pk=data["id"])
    assert (customer.first_name, customer.email, customer.customer_group_id) == (
        "Grace",
        "grace@example.com",
        group_id,
    )
    assert (customer.newsletter, customer.is_active, customer.avatar, customer.last_name) == (
        False,
        True,
        None,
        None,
    )


def test_add_customer_page_refusals_reach_the_interceptor(browser, shop):
    before = Customer.objects.count()
    group_id = shop["retail"].pk

    short = browser.post(
        "/api/admin-customer", customer_form(group_id, mobileNumber="12345"), format="json"
    )
    duplicate = browser.post(
        "/api/admin-customer",
        customer_form(group_id, email="person01@example.com"),
        format="json",
    )

    assert short.status_code == 422
    assert short.json()["data"]["message"] == short.json()["message"]
    assert short.json()["message"].startswith("mobileNumber:")
    assert duplicate.status_code == 400
    assert duplicate.json()["message"] == "A Customer is already registered with this email Id."
    assert Customer.objects.count() == before


def avatar_uri() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 200), "teal").save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def test_edit_customer_page(browser, shop, api):
    person = shop["people"][1]
    person.newsletter = True
    person.save()
    api.put(
        f"/api/customer/{person.pk}",
        {
            "customerGroupId": person.customer_group_id,
            "username": person.first_name,
            "mobileNumber": person.mobile_number,
            "mailStatus": 0,
            "status": 1,
            "avatar": avatar_uri(),
        },
        format="json",
    )
    person.refresh_from_db()
    avatar = person.avatar

    detail = ok(browser.get(f"/api/admin-customer/customer-detail/{person.pk}"))
    # The edit form is filled from these.
    trade = shop["trade"].pk
    body = customer_form(
        trade,
        username="Persona",
        email=detail["email"],
        mobileNumber=detail["mobileNumber"],
        password="",
        confirmPassword="",
        mailStatus=1 if detail["mailStatus"] == 1 else 0,
        status=str(0),
        customerId=str(person.pk),
    )

    data = ok(
        browser.put(f"/api/admin-customer/{person.pk}", body, format="json"),
        "Customer Updated Successfully",
    )

    person.refresh_from_db()
    assert (person.first_name, person.customer_group_id, person.is_active) == (
        "Persona",
        trade,
        False,
    )
    # The placeholders kept what the form does not show.
    assert (person.last_name, person.newsletter, person.avatar) == ("Smith", True, avatar)
    assert data["avatar"] == avatar


def test_edit_customer_page_with_one_password_only_is_refused(browser, shop):
    person = shop["people"][2]
    body = customer_form(
        person.customer_group_id,
        email=person.email,
        password="Secret-pass-1",
        confirmPassword="",
        customerId=str(person.pk),
    )
    before = list(Customer.objects.filter(pk=person.pk).values())

    response = browser.put(f"/api/admin-customer/{person.pk}", body, format="json")

    assert response.status_code == 400
    assert response.json()["message"] == "Password does not match."
    assert list(Customer.objects.filter(pk=person.pk).values()) == before


def test_view_customer_page(browser, shop, api):
    person = shop["people"][0]
    api.put(
        f"/api/customer/{person.pk}",
        {
            "customerGroupId": person.customer_group_id,
            "username": person.first_name,
            "mobileNumber": person.mobile_number,
            "mailStatus": 0,
            "status": 1,
            "avatar": avatar_uri(),
        },
        format="json",
    )
    other = shop["people"][5]
    teapot = ProductFactory(name="Teapot")
    OrderProductFactory(order=OrderFactory(customer=person), product=teapot)
    # A guest order under the same e-mail, written differently: the page shows it too.
    OrderProductFactory(order=OrderFactory(customer=None, email=" PERSON00@example.com"))
    OrderProductFactory(order=OrderFactory(customer=other))
    ProductViewLogFactory(customer=person, product=teapot)
    ProductViewLogFactory(customer=other, product=teapot)

    detail = ok(
        browser.get(f"/api/admin-customer/customer-detail/{person.pk}"),
        "successfully got Customer details.",
    )
    email = person.email  # the list passes the row's e-mail in the view page's URL
    views = ok(
        browser.get(
            f"/api/admin-customer/product-view-log-list?limit=10&offset=0&count=0&customerId={person.pk}"
        )
    )
    view_count = ok(
        browser.get(
            f"/api/admin-customer/product-view-log-list?limit=10&offset=0&count=1&customerId={person.pk}"
        )
    )
    orders = ok(
        browser.get(
            f"/api/admin-customer/order-product-list?limit=10&offset=0&count=0&emailId={email}"
        )
    )
    order_count = ok(
        browser.get(
            f"/api/admin-customer/order-product-list?limit=10&offset=0&count=1&emailId={email}"
        )
    )

    assert detail["firstName"] == "Person00"
    assert detail["customerGroupName"] == "Trade"
    assert detail["avatarPath"] == "customer/"
    assert detail["avatar"]
    assert detail["addresses"] == []
    assert [row["productName"] for row in views] == ["Teapot"]
    assert view_count == 1
    assert order_count == 2
    assert len(orders) == 2
    assert {row["customerId"] for row in orders} == {person.pk, None}

    # The avatar <img>: no token (a browser sends none for an image).
    image = APIClient().get(
        f"/api/media/image-resize?path={detail['avatarPath']}&name={detail['avatar']}"
        "&width=100&height=100"
    )
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert image["Cache-Control"] == "private"
    assert Image.open(io.BytesIO(image.content)).size == (100, 50)
    # A product image: this project stores none, the client shows its placeholder.
    product = APIClient().get(
        f"/api/media/image-resize?path={orders[0]['containerName']}&name={orders[0]['image']}"
        "&width=100&height=100"
    )
    assert product.status_code == 404
    assert product.json() == {"status": 0, "message": "Image not found."}


# --- Delete, bulk delete, exports -------------------------------------------------------------
def test_delete_from_the_row_menu(browser, shop):
    person = shop["people"][3]

    ok(browser.delete(f"/api/admin-customer/{person.pk}"), "Customer Deleted Successfully")

    person.refresh_from_db()
    assert person.is_deleted
    assert ok(browser.get(f"/api/admin-customer?{list_query(count=1)}")) == 11


def test_bulk_delete(browser, shop):
    chosen = [shop["people"][6].pk, shop["people"][7].pk]

    ok(
        browser.post(
            "/api/admin-customer/delete-customer",
            {"customerId": ",".join(map(str, chosen))},
            format="json",
        ),
        "Successfully deleted customer.",
    )

    assert Customer.objects.filter(pk__in=chosen, is_deleted=True).count() == 2


def sheet_ids(response) -> list[int]:
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    content = b"".join(response.streaming_content) if response.streaming else response.content
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)]


def test_both_excel_exports(browser, shop):
    chosen = [shop["people"][2].pk, shop["people"][8].pk]

    selected = browser.get(
        f"/api/admin-customer/customer-excel-list/?customerId={','.join(map(str, chosen))}"
    )
    everyone = browser.get("/api/admin-customer/allcustomer-excel-list/?customerId=")

    assert sheet_ids(selected) == chosen
    assert sorted(sheet_ids(everyone)) == sorted(person.pk for person in shop["people"])


# --- The address modal ------------------------------------------------------------------------
def address_body(customer_id: int, zone_id, **overrides) -> dict:
    """address.component.ts's onSubmit(): untouched inputs are null, company = firstName."""
    body = {
        "firstName": "Ada",
        "lastName": "Lovelace",
        "phoneNumber": "9876543210",
        "address1": "12 Anna Salai",
        "address2": None,
        "landmark": None,
        "city": "Chennai",
        "countryId": 356,
        "postcode": "600002",
        "addressType": "1",
        "company": "Ada",
        "zoneId": zone_id,
        "customerId": customer_id,
    }
    body.update(overrides)
    return body


def test_address_modal(browser, shop):
    person = shop["people"][0]
    countries = ok(
        browser.get("/api/country?limit=0&offset=0&keyword=&count=0&status=1"),
        "Successfully got country list",
    )
    india = next(row for row in countries if row["name"] == "India")
    zones = ok(browser.get(f"/api/list/zone?countryId={india['countryId']}"))
    tamil_nadu = next(row for row in zones if row["code"] == "IN-TN")

    empty = ok(
        browser.get(f"/api/address/{person.pk}?limit=10&offset=0&count=0&customerId={person.pk}")
    )
    added = ok(
        browser.post("/api/address", address_body(person.pk, tamil_nadu["zoneId"]), format="json"),
        "Address added successfully",
    )
    rows = ok(
        browser.get(f"/api/address/{person.pk}?limit=10&offset=0&count=0&customerId={person.pk}"),
        "Successfully got the customer address",
    )
    count = ok(
        browser.get(f"/api/address/{person.pk}?limit=10&offset=0&count=true&customerId={person.pk}")
    )

    assert empty == []
    assert count == 1
    assert rows == [added]
    row = rows[0]
    # What the modal's table and edit form read.
    assert f"{row['firstName']} {row['lastName']}" == "Ada Lovelace"
    assert row["zone"]["name"] == "Tamil Nādu"
    assert row["zoneId"] == tamil_nadu["zoneId"]
    assert (row["phoneNo"], row["postcode"], row["addressType"]) == ("9876543210", "600002", 1)
    assert (row["address2"], row["landmark"], row["state"]) == ("", "", "")

    # Edit: the form is filled from the row and posted whole, with addressId added.
    edited = address_body(
        person.pk,
        row["zoneId"],
        city="Madurai",
        addressType=str(row["addressType"]),
        postcode=row["postcode"],
        addressId=row["addressId"],
    )
    updated = ok(
        browser.put(f"/api/address/{row['addressId']}", edited, format="json"),
        "Successfully updated address",
    )
    assert updated["city"] == "Madurai"

    detail = ok(browser.get(f"/api/admin-customer/customer-detail/{person.pk}"))
    assert [address["addressId"] for address in detail["addresses"]] == [row["addressId"]]

    ok(browser.delete(f"/api/address/{row['addressId']}"), "Successfully deleted address")
    assert not Address.objects.filter(pk=row["addressId"]).exists()
    actions = list(
        AuditEvent.objects.filter(object_type="address")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["address.create", "address.update", "address.delete"]


def test_address_modal_refusals(browser, shop):
    person = shop["people"][0]
    kerala = Zone.objects.get(code="IN-KL")
    california = Zone.objects.get(code="US-CA")

    bad_phone = browser.post(
        "/api/address", address_body(person.pk, kerala.pk, phoneNumber="12"), format="json"
    )
    wrong_zone = browser.post("/api/address", address_body(person.pk, california.pk), format="json")

    assert bad_phone.status_code == 422
    assert bad_phone.json()["data"]["message"].startswith("phoneNumber:")
    assert wrong_zone.status_code == 400
    assert wrong_zone.json()["message"] == "Invalid zone Id."
    assert not Address.objects.exists()


# --- Groups: list, filter, add, edit, delete -------------------------------------------------
def test_group_pages(browser, shop):
    rows = ok(browser.get(f"/api/customer-group?{group_list_query()}"))
    count = ok(browser.get(f"/api/customer-group?{group_list_query(count='true')}"))
    assert count == len(rows) == CustomerGroup.objects.count()

    filtered = ok(browser.get(f"/api/customer-group?{group_list_query(group_name='ret')}"))
    assert [row["name"] for row in filtered] == ["Retail"]
    assert (
        ok(browser.get(f"/api/customer-group?{group_list_query(group_name='ret', count='true')}"))
        == 1
    )
    searched = ok(browser.get(f"/api/customer-group?{group_list_query(keyword='tra')}"))
    assert [row["name"] for row in searched] == ["Trade"]

    # The add/edit page loads the active groups first.
    ok(browser.get("/api/customer-group?limit=0&offset=0&keyword=&count=0&status=1&groupName="))
    created = ok(
        browser.post(
            "/api/customer-group",
            {
                "name": "Wholesale",
                "description": "Big buyers",
                "colorcode": "#aa3300",
                "status": "1",
            },
            format="json",
        ),
        "Customer Group Created Successfully",
    )
    group_id = created["id"]
    assert created["groupId"] == group_id

    updated = ok(
        browser.put(
            f"/api/customer-group/{group_id}",
            {
                "name": "Wholesale EU",
                "description": "Big buyers",
                "colorcode": "#aa3300",
                "status": "0",
                "id": group_id,
            },
            format="json",
        ),
        "Customer Group updated successfully.",
    )
    assert (updated["id"], updated["name"], updated["isActive"]) == (group_id, "Wholesale EU", 0)
    assert CustomerGroup.objects.count() == len(rows) + 1  # edited, not added

    ok(
        browser.generic(
            "DELETE",
            f"/api/customer-group/{group_id}",
            json.dumps({"groupId": group_id}),
            content_type="application/json",
        ),
        "Group Deleted Successfully.",
    )
    assert not CustomerGroup.objects.filter(pk=group_id).exists()


# --- Permissions: what the client is told, what the server enforces ---------------------------
def test_a_clerk_without_address_rights_is_told_so_and_refused(db, shop):
    make_staff("viewer", "customers.view_customer", email="viewer@shop.example")
    client = APIClient()
    login = client.post(
        "/api/auth/login", {"username": "viewer@shop.example", "password": PASSWORD}, format="json"
    )
    permission = login.json()["data"]["permission"]
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {login.json()['data']['token']}")

    assert set(permission) == set(CLIENT_PERMISSIONS)
    assert {key for key, value in permission.items() if value} == {"list-buyer", "view-buyer"}
    person = shop["people"][0]
    refused = client.get(
        f"/api/address/{person.pk}?limit=10&offset=0&count=0&customerId={person.pk}"
    )
    assert refused.status_code == 403
    # Reference data needs only a valid token.
    assert client.get("/api/country?limit=0&offset=0&keyword=&count=0&status=1").status_code == 200
