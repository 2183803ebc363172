"""Hostile input against the customer and group routes (OWASP API4/API8; guide §A6).

Every malformed request gets a 4xx envelope (never a 500) and changes nothing; text that is merely
unusual (emoji, right-to-left, SQL or HTML metacharacters) is stored and returned verbatim.
"""

import json

import pytest
from django.conf import settings

from customers.models import Customer, CustomerGroup
from customers.tests.factories import CustomerFactory, CustomerGroupFactory

pytestmark = pytest.mark.django_db

BIG = "99999999999999999999999"  # beyond any 64-bit key
TEN_KB = "x" * 10_240
PASSWORD = "Passw0rd!x"


@pytest.fixture
def group(db) -> CustomerGroup:
    return CustomerGroupFactory(name="Retail")


@pytest.fixture
def customer(group) -> Customer:
    return CustomerFactory(customer_group=group, first_name="Ada", last_name="Lovelace")


def state() -> tuple[list, list]:
    return (
        list(Customer.objects.order_by("pk").values_list()),
        list(CustomerGroup.objects.order_by("pk").values_list()),
    )


def add_body(group: CustomerGroup, **overrides) -> dict:
    body = {
        "customerGroupId": group.id,
        "username": "Grace",
        "lastName": "Hopper",
        "email": "grace@example.com",
        "mobileNumber": "+447000000001",
        "password": PASSWORD,
        "confirmPassword": PASSWORD,
        "mailStatus": 0,
        "status": 1,
    }
    body.update(overrides)
    return body


def group_body(**overrides) -> dict:
    body = {"name": "Wholesale", "description": "Big buyers", "colorcode": "#112233", "status": 1}
    body.update(overrides)
    return body


def assert_refused(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:400])
    body = response.json()
    assert body["status"] == 0
    assert isinstance(body["message"], str)
    assert body["message"]
    if field is not None:
        assert field in body["errors"], body
        assert body["message"].startswith(field), body
    return body


# --- NUL bytes: 422 naming the field, never PostgreSQL's 500 ------------------------------------


@pytest.mark.parametrize(
    "field", ["username", "lastName", "email", "mobileNumber", "password", "confirmPassword"]
)
def test_nul_in_a_customer_add_field_is_422(api, group, field):
    body = add_body(group)
    body[field] = body[field][:3] + "\x00" + body[field][3:]
    before = state()

    response = api.post("/api/customer", body, format="json")

    assert_refused(response, 422, field)
    assert state() == before


@pytest.mark.parametrize("field", ["username", "lastName", "realName", "customerNo", "email"])
def test_nul_in_a_customer_update_field_is_422(api, group, customer, field):
    body = add_body(group, email="ada@example.com", realName="Ada", customerNo="C-1")
    del body["password"], body["confirmPassword"]
    body[field] = "ab\x00cd" if field != "email" else "a\x00da@example.com"
    before = state()

    response = api.put(f"/api/customer/{customer.id}", body, format="json")

    assert_refused(response, 422, field)
    assert state() == before


def test_nul_in_a_form_encoded_body_is_422(api, group):
    before = state()

    response = api.post(
        "/api/customer", {**add_body(group), "username": "Gr\x00ace"}, format="multipart"
    )

    assert_refused(response, 422, "username")
    assert state() == before


@pytest.mark.parametrize("field", ["name", "description", "colorcode"])
def test_nul_in_a_group_field_is_422(api, group, field):
    body = group_body()
    body[field] = body[field][:2] + "\x00" + body[field][2:]
    before = state()

    created = api.post("/api/customer-group", body, format="json")
    updated = api.put(f"/api/customer-group/{group.id}", body, format="json")

    assert_refused(created, 422, field)
    assert_refused(updated, 422, field)
    assert state() == before


@pytest.mark.parametrize(
    ("path", "param"),
    [
        ("/api/customer", "name"),
        ("/api/customer", "email"),
        ("/api/customer", "keyword"),
        ("/api/customer", "status"),
        ("/api/customer", "customerGroup"),
        ("/api/customer", "date"),
        ("/api/customer", "limit"),
        ("/api/customer", "offset"),
        ("/api/customer", "count"),
        ("/api/customer-group", "keyword"),
        ("/api/customer-group", "status"),
        ("/api/customer/order-product-list", "customerId"),
        ("/api/customer/product-view-log-list", "customerId"),
    ],
)
def test_nul_in_a_query_parameter_is_422(api, customer, path, param):
    query = {"limit": "10", param: "a\x00b"}

    response = api.get(path, query)

    assert_refused(response, 422, param)


