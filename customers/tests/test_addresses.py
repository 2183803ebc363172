"""The address book's rules (API.md §9.7), through the API, and its admin inline."""

import pytest

from audit.models import AuditEvent
from customers.models import Address, Country, Zone
from customers.tests.conftest import snapshot
from customers.tests.factories import CustomerFactory

URL = "/api/address"


@pytest.fixture
def places(db):
    return {
        "IN": Country.objects.get(iso_code_2="IN"),
        "TN": Zone.objects.get(code="IN-TN"),
        "CA": Zone.objects.get(code="US-CA"),
    }


def body(customer_id, **overrides):
    data = {"customerId": customer_id, "address1": "1 Main St", "city": "Chennai"}
    data.update({"countryId": 356, "addressType": 0})
    data.update(overrides)
    return data


def test_defaults_names_and_types(api, customer, places):
    response = api.post(URL, body(customer.pk), format="json")

    assert response.status_code == 200
    data = response.json()["data"]
    assert set(data) == {
        "addressId", "customerId", "firstName", "lastName", "company", "address1", "address2",
        "landmark", "city", "state", "postcode", "phoneNo", "countryId", "zoneId", "zone",
        "addressType", "createdDate", "modifiedDate",
    }  # fmt: skip
    assert (data["firstName"], data["lastName"]) == ("Ada", "Lovelace")
    assert (data["zoneId"], data["zone"], data["addressType"]) == (None, None, 0)
    assert data["postcode"] == data["phoneNo"] == data["company"] == ""


def test_numbers_and_form_values_are_accepted(api, customer, places):
    response = api.post(
        URL,
        body(
            str(customer.pk),
            countryId="356",
            zoneId=str(places["TN"].pk),
            addressType="1",
            phoneNumber=98765_43210,
            postcode=600001,
            firstName="  Grace ",
            lastName="",
        ),
        format="multipart",
    )

    assert response.status_code == 200, response.json()
    data = response.json()["data"]
    assert (data["phoneNo"], data["postcode"], data["firstName"]) == (
        "9876543210",
        "600001",
        "Grace",
    )
    assert data["zone"] == {
        "zoneId": places["TN"].pk,
        "countryId": 356,
        "code": "IN-TN",
        "name": places["TN"].name,
    }


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"address1": "  "}, "address1"),
        ({"city": None}, "city"),
        ({"city": "x" * 129}, "city"),
        ({"countryId": "abc"}, "countryId"),
        ({"countryId": None}, "countryId"),
        ({"addressType": 2}, "addressType"),
        ({"addressType": True}, "addressType"),
        ({"zoneId": "x"}, "zoneId"),
        ({"phoneNumber": "12345"}, "phoneNumber"),
        ({"postcode": "12345678901"}, "postcode"),
        ({"postcode": "60#001"}, "postcode"),
        ({"landmark": "a\x00b"}, "landmark"),
        ({"firstName": "x" * 129}, "firstName"),
        ({"customerId": -1}, "customerId"),
    ],
)
def test_field_refusals_are_422_naming_the_field(api, customer, places, overrides, field):
    response = api.post(URL, body(customer.pk, **overrides), format="json")

    assert response.status_code == 422
    payload = response.json()
    assert field in payload["errors"]
    assert payload["data"] == {"message": payload["message"]}
    assert not Address.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"customerId": 999999}, "Invalid customer Id."),
        ({"countryId": 1}, "Invalid country Id."),
        ({"zoneId": 999999}, "Invalid zone Id."),
    ],
)
def test_business_refusals_are_400(api, customer, places, overrides, message):
    response = api.post(URL, body(customer.pk, **overrides), format="json")

    assert response.status_code == 400
    assert response.json() == {"status": 0, "message": message}
    assert not Address.objects.exists()


def test_a_zone_of_another_country_is_refused(api, customer, places):
    response = api.post(URL, body(customer.pk, zoneId=places["CA"].pk), format="json")

    assert response.json()["message"] == "Invalid zone Id."


@pytest.mark.parametrize("zone", [None, "", 0, "0"])
def test_no_zone(api, customer, places, zone):
    response = api.post(URL, body(customer.pk, zoneId=zone), format="json")

    assert response.json()["data"]["zoneId"] is None


def test_a_deleted_customer_and_its_addresses_are_invisible(api, customer, places):
    address_id = api.post(URL, body(customer.pk), format="json").json()["data"]["addressId"]
    customer.is_deleted = True
    customer.save()

    listed = api.get(f"{URL}/{customer.pk}")
    added = api.post(URL, body(customer.pk), format="json")
    updated = api.put(f"{URL}/{address_id}", body(customer.pk), format="json")
    deleted = api.delete(f"{URL}/{address_id}")

    assert listed.json()["message"] == added.json()["message"] == "Invalid customer Id."
    assert updated.json()["message"] == deleted.json()["message"] == "Invalid address Id."
    assert Address.objects.filter(pk=address_id).exists()  # kept


