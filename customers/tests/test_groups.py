"""Customer groups: create, list, detail, update, delete (API.md §4)."""

from urllib.parse import urlencode

import pytest

from customers.models import Customer, CustomerGroup
from customers.tests.conftest import db_state
from customers.tests.factories import CustomerFactory, CustomerGroupFactory

pytestmark = pytest.mark.django_db

URL = "/api/customer-group"
GROUP_KEYS = {
    "id", "groupId", "name", "description", "colorCode", "isActive", "isDefault", "customerCount",
    "createdDate", "modifiedDate",
}  # fmt: skip


def url(pk) -> str:
    return f"{URL}/{pk}"


def body(**overrides):
    data = {
        "name": "  Wholesale ",
        "description": "Bulk buyers",
        "colorcode": "#A0b1C2",
        "status": 1,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not ...}


# --- Create ------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["json", "urlencoded", "multipart"])
def test_create_a_group(api, fmt):
    if fmt == "urlencoded":
        response = api.generic(
            "POST", URL, urlencode(body()), content_type="application/x-www-form-urlencoded"
        )
    else:
        response = api.post(URL, body(), format=fmt)

    assert response.status_code == 200, response.json()
    payload = response.json()
    assert payload["message"] == "Customer Group Created Successfully"
    data = payload["data"]
    assert set(data) == GROUP_KEYS
    assert data["name"] == "Wholesale"
    assert data["colorCode"] == "#A0b1C2"
    assert data["isActive"] == 1
    assert data["isDefault"] is False
    assert data["customerCount"] == 0
    group = CustomerGroup.objects.get(pk=data["groupId"])
    assert (group.name, group.description, group.color_code) == (
        "Wholesale",
        "Bulk buyers",
        "#A0b1C2",
    )


def test_create_without_description_and_with_a_short_colour(api):
    response = api.post(URL, body(description=..., colorcode="#fff", status="0"), format="json")

    assert response.status_code == 200
    assert response.json()["data"]["description"] == ""
    assert response.json()["data"]["isActive"] == 0


@pytest.mark.parametrize("name", ["wholesale", "WHOLESALE", " Wholesale"])
def test_a_duplicate_name_is_refused_case_insensitively(api, name):
    CustomerGroupFactory(name="Wholesale")
    before = db_state()

    response = api.post(URL, body(name=name), format="json")

    assert response.status_code == 400
    assert response.json() == {"status": 0, "message": "This Customer Group already exists."}
    assert db_state() == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": ...}, "name"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 31}, "name"),
        ({"name": "a\x00b"}, "name"),
        ({"description": "x" * 513}, "description"),
        ({"description": "\x00"}, "description"),
        ({"colorcode": ...}, "colorcode"),
        ({"colorcode": "red"}, "colorcode"),
        ({"colorcode": "#12345"}, "colorcode"),
        ({"colorcode": "#GGGGGG"}, "colorcode"),
        ({"colorcode": "ffffff"}, "colorcode"),
        ({"colorcode": "#fff\x00"}, "colorcode"),
        ({"status": ...}, "status"),
        ({"status": 5}, "status"),
        ({"status": "abc"}, "status"),
    ],
)
def test_create_validation_is_422_with_request_names(api, overrides, field):
    before = db_state()

    response = api.post(URL, body(**overrides), format="json")

    assert response.status_code == 422, response.json()
    assert field in response.json()["errors"]
    assert db_state() == before


def test_create_needs_a_token_and_the_add_permission(anon, staff_factory):
    _, viewer = staff_factory("viewer", "customers.view_customergroup", "customers.add_customer")
    before = db_state()

    assert anon.post(URL, body(), format="json").status_code == 401
    assert viewer.post(URL, body(), format="json").status_code == 403
    assert db_state() == before


# --- List --------------------------------------------------------------------------------------
def test_list_all_groups_newest_first_with_customer_counts(api, default_group):
    busy = CustomerGroupFactory(name="Busy")
    CustomerFactory.create_batch(2, customer_group=busy)
    CustomerFactory(customer_group=busy, is_deleted=True)
    quiet = CustomerGroupFactory(name="Quiet", is_active=False)

    response = api.get(URL)

    assert response.status_code == 200
    payload = response.json()
    assert payload["message"] == "Successfully got all customer group List"
    rows = payload["data"]
    assert [row["groupId"] for row in rows] == [quiet.pk, busy.pk, default_group.pk]
    assert rows[1]["customerCount"] == 2
    assert rows[0]["isActive"] == 0
    assert rows[2]["isDefault"] is True


@pytest.mark.parametrize("limit", [None, "0", ""])
def test_absent_or_zero_limit_lists_every_group(api, default_group, limit):
    CustomerGroupFactory.create_batch(3)
    params = {} if limit is None else {"limit": limit}

    response = api.get(URL, params)

    if limit == "":
        assert response.status_code == 422
    else:
        assert len(response.json()["data"]) == 4