# --- Long, unusual and metacharacter-laden text ---------------------------------------------


@pytest.mark.parametrize("field", ["username", "lastName", "email", "mobileNumber", "password"])
def test_ten_kilobyte_strings_in_add_are_422(api, group, field):
    before = state()

    response = api.post("/api/customer", add_body(group, **{field: TEN_KB}), format="json")

    assert_refused(response, 422, field)
    assert state() == before


@pytest.mark.parametrize("field", ["name", "description", "colorcode"])
def test_ten_kilobyte_strings_in_a_group_are_422(api, field):
    before = state()

    response = api.post("/api/customer-group", group_body(**{field: TEN_KB}), format="json")

    assert_refused(response, 422, field)
    assert state() == before


@pytest.mark.parametrize("param", ["name", "email", "keyword"])
def test_ten_kilobyte_search_terms_never_fail_the_server(api, customer, param):
    response = api.get("/api/customer", {"limit": "10", param: TEN_KB})

    assert response.status_code in {200, 422}
    if response.status_code == 200:
        assert response.json()["data"] == []
    else:
        assert_refused(response, 422, param)


VERBATIM = [
    pytest.param("Zoë 👩🏽‍💻🎉", id="emoji"),
    pytest.param("مرحبا بالعالم", id="arabic-rtl"),
    pytest.param("abc\u202edcba", id="rtl-override"),
    pytest.param("Robert'); DROP TABLE customers_customer;--", id="sql"),
    pytest.param("' OR '1'='1", id="sql-tautology"),
    pytest.param('<script>alert("x")</script>', id="html"),
    pytest.param("%_\\%", id="like-wildcards"),
    pytest.param("{{7*7}} ${7*7}", id="template"),
]


@pytest.mark.parametrize("value", VERBATIM)
def test_unusual_text_is_stored_and_returned_verbatim(api, group, value):
    response = api.post(
        "/api/customer", add_body(group, username=value[:32], lastName=value), format="json"
    )

    assert response.status_code == 200, response.content
    created = response.json()["data"]
    assert created["firstName"] == value[:32]
    assert created["lastName"] == value
    stored = Customer.objects.get(pk=created["id"])
    assert (stored.first_name, stored.last_name) == (value[:32], value)
    detail = api.get(f"/api/admin-customer/customer-detail/{created['id']}").json()["data"]
    assert detail["lastName"] == value


@pytest.mark.parametrize("value", VERBATIM)
def test_unusual_group_text_is_stored_and_returned_verbatim(api, value):
    response = api.post(
        "/api/customer-group", group_body(name=value[:30], description=value), format="json"
    )

    assert response.status_code == 200, response.content
    data = response.json()["data"]
    assert (data["name"], data["description"]) == (value[:30].strip(), value)
    listed = api.get("/api/customer-group").json()["data"]
    assert value in [row["description"] for row in listed]


@pytest.mark.parametrize("term", ["%", "_", "\\", "'", '"', "%%", "' OR 1=1 --"])
def test_search_metacharacters_match_literally(api, customer, term):
    response = api.get("/api/customer", {"limit": "10", "name": term})

    assert response.status_code == 200
    assert response.json()["data"] == []


def test_a_name_with_a_percent_sign_is_found_literally(api, group):
    CustomerFactory(customer_group=group, first_name="100%", last_name="Sure")
    CustomerFactory(customer_group=group, first_name="Plain", last_name="Name")

    response = api.get("/api/customer", {"limit": "10", "name": "%"})

    assert [row["firstName"] for row in response.json()["data"]] == ["100%"]


# --- Ids and limits ---------------------------------------------------------------------------


MALFORMED_NUMBERS = ["-1", "1.5", "1e3", "abc", "0x10", " 5", "+5", "\u0661\u0662", BIG]


@pytest.mark.parametrize(
    ("param", "value"),
    [("limit", v) for v in [*MALFORMED_NUMBERS, "", "0", "1001"]]
    + [("offset", v) for v in [*MALFORMED_NUMBERS, "9223372036854775808"]],
)
def test_malformed_limits_and_offsets_are_422(api, customer, param, value):
    query = {"limit": "10", param: value}

    response = api.get("/api/customer", query)

    assert_refused(response, 422, param)


