"""`GET /api/media/image-resize`: public avatars for the original admin (API.md §9.10)."""

import base64
import io
import re
from pathlib import Path

import pytest
from PIL import Image

from customers.models import Customer

URL = "/api/media/image-resize"
NOT_FOUND = {"status": 0, "message": "Image not found."}


def data_uri(fmt: str, size=(400, 200), mode="RGB") -> str:
    buffer = io.BytesIO()
    Image.new(mode, size, "teal").save(buffer, format=fmt)
    kind = {"JPEG": "jpeg"}.get(fmt, fmt.lower())
    return f"data:image/{kind};base64," + base64.b64encode(buffer.getvalue()).decode()


def give_avatar(api, customer, uri) -> str:
    response = api.put(
        f"/api/customer/{customer.pk}",
        {
            "customerGroupId": customer.customer_group_id,
            "username": customer.first_name,
            "mobileNumber": customer.mobile_number,
            "mailStatus": 0,
            "status": 1,
            "avatar": uri,
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    return response.json()["data"]["avatar"]


def fetch(client, name, path="customer/", **sizes):
    query = {"path": path, "name": name, **sizes}
    return client.get(URL, query)


def test_the_stored_name_carries_128_random_bits(api, customer):
    name = give_avatar(api, customer, data_uri("PNG"))

    assert re.fullmatch(r"Img_[0-9]+_[0-9a-f]{32}\.png", name)


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("GIF", "image/gif"), ("WEBP", "image/webp")],
)
def test_public_scaled_in_its_own_format(api, anon, customer, fmt, content_type):
    name = give_avatar(api, customer, data_uri(fmt))

    response = fetch(anon, name, width="100", height="100", HTTP_AUTHORIZATION="Bearer junk")

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Cache-Control"] == "private"
    image = Image.open(io.BytesIO(response.content))
    assert (image.format, image.size) == (fmt, (100, 50))


@pytest.mark.parametrize(
    ("sizes", "expected"),
    [
        ({}, (400, 200)),
        ({"width": "", "height": ""}, (400, 200)),
        ({"width": "200"}, (200, 100)),
        ({"height": "50"}, (100, 50)),
        ({"width": "1000", "height": "1000"}, (400, 200)),  # never enlarged
        ({"width": "3", "height": "1000"}, (3, 2)),  # 1.5 rounds to whole pixels
    ],
)
def test_fit_keeps_the_aspect_ratio(api, anon, customer, sizes, expected):
    name = give_avatar(api, customer, data_uri("PNG"))

    response = fetch(anon, name, **sizes)

    assert Image.open(io.BytesIO(response.content)).size == expected


def test_without_a_size_the_stored_bytes(api, anon, customer, settings):
    name = give_avatar(api, customer, data_uri("PNG"))
    stored = Path(settings.MEDIA_ROOT, "customer", name).read_bytes()

    assert fetch(anon, name).content == stored


@pytest.mark.parametrize("value", ["0", "2001", "-5", "1.5", "abc", "1e3", " 10"])
@pytest.mark.parametrize("side", ["width", "height"])
def test_bad_sizes_are_422_before_the_name_is_looked_at(anon, db, side, value):
    response = fetch(anon, "whatever.png", **{side: value})

    assert response.status_code == 422
    assert list(response.json()["errors"]) == [side]


def test_only_avatars_of_live_customers(api, anon, customer, settings):
    name = give_avatar(api, customer, data_uri("PNG"))
    Path(settings.MEDIA_ROOT, "secret.png").write_bytes(b"x")

    cases = [
        fetch(anon, name, path="product/"),
        fetch(anon, name, path=""),
        fetch(anon, "../secret.png"),
        fetch(anon, "a/b.png"),
        fetch(anon, "a\\b.png"),
        fetch(anon, "Img_1.jpg", path="product/"),
        fetch(anon, "Img_0_" + "0" * 32 + ".png"),
        fetch(anon, ""),
    ]
    Customer.objects.filter(pk=customer.pk).update(is_deleted=True)
    cases.append(fetch(anon, name))

    for response in cases:
        assert response.status_code == 404
        assert response.json() == NOT_FOUND


def test_a_file_missing_from_storage_is_404(api, anon, customer, settings):
    name = give_avatar(api, customer, data_uri("PNG"))
    Path(settings.MEDIA_ROOT, "customer", name).unlink()

    assert fetch(anon, name).json() == NOT_FOUND


def test_other_methods_are_405(anon, db):
    assert anon.post(URL).status_code == 405
