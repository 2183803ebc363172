"""`GET /api/settings` (API.md §9.9)."""


def test_one_site_with_what_the_client_keeps(api, settings):
    settings.SHOP_NAME = "Tea & Co"
    settings.SHOP_DATE_FORMAT = "YYYY-MM-DD"
    settings.SHOP_TIME_FORMAT = "12 hrs"
    settings.TIME_ZONE = "Asia/Kolkata"

    response = api.get("/api/settings?defaultWebsite=1&whatever=x")

    assert response.json() == {
        "status": 1,
        "message": "Successfully got settings",
        "data": [
            {
                "id": 2,
                "storeName": "Tea & Co",
                "itemsPerPage": 10,
                "dateFormat": "YYYY-MM-DD",
                "timeFormat": "12 hrs",
                "timeZone": "Asia/Kolkata",
            }
        ],
    }


def test_needs_a_token_and_only_get(anon, api):
    assert anon.get("/api/settings").status_code == 401
    assert api.post("/api/settings").status_code == 405