@pytest.mark.parametrize("offset", ["1000000", "9223372036854775807"])
def test_an_offset_past_the_end_is_an_empty_page(api, customer, offset):
    response = api.get("/api/customer", {"limit": "1000", "offset": offset})

    assert response.status_code == 200
    assert response.json()["data"] == []


@pytest.mark.parametrize("value", ["-1", "1.5", "abc", BIG, "9223372036854775808"])
def test_malformed_group_filter_is_422(api, customer, value):
    response = api.get("/api/customer", {"limit": "10", "customerGroup": value})

    assert_refused(response, 422, "customerGroup")


@pytest.mark.parametrize(
    "path",
    [
        "/api/customer/customer-detail/-1",
        "/api/customer/customer-detail/1.5",
        "/api/customer/customer-detail/abc",
        "/api/customer/customer-detail/0x10",
        "/api/customer-group/-3",
        "/api/customer-group/1e3",
    ],
)
def test_ids_that_are_not_digits_do_not_match_a_route(api, path):
    response = api.get(path)

    assert_refused(response, 404)


@pytest.mark.parametrize(
    ("method", "path", "message"),
    [
        ("get", f"/api/customer/customer-detail/{BIG}", "invalid CustomerId"),
        ("put", f"/api/customer/{BIG}", None),
        ("delete", f"/api/customer/{BIG}", "Invalid customer Id."),
        ("get", f"/api/customer-group/{BIG}", "Invalid group Id."),
        ("delete", f"/api/customer-group/{BIG}", "Invalid group Id."),
        ("get", "/api/customer/customer-detail/0", "invalid CustomerId"),
    ],
)
def test_huge_ids_are_unknown_not_a_server_error(api, group, customer, method, path, message):
    before = state()
    body = add_body(group) if method == "put" else {}

    response = getattr(api, method)(path, body, format="json")

    refused = assert_refused(response, 400)
    if message:
        assert refused["message"] == message
    assert state() == before


@pytest.mark.parametrize(
    "value",
    [BIG, "18446744073709551616", 1.5, "1.5", "abc", True, [1], {"id": 1}, None, ""],
)
def test_malformed_group_ids_in_a_body_are_422(api, group, value):
    before = state()

    response = api.post("/api/customer", add_body(group, customerGroupId=value), format="json")

    assert_refused(response, 422, "customerGroupId")
    assert state() == before


def test_a_negative_group_id_is_an_unknown_group(api, group):
    before = state()

    response = api.post("/api/customer", add_body(group, customerGroupId=-1), format="json")

    assert assert_refused(response, 400)["message"] == "Invalid customer group Id."
    assert state() == before


@pytest.mark.parametrize(
    "ids", [[-1], [0], [1.5], ["abc"], [BIG], "1,,x", "[1,2", [{"id": 1}], [True], [], ""]
)
def test_malformed_bulk_delete_ids_are_422(api, customer, ids):
    before = state()

    response = api.post("/api/customer/delete-customer", {"customerId": ids}, format="json")

    assert_refused(response, 422, "customerId")
    assert state() == before


def test_ten_thousand_and_one_ids_in_bulk_delete_are_422(api, customer):
    before = state()
    ids = list(range(customer.id, customer.id + 10_001))

    response = api.post("/api/customer/delete-customer", {"customerId": ids}, format="json")

    assert_refused(response, 422, "customerId")
    assert state() == before


def test_ten_thousand_and_one_ids_in_bulk_status_are_422(api, customer):
    before = state()
    ids = ",".join(str(i) for i in range(customer.id, customer.id + 10_001))

    response = api.post(
        "/api/customer/bulk-status", {"customerIds": ids, "statusId": 0}, format="json"
    )

    assert_refused(response, 422, "customerIds")
    assert state() == before


# --- Bodies: syntax, shape, type and size -----------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        '{"username": ',
        "{'username': 'x'}",
        "\x00",
        '{"a": 1}{"b": 2}',
        "NaN",
        '{"username": NaN}',
        "[" * 5000,
        '{"a":' * 5000,
        '{"username": "\\ud800"}',
        "\ufeff{}",
    ],
)
@pytest.mark.parametrize("path", ["/api/customer", "/api/customer-group"])
def test_malformed_json_is_a_4xx_envelope(api, group, path, raw):
    before = state()

    response = api.generic("POST", path, raw, content_type="application/json")

    assert 400 <= response.status_code < 500, response.content[:300]
    assert response.json()["status"] == 0
    assert state() == before


