"""After an erasure nothing personal survives anywhere (API.md §12): every text column of every
table, the audit data and the stored files are searched for the customer's former values."""

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.utils import timezone

from audit.services import audit_record
from privacy.models import ErasureRequest
from privacy.tests.conftest import EMAIL, IP, NEEDLES, PHONE, USER_AGENT

pytestmark = pytest.mark.django_db

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, models.GenericIPAddressField)


def database_hits(needles) -> list[tuple[str, str, int, str]]:
    """(table, column, pk, needle) for every stored text value containing a needle."""
    lowered = [needle.lower() for needle in needles]
    hits = []
    for model in apps.get_models(include_auto_created=True):
        columns = [f for f in model._meta.concrete_fields if isinstance(f, TEXT_FIELDS)]
        if not columns:
            continue
        names = [f.attname for f in columns]
        for row in model._base_manager.values_list("pk", *names).iterator():
            pk, values = row[0], row[1:]
            for name, value in zip(names, values, strict=True):
                if value is None:
                    continue
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                for needle in lowered:
                    if needle in text.lower():
                        hits.append((model._meta.db_table, name, pk, needle))
    return hits


def file_hits(root: Path, needles) -> list[tuple[str, str]]:
    hits = []
    for path in root.rglob("*") if root.exists() else []:
        if not path.is_file():
            continue
        content = path.read_bytes()
        blobs = [content]
        if zipfile.is_zipfile(io.BytesIO(content)):
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                blobs = [archive.read(name) for name in archive.namelist()]
        for blob in blobs:
            for needle in needles:
                if needle.lower().encode() in blob.lower():
                    hits.append((str(path), needle))
    return hits


def test_the_search_finds_the_values_before_the_erasure(person, settings):
    # The search below must be able to fail: before the erasure it finds every value.
    found = {needle for *_, needle in database_hits(NEEDLES)}

    assert found == {needle.lower() for needle in NEEDLES}
    assert {
        "customers_customer",
        "customers_exportlog",
        "audit_auditevent",
        "django_admin_log",
        "sales_order",
        "analytics_customervisit",
    } <= {table for table, *_ in database_hits(NEEDLES)}
    assert list(Path(settings.MEDIA_ROOT).rglob("customer/*"))  # the avatar file


@pytest.mark.parametrize("grace_days", [0, 3])
def test_nothing_personal_survives_an_erasure(
    api, person, settings, django_capture_on_commit_callbacks, grace_days
):
    reason = f"Asked by {EMAIL} on the phone"
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"/api/customer/{person.customer.pk}/erase",
            {"reason": reason, "graceDays": grace_days},
            format="json",
        )
    assert response.status_code == 200, response.json()
    if grace_days:
        ErasureRequest.objects.filter(customer=person.customer).update(erase_after=timezone.now())
        with django_capture_on_commit_callbacks(execute=True):
            call_command("run_scheduled_erasures", stdout=io.StringIO())

    assert database_hits([*NEEDLES, USER_AGENT]) == []
    assert file_hits(Path(settings.MEDIA_ROOT), NEEDLES) == []
    assert not list(Path(settings.MEDIA_ROOT).rglob("customer/*"))
    # Still there, without the values: the books, the visits, the history.
    assert IP not in json.dumps(list(person.customer.visits.values()), default=str)


def test_events_of_addresses_deleted_earlier_are_redacted_too(api, person):
    # An address removed before the erasure: its id is gone, its event still names the customer.
    event = audit_record(
        action="address.delete",
        object_type="address",
        object_ids=[987_654],
        changes={"address1": ["7 Hidden Mews", None], "phone_no": [PHONE, None]},
        extra={"customer_id": person.customer.pk},
    )

    api.post(f"/api/customer/{person.customer.pk}/erase", {"reason": "r", "graceDays": 0})

    event.refresh_from_db()
    assert event.changes == {"address1": ["[erased]", None], "phone_no": ["[erased]", None]}
    assert event.extra == {"customer_id": person.customer.pk}
    assert database_hits(["7 Hidden Mews", PHONE]) == []