def test_limit_offset_keyword_status_and_count(api, default_group):
    CustomerGroupFactory(name="Gold members", is_active=True)
    silver = CustomerGroupFactory(name="Silver", is_active=False)
    gold_old = CustomerGroupFactory(name="Old gold", is_active=False)

    assert [r["groupId"] for r in api.get(URL, {"limit": 1, "offset": 1}).json()["data"]] == [
        silver.pk
    ]
    found = api.get(URL, {"keyword": "GOLD", "status": "0"}).json()["data"]
    assert [r["groupId"] for r in found] == [gold_old.pk]
    counted = api.get(URL, {"keyword": "gold", "count": "true"}).json()
    assert counted == {
        "status": 1,
        "message": "Successfully got all customer group List",
        "data": 2,
    }
    assert len(api.get(URL, {"keyword": "", "status": ""}).json()["data"]) == 4


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": "1001"}, "limit"),
        ({"limit": "x"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"status": "2"}, "status"),
        ({"status": "10"}, "status"),
        ({"keyword": "a\x00"}, "keyword"),
        ({"count": "yes"}, "count"),
    ],
)
def test_list_parameters_are_validated(api, params, field):
    response = api.get(URL, params)

    assert response.status_code == 422
    assert field in response.json()["errors"]


def test_group_list_is_a_fixed_number_of_queries(api, django_assert_max_num_queries):
    for group in CustomerGroupFactory.create_batch(30):
        CustomerFactory(customer_group=group)

    with django_assert_max_num_queries(2):
        response = api.get(URL)

    assert len(response.json()["data"]) == 31


def test_list_needs_a_token_and_the_view_permission(anon, staff_factory):
    _, other = staff_factory("other", "customers.view_customer")
    _, viewer = staff_factory("viewer", "customers.view_customergroup")

    assert anon.get(URL).status_code == 401
    assert other.get(URL).status_code == 403
    assert viewer.get(URL).status_code == 200


# --- Detail ------------------------------------------------------------------------------------
def test_group_detail(api, group):
    CustomerFactory(customer_group=group)

    response = api.get(url(group.pk) + "/")

    assert response.status_code == 200
    assert response.json()["message"] == "Successfully got Customer Group"
    assert response.json()["data"]["customerCount"] == 1
    assert response.json()["data"]["name"] == "Retail"


@pytest.mark.parametrize("pk", [999_999, 2**63, 10**30])
def test_unknown_group_detail_is_400(api, pk):
    response = api.get(url(pk))

    assert response.status_code == 400
    assert response.json() == {"status": 0, "message": "Invalid group Id."}


def test_detail_needs_the_view_permission(anon, staff_factory, group):
    _, other = staff_factory("other", "customers.change_customergroup")

    assert anon.get(url(group.pk)).status_code == 401
    assert other.get(url(group.pk)).status_code == 403