@pytest.mark.parametrize("raw", ["[]", "[1, 2]", '"text"', "42", "null", "true"])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/customer"),
        ("PUT", "/api/customer/{id}"),
        ("POST", "/api/customer/delete-customer"),
        ("POST", "/api/customer/bulk-status"),
        ("POST", "/api/customer-group"),
        ("PUT", "/api/customer-group/{group}"),
    ],
)
def test_json_that_is_not_an_object_is_422(api, customer, method, path, raw):
    before = state()
    url = path.format(id=customer.id, group=customer.customer_group_id)

    response = api.generic(method, url, raw, content_type="application/json")

    assert_refused(response, 422)
    assert state() == before


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/xml", "text/csv", "application/x-yaml", "image/png"]
)
def test_unsupported_content_types_are_415(api, group, content_type):
    before = state()

    response = api.generic(
        "POST", "/api/customer", json.dumps(add_body(group)), content_type=content_type
    )

    refused = assert_refused(response, 415)
    assert refused["message"] == f'Unsupported media type "{content_type}" in request.'
    assert state() == before


def test_a_body_over_the_size_limit_is_413(api, group):
    before = state()
    padding = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)

    response = api.post("/api/customer", add_body(group, lastName=padding), format="json")

    assert_refused(response, 413)
    assert state() == before


def test_unknown_body_fields_cannot_set_protected_columns(api, group):
    body = add_body(
        group,
        id=999,
        is_deleted=True,
        deleteFlag=1,
        createdBy=1,
        password_hash="x",
        created_at="2000-01-01T00:00:00Z",
    )

    response = api.post("/api/customer", body, format="json")

    assert response.status_code == 200
    created = Customer.objects.get(email="grace@example.com")
    assert created.id != 999
    assert created.is_deleted is False
    assert created.created_at.year > 2000
    assert "password" not in response.json()["data"]


# --- Duplicate query parameters ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("limit=10&limit=abc", 422),
        ("limit=abc&limit=10", 200),
        ("limit=10&status=1&status=x", 422),
        ("limit=10&count=1&count=maybe", 422),
        ("limit=10&customerGroup=1&customerGroup=-1", 422),
    ],
)
def test_duplicate_query_parameters_use_the_last_value(api, customer, query, status):
    response = api.get(f"/api/customer?{query}")

    assert response.status_code == status, response.content[:300]
    assert response.json()["status"] == (1 if status == 200 else 0)


def test_duplicate_status_filters_never_widen_the_result(api, group):
    CustomerFactory(customer_group=group, is_active=True)
    CustomerFactory(customer_group=group, is_active=False)

    response = api.get("/api/customer?limit=10&status=1&status=0")

    assert response.status_code == 200
    assert [row["isActive"] for row in response.json()["data"]] == [0]


# --- Analytics reads and event ingestion ------------------------------------------------------


def event_counts() -> tuple[int, int]:
    from analytics.models import CustomerVisit, ProductViewLog

    return CustomerVisit.objects.count(), ProductViewLog.objects.count()


@pytest.mark.parametrize(
    "event",
    [
        {"sessionKey": "ab\x00cd"},
        {"userAgent": "Mozilla\x00"},
        {"ipAddress": "127.0.0.1\x00"},
        {"ipAddress": "999.1.1.1"},
        {"sessionKey": TEN_KB},
        {"customerId": BIG},
        {"customerId": -1},
        {"customerId": 1.5},
        {"customerId": "1\x00"},
        {"occurredAt": "2026-02-30T00:00:00Z"},
        {"occurredAt": "0000-01-01T00:00:00Z"},
        {"occurredAt": "0001-01-01T00:00:00+14:00"},
        {"occurredAt": "9999-12-31T23:59:59-14:00"},
        {"occurredAt": "not a date\x00"},
        {"occurredAt": 1700000000},
    ],
)
def test_malformed_visit_events_are_422(api, event):
    before = event_counts()

    response = api.post("/api/analytics/visits", event, format="json")

    assert_refused(response, 422)
    assert event_counts() == before


def test_more_than_a_thousand_events_are_422(api):
    before = event_counts()

    response = api.post("/api/analytics/visits", [{}] * 1001, format="json")

    assert_refused(response, 422)
    assert event_counts() == before


