"""GET /api/customer: the list, its filters and count (API.md §1, §3.2)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from customers.filters import CustomerFilter
from customers.models import Customer
from customers.tests.factories import CustomerFactory, CustomerGroupFactory

pytestmark = pytest.mark.django_db

URL = "/api/customer"
ROW_KEYS = {
    "id", "firstName", "lastName", "username", "email", "mobileNumber", "isActive",
    "customerGroupId", "customerGroupName", "createdDate", "modifiedDate",
}  # fmt: skip


def at(*args, tz="UTC") -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=ZoneInfo(tz))


def ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["data"]]


def test_list_rows_newest_first_with_the_group_name(api, group):
    older = CustomerFactory(customer_group=group, created_at=at(2026, 1, 1))
    newer = CustomerFactory(customer_group=None, created_at=at(2026, 2, 1), is_active=False)
    same_time = CustomerFactory(customer_group=group, created_at=at(2026, 2, 1))

    response = api.get(URL, {"limit": 10})

    payload = response.json()
    assert payload["status"] == 1
    assert payload["message"] == "Successfully got Customer list."
    assert ids(response) == [same_time.pk, newer.pk, older.pk]
    rows = payload["data"]
    assert set(rows[0]) == ROW_KEYS
    assert rows[0]["customerGroupName"] == "Retail"
    assert rows[0]["customerGroupId"] == group.pk
    assert rows[0]["isActive"] == 1
    assert rows[1]["customerGroupName"] is None
    assert rows[1]["customerGroupId"] is None
    assert rows[1]["isActive"] == 0
    assert rows[2]["createdDate"].startswith("2026-01-01T00:00:00")
    assert rows[2]["createdDate"].endswith("Z")
    assert rows[2]["username"] == older.username
    assert rows[2]["mobileNumber"] == older.mobile_number


def test_deleted_customers_are_not_listed_or_counted(api, customer):
    CustomerFactory(is_deleted=True)

    assert ids(api.get(URL, {"limit": 10})) == [customer.pk]
    assert api.get(URL, {"count": 1}).json()["data"] == 1


def test_limit_and_offset_page_through_the_list(api, group):
    made = [CustomerFactory(created_at=at(2026, 1, day)) for day in range(1, 6)]
    newest_first = [c.pk for c in reversed(made)]

    assert ids(api.get(URL, {"limit": 2})) == newest_first[:2]
    assert ids(api.get(URL, {"limit": 2, "offset": 2})) == newest_first[2:4]
    assert ids(api.get(URL, {"limit": 1000, "offset": 4})) == newest_first[4:]


@pytest.mark.parametrize("value", ["1", "true", "TRUE", "True"])
def test_count_answers_the_total_as_an_integer(api, customer, value):
    CustomerFactory()

    response = api.get(URL, {"count": value, "limit": "abc", "offset": "-1"})

    assert response.status_code == 200
    assert response.json() == {"status": 1, "message": "Successfully got count ", "data": 2}


@pytest.mark.parametrize("value", ["0", "false", ""])
def test_count_off_returns_rows(api, customer, value):
    assert ids(api.get(URL, {"count": value, "limit": 5})) == [customer.pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "limit"),
        ({"limit": ""}, "limit"),
        ({"limit": "abc"}, "limit"),
        ({"limit": "1.5"}, "limit"),
        ({"limit": "1e3"}, "limit"),
        ({"limit": "0x10"}, "limit"),
        ({"limit": "-1"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"limit": "1001"}, "limit"),
        ({"limit": "10", "offset": "-1"}, "offset"),
        ({"limit": "10", "offset": "x"}, "offset"),
        ({"limit": "10", "offset": str(2**64)}, "offset"),
        ({"count": "maybe"}, "count"),
        ({"limit": "10", "status": "2"}, "status"),
        ({"limit": "10", "status": "true"}, "status"),
        ({"limit": "10", "customerGroup": "abc"}, "customerGroup"),
        ({"limit": "10", "customerGroup": "1 OR 1=1"}, "customerGroup"),
        ({"limit": "10", "customerGroup": "-1"}, "customerGroup"),
        ({"limit": "10", "customerGroup": str(2**64)}, "customerGroup"),
        ({"limit": "10", "date": "2026-13-01"}, "date"),
        ({"limit": "10", "date": "2026-02-30"}, "date"),
        ({"limit": "10", "date": "26-01-01"}, "date"),
        ({"limit": "10", "date": "2026/01/01"}, "date"),
        ({"limit": "10", "date": "2026-01-01 10:00"}, "date"),
        ({"limit": "10", "date": "2026-1-01"}, "date"),
        ({"limit": "10", "date": "\uff12\uff10\uff12\uff16-01-01"}, "date"),
        ({"limit": "10", "name": "a\x00b"}, "name"),
        ({"limit": "10", "email": "a\x00b"}, "email"),
        ({"limit": "10", "keyword": "\x00"}, "keyword"),
        ({"limit": "10", "name": "x" * 256}, "name"),
    ],
)
def test_invalid_parameters_are_422_naming_the_parameter(api, customer, params, field):
    response = api.get(URL, params)

    assert response.status_code == 422, response.json()
    assert field in response.json()["errors"]
    assert response.json()["status"] == 0


def test_empty_filters_mean_no_filter(api, customer):
    params = {"limit": 10, "name": "", "email": "", "status": "", "customerGroup": ""}
    params.update({"date": "", "keyword": ""})

    assert ids(api.get(URL, params)) == [customer.pk]


def test_name_matches_first_last_or_full_name_case_insensitively(api, group):
    ada = CustomerFactory(first_name="Ada", last_name="Lovelace")
    alan = CustomerFactory(first_name="Alan", last_name="Turing")
    no_last = CustomerFactory(first_name="Adamo", last_name=None)

    assert set(ids(api.get(URL, {"limit": 10, "name": "ADA"}))) == {ada.pk, no_last.pk}
    assert ids(api.get(URL, {"limit": 10, "name": "turing"})) == [alan.pk]
    assert ids(api.get(URL, {"limit": 10, "name": "a lovel"})) == [ada.pk]
    assert ids(api.get(URL, {"limit": 10, "name": "Ada Lovelace"})) == [ada.pk]
    assert ids(api.get(URL, {"limit": 10, "name": "zzz"})) == []


def test_like_wildcards_in_filters_are_literal(api, group):
    CustomerFactory(first_name="Ada")

    assert ids(api.get(URL, {"limit": 10, "name": "%"})) == []
    assert ids(api.get(URL, {"limit": 10, "name": "_"})) == []
    assert ids(api.get(URL, {"limit": 10, "email": "' OR 1=1 --"})) == []


def test_email_filter_is_a_case_insensitive_substring(api, group):
    match = CustomerFactory(email="someone@shop.example")
    CustomerFactory(email="other@else.example")

    assert ids(api.get(URL, {"limit": 10, "email": "SHOP.EX"})) == [match.pk]


def test_status_filter_is_exact(api, group):
    active = CustomerFactory(is_active=True)
    inactive = CustomerFactory(is_active=False)

    assert ids(api.get(URL, {"limit": 10, "status": "1"})) == [active.pk]
    assert ids(api.get(URL, {"limit": 10, "status": "0"})) == [inactive.pk]


def test_customer_group_filter(api, group):
    other = CustomerGroupFactory()
    mine = CustomerFactory(customer_group=group)
    CustomerFactory(customer_group=other)

    assert ids(api.get(URL, {"limit": 10, "customerGroup": str(group.pk)})) == [mine.pk]
    assert ids(api.get(URL, {"limit": 10, "customerGroup": "999999"})) == []


def test_date_filter_by_day_and_month_in_the_configured_time_zone(api, group, settings):
    settings.TIME_ZONE = "Asia/Tokyo"  # UTC+9
    # 2026-03-01 08:00 in Tokyo = 2026-02-28 23:00 UTC.
    early = CustomerFactory(created_at=at(2026, 2, 28, 23, 0))
    late = CustomerFactory(created_at=at(2026, 3, 1, 14, 59))  # 23:59 Tokyo
    CustomerFactory(created_at=at(2026, 3, 1, 15, 0))  # 2026-03-02 00:00 Tokyo
    CustomerFactory(created_at=at(2026, 2, 28, 14, 59))  # 2026-02-28 23:59 Tokyo

    assert set(ids(api.get(URL, {"limit": 10, "date": "2026-03-01"}))) == {early.pk, late.pk}
    assert len(ids(api.get(URL, {"limit": 10, "date": "2026-03"}))) == 3
    assert len(ids(api.get(URL, {"limit": 10, "date": "2026-02"}))) == 1


def test_dates_at_the_edge_of_the_calendar_never_fail(api, customer, settings):
    settings.TIME_ZONE = "Asia/Tokyo"

    assert api.get(URL, {"limit": 10, "date": "0001-01-01"}).status_code == 422
    assert api.get(URL, {"limit": 10, "date": "9999-12"}).status_code == 422
    assert ids(api.get(URL, {"limit": 10, "date": "9999-11"})) == []


def test_keyword_matches_names_email_or_group_name(api, group):
    vip = CustomerGroupFactory(name="Wholesale VIP")
    by_group = CustomerFactory(customer_group=vip, first_name="Zed", last_name="Q")
    by_first = CustomerFactory(first_name="Vipul", last_name="X")
    by_email = CustomerFactory(email="vip.buyer@example.com", first_name="N", last_name="M")
    CustomerFactory(first_name="Nobody", last_name="Else", customer_group=group)

    found = set(ids(api.get(URL, {"limit": 10, "keyword": "vip"})))

    assert found == {by_group.pk, by_first.pk, by_email.pk}


def test_filters_combine_with_and(api, group):
    match = CustomerFactory(first_name="Ada", is_active=True, customer_group=group)
    CustomerFactory(first_name="Ada", is_active=False, customer_group=group)
    CustomerFactory(first_name="Ada", is_active=True, customer_group=CustomerGroupFactory())

    params = {"limit": 10, "name": "ada", "status": "1", "customerGroup": group.pk}
    assert ids(api.get(URL, params)) == [match.pk]
    params["count"] = "1"
    assert api.get(URL, params).json()["data"] == 1


@pytest.mark.parametrize("size", [1, 40])
def test_the_list_costs_a_fixed_number_of_queries(api, group, size, django_assert_max_num_queries):
    for _ in range(size):
        CustomerFactory(customer_group=CustomerGroupFactory())

    # Authentication (staff user) + the groups matching the keyword + the page itself.
    with django_assert_max_num_queries(3):
        response = api.get(URL, {"limit": 1000, "keyword": "a"})

    assert response.status_code == 200


def test_the_count_is_one_query(api, customer, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        api.get(URL, {"count": 1, "name": "ada"})


def test_the_filterset_is_usable_outside_the_api(group):
    wanted = CustomerFactory(first_name="Ada", customer_group=group)
    # A fixed last name: Faker's (Adams, Adair...) would match "ada" now and then.
    CustomerFactory(first_name="Bob", last_name="Stone")
    CustomerFactory(first_name="Ada", is_deleted=True)

    good = CustomerFilter(data={"name": "ada"}, queryset=Customer.objects.alive())
    bad = CustomerFilter(data={"status": "x", "date": "2026-99"}, queryset=Customer.objects.alive())

    assert good.is_valid()
    assert list(good.qs) == [wanted]
    assert not bad.is_valid()
    assert set(bad.errors) == {"status", "date"}


def test_list_is_served_under_the_admin_customer_alias(api, customer):
    assert ids(api.get("/api/admin-customer", {"limit": 10})) == [customer.pk]
    assert ids(api.get("/api/customer/", {"limit": 10})) == [customer.pk]


def test_list_needs_a_token(anon):
    assert anon.get(URL, {"limit": 10}).status_code == 401


def test_list_needs_the_view_permission(staff_factory, customer):
    _, writer = staff_factory("writer", "customers.add_customer", "customers.change_customer")
    _, viewer = staff_factory("viewer", "customers.view_customer")

    refused = writer.get(URL, {"limit": 10})

    assert refused.status_code == 403
    assert "data" not in refused.json()
    assert viewer.get(URL, {"limit": 10}).status_code == 200


def test_deep_offsets_return_the_same_rows_as_the_plain_order(api, group):
    # Past DEFERRED_JOIN_OFFSET the page's keys are looked up first; rows and order must not
    # change. Equal timestamps make the id tie-break matter too.
    stamp = timezone.now()
    Customer.objects.bulk_create(
        Customer(
            first_name=f"C{i}",
            email=f"deep{i}@example.com",
            username=f"deep{i}@example.com",
            mobile_number="07700900123",
            customer_group=group,
            created_at=stamp - datetime.timedelta(minutes=i // 3),
        )
        for i in range(1010)
    )
    expected = list(
        Customer.objects.alive().order_by("-created_at", "-id").values_list("pk", flat=True)
    )[995:1010]

    response = api.get(URL, {"limit": 15, "offset": 995})
    deep = api.get(URL, {"limit": 10, "offset": 1000})

    assert [row["id"] for row in response.json()["data"]] == expected
    assert [row["id"] for row in deep.json()["data"]] == expected[5:]


@pytest.fixture
def shallow_deep_pages(monkeypatch):
    """Deep-page handling from offset 3, so a dozen customers exercise every path of it."""
    from ecommerce_admin.api import pagination

    monkeypatch.setattr(pagination, "DEFERRED_JOIN_OFFSET", 3)


def _twelve_alive_customers(group) -> list[int]:
    stamp = timezone.now()
    for i in range(14):
        CustomerFactory(
            customer_group=group if i % 2 else None,
            created_at=stamp - datetime.timedelta(minutes=i // 3),  # ties: the id decides
            is_deleted=i in (4, 9),
            is_active=i % 5 != 0,
        )
    return list(
        Customer.objects.alive().order_by("-created_at", "-id").values_list("pk", flat=True)
    )


@pytest.mark.parametrize("limit", [1, 4, 5, 20])
def test_every_page_equals_the_same_slice_of_the_whole_list(api, group, shallow_deep_pages, limit):
    # Past the middle of the unfiltered list, the page is found from its other end with the
    # counters' total (ecommerce_admin/api/pagination.py): rows and order must not change, up
    # to and beyond the last row.
    newest_first = _twelve_alive_customers(group)
    assert len(newest_first) == 12

    for offset in range(0, 15):
        page = ids(api.get(URL, {"limit": limit, "offset": offset}))
        assert page == newest_first[offset : offset + limit], (offset, limit)


def test_deep_pages_of_a_filtered_list_are_its_own_slices(api, group, shallow_deep_pages):
    _twelve_alive_customers(group)
    active = list(
        Customer.objects.alive()
        .filter(is_active=True)
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)
    )

    for offset in range(0, len(active) + 2):
        page = ids(api.get(URL, {"limit": 3, "offset": offset, "status": 1}))
        assert page == active[offset : offset + 3], offset


def test_a_deep_page_matches_the_list_after_writes(api, group, shallow_deep_pages):
    newest_first = _twelve_alive_customers(group)
    gone = Customer.objects.get(pk=newest_first[2])
    assert api.delete(f"{URL}/{gone.pk}").status_code == 200
    CustomerFactory(customer_group=group)  # the newest now
    expected = list(
        Customer.objects.alive().order_by("-created_at", "-id").values_list("pk", flat=True)
    )

    assert ids(api.get(URL, {"limit": 4, "offset": 9})) == expected[9:13]


def test_the_unfiltered_count_is_read_from_the_counters(api, group):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _twelve_alive_customers(group)

    with CaptureQueriesContext(connection) as unfiltered:
        total = api.get(URL, {"count": 1}).json()["data"]
    with CaptureQueriesContext(connection) as filtered:
        active = api.get(URL, {"count": 1, "status": 1}).json()["data"]

    assert total == Customer.objects.alive().count() == 12
    assert active == Customer.objects.alive().filter(is_active=True).count()
    assert not any('FROM "customers_customer"' in q["sql"] for q in unfiltered.captured_queries)
    assert any('FROM "customers_customer"' in q["sql"] for q in filtered.captured_queries)


def test_filtersets_share_one_form_class_but_never_a_bound_form(group):
    # The form class is built once per FilterSet class (ecommerce_admin/filtersets.py); each
    # FilterSet still validates its own data.
    bad = CustomerFilter(data={"status": "x"}, queryset=Customer.objects.alive())
    good = CustomerFilter(data={"status": "1"}, queryset=Customer.objects.alive())

    assert type(bad.form) is type(good.form)
    assert bad.form is not good.form
    assert not bad.is_valid()
    assert good.is_valid()
    assert "status" in bad.errors
    assert not good.errors


def test_the_compiled_unfiltered_page_equals_the_orm_slice_value_for_value(api, group):
    from customers import selectors
    from customers.querysets import as_list_rows

    _twelve_alive_customers(group)

    for offset in range(0, 14):
        for limit in (1, 5, 1000):
            compiled = as_list_rows(selectors.alive_list_page(offset, limit))
            sliced = as_list_rows(selectors.alive_list_rows()[offset : offset + limit])
            assert compiled == sliced, (offset, limit)
    first = selectors.alive_list_page(0, 1)[0]
    assert isinstance(first["createdDate"], datetime.datetime)  # converted, on SQLite too
    assert first["createdDate"].tzinfo is not None
    assert ids(api.get(URL, {"limit": 5, "offset": 2})) == [
        row["id"] for row in selectors.alive_list_rows()[2:7]
    ]


@pytest.mark.parametrize(
    "build",
    [
        lambda: Customer.objects.order_by("id"),  # model instances, not .values()
        lambda: Customer.objects.values("id"),  # no order
        lambda: Customer.objects.values("id").order_by("id")[:5],  # already sliced
    ],
)
def test_a_compiled_page_refuses_querysets_it_cannot_page(build):
    from ecommerce_admin.statements import CompiledPage

    with pytest.raises(TypeError):
        CompiledPage(build).page(0, 1)
