"""PUT /api/customer/{id} (API.md §3.5), avatar included."""

import base64
import io
import os
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib.auth.hashers import check_password
from django.core import mail
from PIL import Image

from customers.models import Customer
from customers.tests.conftest import db_state
from customers.tests.factories import CustomerFactory, CustomerGroupFactory

pytestmark = pytest.mark.django_db


def url(pk) -> str:
    return f"/api/customer/{pk}"


def body(customer, **overrides):
    data = {
        "customerGroupId": customer.customer_group_id,
        "username": "Augusta",
        "mobileNumber": "07700 900123",
        "mailStatus": 1,
        "status": 0,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not ...}


def image_uri(fmt="PNG", declared="png", size=(4, 4)) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 10, 10)).save(buffer, format=fmt)
    return f"data:image/{declared};base64,{base64.b64encode(buffer.getvalue()).decode()}"


def media_files(settings) -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_update_changes_the_customer_and_returns_the_full_object(api, customer, superuser):
    other_group = CustomerGroupFactory(name="Wholesale")
    old_hash = customer.password

    response = api.put(
        url(customer.pk), body(customer, customerGroupId=other_group.pk), format="json"
    )

    assert response.status_code == 200, response.json()
    payload = response.json()
    assert payload["message"] == "Customer Updated Successfully"
    data = payload["data"]
    assert data["firstName"] == "Augusta"
    assert data["lastName"] == "Lovelace"  # absent: kept
    assert data["mobileNumber"] == "07700900123"
    assert data["customerGroupId"] == other_group.pk
    assert data["customerGroupName"] == "Wholesale"
    assert data["isActive"] == 0
    assert data["mailStatus"] == 1
    assert data["modifiedBy"] == superuser.pk
    assert "password" not in data
    customer.refresh_from_db()
    assert customer.first_name == "Augusta"
    assert customer.password == old_hash
    assert customer.mail_status is True
    assert mail.outbox == []  # never a mail on update