@pytest.mark.parametrize(
    "query",
    [
        {"vendorId": BIG, "duration": "1"},
        {"vendorId": "-1", "duration": "1"},
        {"vendorId": "1", "duration": "5"},
        {"vendorId": "1\x00", "duration": "1"},
        {"vendorId": "1", "duration": "1.0"},
    ],
)
def test_malformed_vendor_graph_queries_are_422(api, query):
    response = api.get("/api/customer/vendor-graph-list", query)

    assert_refused(response, 422)


@pytest.mark.parametrize(
    "query",
    [
        {"month": "13", "year": "2026"},
        {"month": "0", "year": "2026"},
        {"month": "1", "year": "1999"},
        {"month": "1", "year": BIG},
        {"month": "\u0661", "year": "2026"},
    ],
)
def test_malformed_visit_list_queries_are_422(api, query):
    response = api.get("/api/customer/customer-visit-list", query)

    assert_refused(response, 422)


@pytest.mark.parametrize("customer_id", [BIG, "9223372036854775807", "0"])
@pytest.mark.parametrize(
    "path", ["/api/customer/order-product-list", "/api/customer/product-view-log-list"]
)
def test_huge_customer_filters_on_analytics_lists_never_fail_the_server(api, path, customer_id):
    response = api.get(path, {"limit": "10", "customerId": customer_id})

    assert response.status_code in {200, 422}, response.content[:300]
    if response.status_code == 200:
        assert response.json()["data"] == []


@pytest.mark.parametrize(
    "raw",
    [
        "[null]",
        "[1]",
        '["x"]',
        "[[]]",
        "[{}, null]",
        '[{}, "x"]',
    ],
)
@pytest.mark.parametrize("path", ["/api/analytics/visits", "/api/analytics/product-views"])
def test_a_bulk_with_an_item_that_is_not_an_object_is_422(api, path, raw):
    # Found by the schema fuzzer: `[null]` raised AttributeError in parse_events → 500.
    before = event_counts()

    response = api.generic("POST", path, raw, content_type="application/json")

    assert_refused(response, 422)
    assert event_counts() == before


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("customerGroup", "1 OR 1=1"),
        ("customerGroup", "1;DROP TABLE customers_customer"),
        ("customerGroup", "1)"),
        ("status", "10"),
        ("status", "1 OR 1=1"),
        ("date", "2026-01-01' OR '1'='1"),
    ],
)
def test_injection_shaped_filters_are_422_not_interpreted(api, customer, param, value):
    # REFERENCE.md §8.3/§8.12: the original concatenated these into SQL and matched status=10 as 1.
    response = api.get("/api/customer", {"limit": "10", param: value})

    assert_refused(response, 422, param)
    assert Customer.objects.filter(pk=customer.pk).exists()


def test_unknown_update_fields_cannot_set_protected_columns(api, group, customer, superuser):
    body = add_body(group, email="ada@example.com")
    del body["password"], body["confirmPassword"]
    body.update(
        id=999,
        isDeleted=1,
        deleteFlag=1,
        is_deleted=True,
        createdBy=superuser.id + 1,
        createdDate="2000-01-01T00:00:00Z",
        forgetPasswordKey="k",
        lastLogin="2000-01-01T00:00:00Z",
    )
    hash_before = customer.password

    response = api.put(f"/api/customer/{customer.id}", body, format="json")

    assert response.status_code == 200, response.content[:300]
    customer.refresh_from_db()
    assert customer.is_deleted is False
    assert customer.created_at.year > 2000
    assert customer.last_login is None
    assert customer.password == hash_before
    assert not Customer.objects.filter(pk=999).exists()
    data = response.json()["data"]
    assert data["id"] == customer.id
    assert data["deleteFlag"] == 0
    assert not {"password", "forgetPasswordKey"} & set(data)


@pytest.mark.parametrize(
    "ids", ["1\x00", "-1", "1.5", BIG, "abc", "", "[1,", ",".join(str(i) for i in range(1, 10_002))]
)
def test_malformed_export_selections_are_the_contracts_400(api, customer, ids):
    # API.md §3.11: missing, malformed, too many or unknown ids → 400 `Invalid customerId`.
    response = api.get("/api/customer/customer-excel-list", {"customerId": ids})

    assert assert_refused(response, 400)["message"] == "Invalid customerId"


@pytest.mark.parametrize("param", ["name", "email", "keyword", "status", "customerGroup", "date"])
def test_nul_in_an_export_all_filter_is_422(api, customer, param):
    response = api.get("/api/customer/allcustomer-excel-list", {param: "a\x00"})

    assert_refused(response, 422, param)