# --- Update ------------------------------------------------------------------------------------
def test_update_a_group(api, group):
    response = api.put(url(group.pk), body(name="Retail+", status=0), format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["message"] == "Customer Group updated successfully."
    assert response.json()["data"]["name"] == "Retail+"
    group.refresh_from_db()
    assert (group.name, group.is_active, group.description) == ("Retail+", False, "Bulk buyers")


def test_update_keeps_an_absent_description_and_accepts_urlencoded(api, group):
    group.description = "Keep me"
    group.save()

    response = api.generic(
        "PUT",
        url(group.pk),
        urlencode({"name": "Retail", "colorcode": "#000", "status": "1"}),
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    group.refresh_from_db()
    assert group.description == "Keep me"


def test_update_may_keep_its_own_name_in_another_case(api, group):
    response = api.put(url(group.pk), body(name="RETAIL"), format="json")

    assert response.status_code == 200


def test_update_to_another_groups_name_is_refused(api, group):
    CustomerGroupFactory(name="Wholesale")
    before = db_state()

    response = api.put(url(group.pk), body(name="wholesale"), format="json")

    assert response.status_code == 400
    assert response.json() == {"status": 0, "message": "This Customer Group already exists."}
    assert db_state() == before


@pytest.mark.parametrize("pk", [999_999, 2**63])
def test_update_of_an_unknown_group_is_400(api, group, pk):
    before = db_state()

    response = api.put(url(pk), body(), format="json")

    assert response.status_code == 400
    assert response.json() == {"status": 0, "message": "Invalid group Id."}
    assert db_state() == before


def test_update_validation_is_422(api, group):
    before = db_state()

    response = api.put(url(group.pk), body(colorcode="blue"), format="json")

    assert response.status_code == 422
    assert "colorcode" in response.json()["errors"]
    assert db_state() == before


def test_renaming_the_default_group_keeps_it_protected(api, default_group):
    renamed = api.put(url(default_group.pk), body(name="Everyone"), format="json")
    deleted = api.delete(url(default_group.pk))

    assert renamed.status_code == 200
    assert renamed.json()["data"]["isDefault"] is True
    assert deleted.status_code == 400
    assert deleted.json()["message"] == "You cannot delete this customer group."


def test_update_needs_a_token_and_the_change_permission(anon, staff_factory, group):
    _, other = staff_factory("other", "customers.add_customergroup")
    before = db_state()

    assert anon.put(url(group.pk), body(), format="json").status_code == 401
    assert other.put(url(group.pk), body(), format="json").status_code == 403
    assert db_state() == before


# --- Delete ------------------------------------------------------------------------------------
def test_delete_a_group_uses_the_path_id_and_ignores_the_body(api, group):
    other = CustomerGroupFactory()

    response = api.delete(url(group.pk), {"groupId": other.pk}, format="json")

    assert response.status_code == 200
    assert response.json() == {"status": 1, "message": "Group Deleted Successfully."}
    assert not CustomerGroup.objects.filter(pk=group.pk).exists()
    assert CustomerGroup.objects.filter(pk=other.pk).exists()


def test_soft_deleted_customers_of_a_deleted_group_lose_the_group(api, group):
    gone = CustomerFactory(customer_group=group, is_deleted=True)

    response = api.delete(url(group.pk))

    assert response.status_code == 200
    assert Customer.objects.get(pk=gone.pk).customer_group_id is None


def test_the_default_group_cannot_be_deleted(api, default_group):
    before = db_state()

    response = api.delete(url(default_group.pk))

    assert response.status_code == 400
    assert response.json() == {"status": 0, "message": "You cannot delete this customer group."}
    assert db_state() == before


def test_a_group_with_live_customers_cannot_be_deleted(api, customer):
    before = db_state()

    response = api.delete(url(customer.customer_group_id))

    assert response.status_code == 400
    assert response.json() == {
        "status": 0,
        "message": "You cannot delete this Customer group as Users are mapped to it.",
    }
    assert db_state() == before


@pytest.mark.parametrize("pk", [999_999, 2**63])
def test_delete_of_an_unknown_group_is_400(api, group, pk):
    before = db_state()

    response = api.delete(url(pk))

    assert response.status_code == 400
    assert response.json() == {"status": 0, "message": "Invalid group Id."}
    assert db_state() == before


def test_delete_needs_a_token_and_the_delete_permission(anon, staff_factory, group):
    _, other = staff_factory("other", "customers.change_customergroup")
    before = db_state()

    assert anon.delete(url(group.pk)).status_code == 401
    assert other.delete(url(group.pk)).status_code == 403
    assert db_state() == before


def test_wrong_methods_on_group_routes_are_405(api, group):
    assert api.patch(url(group.pk), {}, format="json").status_code == 405
    assert api.post(url(group.pk), {}, format="json").status_code == 405
    assert api.delete(URL).status_code == 405
    assert api.put(URL, {}, format="json").status_code == 405


def test_adding_a_customer_into_a_deleted_group_is_refused(api, group):
    api.delete(url(group.pk))

    response = api.post(
        "/api/customer",
        {
            "customerGroupId": group.pk,
            "username": "Late",
            "email": "late@example.com",
            "mobileNumber": "1234567",
            "password": "Secret-pass1",
            "confirmPassword": "Secret-pass1",
            "mailStatus": 0,
            "status": 1,
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["message"] == "Invalid customer group Id."
    assert Customer.objects.count() == 0


# --- API.md §9.1 / §9.4: what the original admin binds and sends ---------------------------------
def test_group_rows_carry_id_equal_to_group_id(api, group):
    created = api.post(
        "/api/customer-group", {"name": "Trade", "colorcode": "#123", "status": 1}, format="json"
    ).json()["data"]
    rows = api.get("/api/customer-group").json()["data"]
    detail = api.get(f"/api/customer-group/{group.pk}").json()["data"]

    assert created["id"] == created["groupId"]
    assert all(row["id"] == row["groupId"] for row in rows)
    assert detail["id"] == group.pk


def test_group_name_filter_combines_with_keyword_and_status(api, group):
    api.post(
        "/api/customer-group",
        {"name": "Retail Plus", "colorcode": "#123", "status": 0},
        format="json",
    )

    by_name = api.get("/api/customer-group?groupName=RETAIL&keyword=&status=").json()["data"]
    both = api.get("/api/customer-group?groupName=retail&keyword=plus").json()["data"]
    active = api.get("/api/customer-group?groupName=retail&status=1&count=true").json()["data"]
    nothing = api.get("/api/customer-group?groupName=retail&keyword=default").json()["data"]

    assert sorted(row["name"] for row in by_name) == ["Retail", "Retail Plus"]
    assert [row["name"] for row in both] == ["Retail Plus"]
    assert active == 1
    assert nothing == []
    assert api.get("/api/customer-group?groupName=" + "x" * 256).status_code == 422