def test_update_accepts_a_urlencoded_body(api, customer):
    response = api.generic(
        "PUT",
        url(customer.pk),
        urlencode(body(customer, email="New@Example.com", status="1")),
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200, response.json()
    customer.refresh_from_db()
    assert customer.email == customer.username == "new@example.com"
    assert customer.is_active is True


def test_update_with_a_trailing_slash_and_the_alias(api, customer):
    response = api.put(f"/api/admin-customer/{customer.pk}/", body(customer), format="json")

    assert response.status_code == 200


def test_a_new_password_is_rehashed(api, customer):
    response = api.put(
        url(customer.pk),
        body(customer, password="Another-pass9", confirmPassword="Another-pass9"),
        format="json",
    )

    assert response.status_code == 200
    customer.refresh_from_db()
    assert check_password("Another-pass9", customer.password)


@pytest.mark.parametrize(
    "passwords",
    [
        {"password": "Another-pass9", "confirmPassword": "Another-pass8"},
        {"password": "Another-pass9"},
        {"confirmPassword": "Another-pass9"},
        {"password": "Another-pass9", "confirmPassword": ""},
    ],
)
def test_passwords_that_differ_or_come_alone_are_refused(api, customer, passwords):
    before = db_state()

    response = api.put(url(customer.pk), body(customer, **passwords), format="json")

    assert response.status_code == 400
    assert response.json() == {"status": 0, "message": "Password does not match."}
    assert db_state() == before


def test_empty_passwords_keep_the_password(api, customer):
    old_hash = customer.password

    response = api.put(
        url(customer.pk), body(customer, password="", confirmPassword=None), format="json"
    )

    assert response.status_code == 200
    customer.refresh_from_db()
    assert customer.password == old_hash


def test_a_weak_new_password_is_422(api, customer):
    response = api.put(
        url(customer.pk), body(customer, password="weak", confirmPassword="weak"), format="json"
    )

    assert response.status_code == 422
    assert "password" in response.json()["errors"]


@pytest.mark.parametrize("pk", [999_999, 2**63, 10**25])
def test_unknown_customer_is_400(api, customer, pk):
    before = db_state()

    response = api.put(url(pk), body(customer), format="json")

    assert response.status_code == 400
    assert response.json() == {"status": 0, "message": "Invalid customer id."}
    assert db_state() == before


def test_a_deleted_customer_cannot_be_updated(api, group):
    gone = CustomerFactory(customer_group=group, is_deleted=True)
    before = db_state()

    response = api.put(url(gone.pk), body(gone), format="json")

    assert response.json()["message"] == "Invalid customer id."
    assert db_state() == before


def test_an_email_used_by_another_live_customer_is_refused(api, customer):
    CustomerFactory(email="taken@example.com")
    before = db_state()

    response = api.put(url(customer.pk), body(customer, email="Taken@example.com"), format="json")

    assert response.status_code == 400
    assert response.json() == {"status": 0, "message": "MailId is already registered"}
    assert db_state() == before


def test_the_customer_may_keep_its_own_email_and_take_a_deleted_ones(api, customer):
    CustomerFactory(email="gone@example.com", is_deleted=True)

    same = api.put(url(customer.pk), body(customer, email=customer.email), format="json")
    reused = api.put(url(customer.pk), body(customer, email="gone@example.com"), format="json")

    assert same.status_code == 200
    assert reused.status_code == 200


def test_an_unknown_group_is_refused(api, customer):
    before = db_state()

    response = api.put(url(customer.pk), body(customer, customerGroupId=987654), format="json")

    assert response.status_code == 400
    assert response.json() == {"status": 0, "message": "Invalid customer group Id."}
    assert db_state() == before


def test_customer_number_must_be_unique_among_live_customers(api, customer):
    CustomerFactory(customer_no="C-001")
    CustomerFactory(customer_no="C-002", is_deleted=True)
    before = db_state()

    taken = api.put(url(customer.pk), body(customer, customerNo="C-001"), format="json")

    assert taken.status_code == 400
    assert taken.json() == {"status": 0, "message": "Customer number is already in use"}
    assert db_state() == before
    reused = api.put(url(customer.pk), body(customer, customerNo="C-002"), format="json")
    assert reused.status_code == 200
    assert reused.json()["data"]["customerNo"] == "C-002"


def test_optional_text_fields_are_set_cleared_or_kept(api, customer):
    api.put(
        url(customer.pk),
        body(customer, realName="Augusta Ada King", customerNo="N1", newsletter="1"),
        format="json",
    )
    customer.refresh_from_db()
    assert (customer.real_name, customer.customer_no, customer.newsletter) == (
        "Augusta Ada King",
        "N1",
        True,
    )

    api.put(url(customer.pk), body(customer), format="json")  # absent: kept
    customer.refresh_from_db()
    assert (customer.real_name, customer.customer_no, customer.last_name) == (
        "Augusta Ada King",
        "N1",
        "Lovelace",
    )

    response = api.put(
        url(customer.pk), body(customer, realName="", customerNo=None, lastName=""), format="json"
    )
    customer.refresh_from_db()
    # API.md §9.2: "" or null for lastName is the admin client's placeholder, so it keeps the name.
    assert (customer.real_name, customer.customer_no, customer.last_name) == (
        None,
        None,
        "Lovelace",
    )
    assert response.json()["data"]["realName"] is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"customerGroupId": ...}, "customerGroupId"),
        ({"customerGroupId": "x"}, "customerGroupId"),
        ({"customerGroupId": 2**64}, "customerGroupId"),
        ({"username": ...}, "username"),
        ({"username": ""}, "username"),
        ({"username": "x" * 33}, "username"),
        ({"email": "nope"}, "email"),
        ({"email": ""}, "email"),
        ({"email": None}, "email"),
        ({"mobileNumber": ...}, "mobileNumber"),
        ({"mobileNumber": "123"}, "mobileNumber"),
        ({"mailStatus": ...}, "mailStatus"),
        ({"mailStatus": 3}, "mailStatus"),
        ({"status": ...}, "status"),
        ({"status": "on"}, "status"),
        ({"newsletter": "2"}, "newsletter"),
        ({"realName": "x" * 256}, "realName"),
        ({"customerNo": "x" * 65}, "customerNo"),
        ({"customerNo": "a\x00"}, "customerNo"),
        ({"lastName": "\x00"}, "lastName"),
        ({"avatar": 12}, "avatar"),
    ],
)
def test_invalid_fields_are_422(api, customer, overrides, field):
    before = db_state()

    response = api.put(url(customer.pk), body(customer, **overrides), format="json")

    assert response.status_code == 422, response.json()
    assert field in response.json()["errors"]
    assert db_state() == before


def test_update_never_changes_fields_outside_the_contract(api, customer):
    response = api.put(
        url(customer.pk),
        body(customer, id=999, password_hash="x", isDeleted=1, deleteFlag=1, createdBy=5),
        format="json",
    )

    assert response.status_code == 200
    customer.refresh_from_db()
    assert customer.pk != 999
    assert customer.is_deleted is False
    assert customer.created_by_id is None


# --- Avatar ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("fmt", "declared", "ext"),
    [
        ("PNG", "png", "png"),
        ("JPEG", "jpeg", "jpg"),
        ("JPEG", "jpg", "jpg"),
        ("GIF", "gif", "gif"),
        ("WEBP", "webp", "webp"),
    ],
)
def test_an_avatar_is_verified_and_stored_under_customer(
    api, customer, settings, fmt, declared, ext
):
    response = api.put(
        url(customer.pk), body(customer, avatar=image_uri(fmt, declared)), format="json"
    )

    assert response.status_code == 200, response.json()
    data = response.json()["data"]
    assert data["avatarPath"] == "customer/"
    assert data["avatar"].endswith(f".{ext}")
    assert media_files(settings) == [f"customer/{data['avatar']}"]
    stored = Path(settings.MEDIA_ROOT, "customer", data["avatar"]).read_bytes()
    assert Image.open(io.BytesIO(stored)).format == fmt