def test_update_replaces_the_whole_address_and_never_moves_it(api, customer, places):
    other = CustomerFactory()
    created = api.post(
        URL, body(customer.pk, landmark="Near the park", zoneId=places["TN"].pk), format="json"
    ).json()["data"]

    response = api.put(
        f"{URL}/{created['addressId']}",
        body(other.pk, city="Madurai", addressId=999),
        format="json",
    )

    data = response.json()["data"]
    assert response.json()["message"] == "Successfully updated address"
    assert (data["customerId"], data["city"], data["landmark"], data["zoneId"]) == (
        customer.pk,
        "Madurai",
        "",
        None,
    )


def test_an_unknown_address_is_refused_before_the_body(api, customer, places):
    before = snapshot(Address)

    response = api.put(f"{URL}/424242", {"city": ""}, format="json")
    deleted = api.delete(f"{URL}/424242")

    assert response.status_code == deleted.status_code == 400
    assert response.json()["message"] == "Invalid address Id."
    assert snapshot(Address) == before


def test_list_is_newest_first_with_limit_offset_and_count(api, customer, places):
    ids = [
        api.post(URL, body(customer.pk, address1=f"{n} Main St"), format="json").json()["data"][
            "addressId"
        ]
        for n in range(3)
    ]
    CustomerFactory()  # someone else's book stays out

    everything = api.get(f"{URL}/{customer.pk}").json()
    page = api.get(f"{URL}/{customer.pk}?limit=1&offset=1&customerId=999").json()
    count = api.get(f"{URL}/{customer.pk}?count=true").json()

    assert [row["addressId"] for row in everything["data"]] == ids[::-1]
    assert [row["addressId"] for row in page["data"]] == [ids[1]]
    assert count == {"status": 1, "message": "Successfully got the customer address", "data": 3}
    assert api.get(f"{URL}/{customer.pk}?limit=1001").status_code == 422
    assert api.get(f"{URL}/999999").json()["message"] == "Invalid customer Id."


@pytest.mark.parametrize(
    ("method", "path", "permission"),
    [
        ("get", "/api/address/{customer}", "customers.view_address"),
        ("post", "/api/address", "customers.add_address"),
        ("put", "/api/address/{address}", "customers.change_address"),
        ("delete", "/api/address/{address}", "customers.delete_address"),
    ],
)
def test_each_route_needs_its_permission(
    api, staff_factory, anon, customer, places, method, path, permission
):
    address = api.post(URL, body(customer.pk), format="json").json()["data"]["addressId"]
    path = path.format(customer=customer.pk, address=address)
    _, without = staff_factory("plain", "customers.view_customer")
    _, with_it = staff_factory("allowed", permission)
    before = snapshot(Address)

    assert getattr(anon, method)(path, body(customer.pk), format="json").status_code == 401
    assert getattr(without, method)(path, body(customer.pk), format="json").status_code == 403
    assert snapshot(Address) == before
    assert getattr(with_it, method)(path, body(customer.pk), format="json").status_code == 200


def test_writes_are_audited(api, customer, places):
    address_id = api.post(URL, body(customer.pk), format="json").json()["data"]["addressId"]
    api.put(f"{URL}/{address_id}", body(customer.pk, city="Ooty"), format="json")
    api.delete(f"{URL}/{address_id}")

    events = list(AuditEvent.objects.filter(object_type="address").order_by("id"))

    assert [event.action for event in events] == [
        "address.create",
        "address.update",
        "address.delete",
    ]
    assert all(event.object_ids == [address_id] for event in events)
    assert events[1].changes == {"city": ["Chennai", "Ooty"]}
    assert all(event.extra == {"customer_id": customer.pk} for event in events)


# --- The inline on the customer's admin page -----------------------------------------------
def inline_form(customer, **fields) -> dict:
    data = {
        "first_name": customer.first_name,
        "last_name": customer.last_name or "",
        "email": customer.email,
        "mobile_number": customer.mobile_number,
        "customer_group": customer.customer_group_id,
        "is_active": "on",
        "addresses-TOTAL_FORMS": "1",
        "addresses-INITIAL_FORMS": "0",
        "addresses-MIN_NUM_FORMS": "0",
        "addresses-MAX_NUM_FORMS": "1000",
    }
    data.update({f"addresses-0-{name}": value for name, value in fields.items()})
    return data


def test_the_admin_inline_uses_the_same_rules_and_audit(admin_client, customer, places):
    url = f"/admin/customers/customer/{customer.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200
    assert b"addresses-TOTAL_FORMS" in page.content

    refused = admin_client.post(
        url,
        inline_form(
            customer,
            address_type="1",
            address1="1 Beach Rd",
            city="Chennai",
            country="356",
            zone=str(places["CA"].pk),
            phone_no="12",
            postcode="600001",
        ),
    )
    assert refused.status_code == 200  # the form again, with errors
    assert not Address.objects.exists()

    saved = admin_client.post(
        url,
        inline_form(
            customer,
            address_type="1",
            address1="1 Beach Rd",
            city="Chennai",
            country="356",
            zone=str(places["TN"].pk),
            phone_no="98765 43210",
            postcode="600001",
        ),
    )
    assert saved.status_code == 302, saved.content[:2000]
    address = Address.objects.get()
    assert (address.phone_no, address.first_name, address.zone_id) == (
        "9876543210",
        "Ada",
        places["TN"].pk,
    )
    assert AuditEvent.objects.filter(object_type="address", action="address.create").count() == 1
