"""Avatars are re-encoded and size-capped (security finding 7): a PNG with appended HTML (a
polyglot) comes out as a plain PNG, metadata is dropped, and a tiny file declaring 81 Mpx is
refused with the contract's 422 before any pixel is decoded."""

import base64
import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin

from customers.tests.conftest import db_state

pytestmark = pytest.mark.django_db

HTML = b"<html><script>alert(document.cookie)</script></html>"


def url(pk) -> str:
    return f"/api/customer/{pk}"


def body(customer, avatar):
    return {
        "customerGroupId": customer.customer_group_id,
        "username": "Augusta",
        "mobileNumber": "07700 900123",
        "mailStatus": 1,
        "status": 0,
        "avatar": avatar,
    }


def uri(data: bytes, declared="png") -> str:
    return f"data:image/{declared};base64,{base64.b64encode(data).decode()}"


def png_bytes(size=(8, 8), **save_options) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, format="PNG", **save_options)
    return out.getvalue()


def stored_avatar(settings, data) -> bytes:
    return Path(settings.MEDIA_ROOT, "customer", data["avatar"]).read_bytes()


def test_a_png_with_appended_html_is_stored_without_it(api, customer, settings):
    polyglot = png_bytes() + HTML

    response = api.put(url(customer.pk), body(customer, uri(polyglot)), format="json")

    assert response.status_code == 200, response.json()
    stored = stored_avatar(settings, response.json()["data"])
    assert b"<script" not in stored
    assert b"<html" not in stored
    assert stored.endswith(b"IEND\xaeB`\x82")  # ends where a PNG ends
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (8, 8)
        assert image.getpixel((0, 0))[:3] == (10, 120, 200)


def test_metadata_is_not_stored(api, customer, settings):
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "GPS 51.5007,-0.1246 <script>x</script>")
    tagged = png_bytes(pnginfo=text, icc_profile=b"\0" * 128)
    jpeg = io.BytesIO()
    exif = Image.Exif()
    exif[0x010E] = "secret description"  # ImageDescription
    Image.new("RGB", (8, 8), "red").save(jpeg, format="JPEG", exif=exif.tobytes())

    for data, declared in ((tagged, "png"), (jpeg.getvalue(), "jpeg")):
        response = api.put(url(customer.pk), body(customer, uri(data, declared)), format="json")

        assert response.status_code == 200, response.json()
        stored = stored_avatar(settings, response.json()["data"])
        assert b"GPS" not in stored
        assert b"secret description" not in stored
        assert b"script" not in stored
        with Image.open(io.BytesIO(stored)) as image:
            assert "icc_profile" not in image.info
            assert not image.getexif()


def bomb_png(width: int, height: int) -> bytes:
    """A valid PNG header declaring width x height, with a tiny compressed body (all zeros)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    row = b"\0" * (width + 1)
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("width", "height"),
    [
        pytest.param(9000, 9000, id="81-megapixels"),
        pytest.param(4097, 16, id="too-wide"),
        pytest.param(16, 4097, id="too-tall"),
    ],
)
def test_an_oversized_image_is_422_and_nothing_is_written(api, customer, settings, width, height):
    data = bomb_png(width, height)
    assert len(data) < 2 * 2**20
    before = db_state()

    response = api.put(url(customer.pk), body(customer, uri(data)), format="json")

    assert response.status_code == 422, response.json()
    assert response.json()["status"] == 0
    assert "4096x4096" in str(response.json()["errors"]["avatar"])
    assert db_state() == before
    assert not Path(settings.MEDIA_ROOT).exists() or not any(
        Path(settings.MEDIA_ROOT).rglob("*.png")
    )


def test_the_largest_allowed_image_is_accepted(api, customer, settings):
    response = api.put(url(customer.pk), body(customer, uri(bomb_png(4096, 4096))), format="json")

    assert response.status_code == 200, response.json()
    with Image.open(io.BytesIO(stored_avatar(settings, response.json()["data"]))) as image:
        assert image.size == (4096, 4096)