def test_a_new_avatar_replaces_the_old_file_after_commit(
    api, customer, settings, django_capture_on_commit_callbacks
):
    first = api.put(url(customer.pk), body(customer, avatar=image_uri()), format="json")
    old_name = first.json()["data"]["avatar"]

    with django_capture_on_commit_callbacks(execute=True):
        second = api.put(
            url(customer.pk), body(customer, avatar=image_uri("GIF", "gif")), format="json"
        )

    new_name = second.json()["data"]["avatar"]
    assert new_name != old_name
    assert media_files(settings) == [f"customer/{new_name}"]


@pytest.mark.parametrize("placeholder", ["", None])
def test_an_empty_or_null_avatar_keeps_it_as_an_absent_one_does(
    api, customer, settings, django_capture_on_commit_callbacks, placeholder
):
    # API.md §9.2: the original admin sends avatar "" on every save; it must not remove it.
    api.put(url(customer.pk), body(customer, avatar=image_uri()), format="json")
    customer.refresh_from_db()
    stored = customer.avatar

    kept = api.put(url(customer.pk), body(customer), format="json").json()["data"]
    with django_capture_on_commit_callbacks(execute=True):
        again = api.put(url(customer.pk), body(customer, avatar=placeholder), format="json")
    again = again.json()["data"]

    assert kept["avatar"] == again["avatar"] == stored
    assert again["avatarPath"] == "customer/"
    assert media_files(settings) == [f"customer/{stored}"]


def svg_uri() -> str:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


@pytest.mark.parametrize(
    "avatar",
    [
        pytest.param(svg_uri(), id="svg"),
        pytest.param(
            "data:image/svg;base64," + base64.b64encode(b"<svg/>").decode(), id="svg-short"
        ),
        pytest.param(image_uri("PNG", "jpeg"), id="png-bytes-declared-jpeg"),
        pytest.param(image_uri("GIF", "png"), id="gif-bytes-declared-png"),
        pytest.param(
            "data:image/png;base64," + base64.b64encode(b"not an image").decode(), id="junk"
        ),
        pytest.param("data:image/png;base64,!!!notbase64", id="bad-base64"),
        pytest.param("data:image/png;base64,", id="empty"),
        pytest.param("http://example.com/a.png", id="url"),
        pytest.param("data:text/html;base64,PGgxPg==", id="html"),
        pytest.param(
            "data:image/png;base64," + base64.b64encode(os.urandom(2 * 2**20 + 10)).decode(),
            id="too-large",
        ),
    ],
)
def test_bad_avatars_are_422_and_nothing_is_written(api, customer, settings, avatar):
    before = db_state()

    response = api.put(url(customer.pk), body(customer, avatar=avatar), format="json")

    assert response.status_code == 422, response.json()
    assert "avatar" in response.json()["errors"]
    assert db_state() == before
    assert media_files(settings) == []


@pytest.mark.parametrize(
    ("overrides", "status"),
    [
        ({"password": "Another-pass9", "confirmPassword": "x"}, 400),
        ({"customerGroupId": 424242}, 400),
        ({"email": "taken@example.com"}, 400),
        ({"mobileNumber": "1"}, 422),
    ],
)
def test_no_avatar_file_is_written_when_another_check_fails(
    api, customer, settings, overrides, status
):
    CustomerFactory(email="taken@example.com")
    before = db_state()

    response = api.put(
        url(customer.pk), body(customer, avatar=image_uri(), **overrides), format="json"
    )

    assert response.status_code == status
    assert db_state() == before
    assert media_files(settings) == []


def test_an_avatar_can_be_sent_in_a_multipart_body(api, customer, settings):
    response = api.put(url(customer.pk), body(customer, avatar=image_uri()), format="multipart")

    assert response.status_code == 200, response.json()
    assert len(media_files(settings)) == 1


def test_update_needs_a_token(anon, customer):
    before = db_state()

    assert anon.put(url(customer.pk), body(customer), format="json").status_code == 401
    assert db_state() == before


def test_update_needs_the_change_permission(staff_factory, customer):
    _, viewer = staff_factory("viewer", "customers.view_customer", "customers.add_customer")
    before = db_state()

    assert viewer.put(url(customer.pk), body(customer), format="json").status_code == 403
    assert db_state() == before


def test_patch_and_get_on_an_id_are_405(api, customer):
    assert api.patch(url(customer.pk), {}, format="json").status_code == 405
    assert api.get(url(customer.pk)).status_code == 405
    assert api.post(url(customer.pk), {}, format="json").status_code == 405


def test_updated_rows_keep_their_creation_time(api, customer):
    created = customer.created_at

    api.put(url(customer.pk), body(customer), format="json")

    assert Customer.objects.get(pk=customer.pk).created_at == created
