"""Countries and zones (API.md §9.8), loaded by a data migration from the shipped file."""

import json
from pathlib import Path

import pytest

from customers.models import Country, Zone

DATA = json.loads(
    (Path(__file__).resolve().parents[1] / "data" / "iso3166.json").read_text(encoding="utf-8")
)


def test_the_migration_loaded_every_country_and_top_level_zone(db):
    assert Country.objects.count() == len(DATA["countries"]) == 249
    assert Zone.objects.count() == len(DATA["zones"])
    assert 3500 < Zone.objects.count() < 3700
    india = Country.objects.get(pk=356)
    assert (india.name, india.iso_code_2, india.iso_code_3, india.is_active) == (
        "India",
        "IN",
        "IND",
        True,
    )
    assert Country.objects.get(pk=840).iso_code_2 == "US"
    assert Zone.objects.get(code="US-CA").country_id == 840
    assert not Zone.objects.filter(is_active=False).exists()
    # Ids follow the file's order, the same on every machine.
    assert list(Zone.objects.order_by("id").values_list("code", flat=True)[:3]) == [
        code for code, _ in DATA["zones"][:3]
    ]


def test_a_zone_added_later_gets_a_fresh_id(db):
    zone = Zone.objects.create(country_id=356, code="IN-XX", name="Test")

    assert zone.pk > len(DATA["zones"])


def test_country_list_as_the_address_form_asks_for_it(api):
    response = api.get("/api/country?limit=0&offset=0&keyword=&count=0&status=1")

    body = response.json()
    assert body["message"] == "Successfully got country list"
    assert len(body["data"]) == 249
    names = [row["name"] for row in body["data"]]
    assert names == sorted(names)
    assert next(row for row in body["data"] if row["countryId"] == 356) == {
        "countryId": 356,
        "name": "India",
        "isoCode2": "IN",
        "isoCode3": "IND",
        "isActive": 1,
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("keyword=ind", {"India", "Indonesia", "British Indian Ocean Territory"}),
        ("keyword=DEU", {"Germany"}),
        ("keyword=nz", {"New Zealand"}),
    ],
)
def test_country_keyword(api, query, expected):
    rows = api.get(f"/api/country?{query}").json()["data"]

    assert {row["name"] for row in rows} >= expected
    assert all(
        any(
            query.split("=")[1].lower() in row[key].lower()
            for key in ("name", "isoCode2", "isoCode3")
        )
        for row in rows
    )


def test_country_status_count_and_pages(api):
    Country.objects.filter(pk=356).update(is_active=False)

    inactive = api.get("/api/country?status=0").json()["data"]
    count = api.get("/api/country?count=1&status=1").json()
    page = api.get("/api/country?limit=2&offset=1").json()["data"]

    assert [row["countryId"] for row in inactive] == [356]
    assert count == {"status": 1, "message": "Successfully got country count", "data": 248}
    assert len(page) == 2
    assert api.get("/api/country?limit=1001").status_code == 422
    assert api.get("/api/country?status=2").status_code == 422


def test_zone_list_as_the_address_form_asks_for_it(api):
    response = api.get("/api/list/zone?countryId=356")

    body = response.json()
    assert body["message"] == "Successfully got zone list"
    assert {row["countryId"] for row in body["data"]} == {356}
    assert {"IN-TN", "IN-KL"} <= {row["code"] for row in body["data"]}
    names = [row["name"] for row in body["data"]]
    assert names == sorted(names)
    assert set(body["data"][0]) == {"zoneId", "countryId", "code", "name", "isActive"}


def test_zone_filters(api):
    Zone.objects.filter(code="IN-KL").update(is_active=False)

    every = api.get("/api/list/zone?countryId=").json()["data"]
    unknown = api.get("/api/list/zone?countryId=1").json()["data"]
    kerala = api.get("/api/list/zone?countryId=356&keyword=kera").json()["data"]
    count = api.get("/api/list/zone?countryId=840&count=true").json()

    assert len(every) == Zone.objects.filter(is_active=True).count() > 1000  # no limit: all
    assert unknown == []
    assert kerala == []  # inactive zones are not listed
    assert count["message"] == "Successfully got zone count"
    assert count["data"] == Zone.objects.filter(country_id=840).count()
    assert len(api.get("/api/list/zone?limit=5&offset=5").json()["data"]) == 5
    assert api.get("/api/list/zone?limit=1001").status_code == 422
    assert api.get("/api/list/zone?countryId=abc").status_code == 422


def test_no_route_writes_reference_data(api):
    for path in ("/api/country", "/api/list/zone"):
        assert api.post(path, {}).status_code == 405
