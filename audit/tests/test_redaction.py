"""The one rewrite the append-only trail allows: personal values become "[erased]" (API.md §12)."""

import json

import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import AppendOnlyError, AuditEvent
from audit.redaction import is_redaction
from audit.services import audit_record

pytestmark = pytest.mark.django_db

CHANGES = {"email": ["a@x.com", "b@x.com"], "is_active": [True, False], "zone_id": [None, 4]}
EXTRA = {"filters": {"email": "b@x.com"}, "rows": 3}


def event() -> AuditEvent:
    return audit_record(
        action="customer.update",
        object_type="customer",
        object_ids=[7],
        changes=CHANGES,
        extra=EXTRA,
    )


REDACTED_CHANGES = {
    "email": ["[erased]", "[erased]"],
    "is_active": [True, False],
    "zone_id": [None, "[erased]"],
}
REDACTED_EXTRA = {"filters": {"email": "[erased]"}, "rows": 3}

NOT_REDACTIONS = [
    pytest.param(
        {"email": ["[erased]", "c@x.com"], **{k: v for k, v in CHANGES.items() if k != "email"}},
        id="new-value",
    ),
    pytest.param(
        {"email": ["[erased]"], "is_active": [True, False], "zone_id": [None, 4]}, id="shorter-list"
    ),
    pytest.param({"is_active": [True, False], "zone_id": [None, 4]}, id="key-removed"),
    pytest.param({**CHANGES, "other": "[erased]"}, id="key-added"),
    pytest.param({**CHANGES, "email": "[erased]"}, id="list-replaced-whole"),
    pytest.param({**CHANGES, "zone_id": ["[erased]", 4]}, id="null-replaced"),
    pytest.param({**CHANGES, "is_active": [1, 0]}, id="type-changed"),
]


def test_is_redaction_accepts_exactly_scalars_turned_into_erased():
    assert is_redaction(CHANGES, REDACTED_CHANGES)
    assert is_redaction(CHANGES, CHANGES)
    assert is_redaction(EXTRA, REDACTED_EXTRA)


@pytest.mark.parametrize("changes", NOT_REDACTIONS)
def test_is_redaction_refuses_anything_else(changes):
    assert not is_redaction(CHANGES, changes)


def test_the_orm_lets_a_redaction_through():
    stored = event()

    AuditEvent.objects.redact(stored.pk, changes=REDACTED_CHANGES, extra=REDACTED_EXTRA)

    stored.refresh_from_db()
    assert stored.changes == REDACTED_CHANGES
    assert stored.extra == REDACTED_EXTRA
    assert stored.action == "customer.update"


@pytest.mark.parametrize("changes", NOT_REDACTIONS)
def test_the_orm_refuses_any_other_rewrite(changes):
    stored = event()

    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.redact(stored.pk, changes=changes, extra=EXTRA)

    stored.refresh_from_db()
    assert stored.changes == CHANGES


def _raw_update(pk, sql: str, *params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [*params, pk])


@pytest.mark.postgres
def test_postgres_lets_exactly_the_redaction_through():
    stored = event()

    _raw_update(
        stored.pk,
        "UPDATE audit_auditevent SET changes = %s::jsonb, extra = %s::jsonb WHERE id = %s",
        json.dumps(REDACTED_CHANGES),
        json.dumps(REDACTED_EXTRA),
    )

    stored.refresh_from_db()
    assert stored.changes == REDACTED_CHANGES
    assert stored.extra == REDACTED_EXTRA


@pytest.mark.postgres
@pytest.mark.parametrize("changes", NOT_REDACTIONS)
def test_postgres_refuses_any_other_rewrite_of_the_data(changes):
    stored = event()

    with pytest.raises(DatabaseError):
        _raw_update(
            stored.pk,
            "UPDATE audit_auditevent SET changes = %s::jsonb WHERE id = %s",
            json.dumps(changes),
        )

    stored.refresh_from_db()
    assert stored.changes == CHANGES


@pytest.mark.postgres
@pytest.mark.parametrize(
    "assignment",
    [
        "action = 'tampered'",
        "actor_name = 'someone'",
        "object_ids = '[8]'::jsonb",
        "created_at = now()",
    ],
)
def test_postgres_refuses_a_redaction_that_also_changes_another_column(assignment):
    stored = event()

    with pytest.raises(DatabaseError):
        _raw_update(
            stored.pk,
            f"UPDATE audit_auditevent SET changes = %s::jsonb, {assignment} WHERE id = %s",
            json.dumps(REDACTED_CHANGES),
        )

    stored.refresh_from_db()
    assert stored.changes == CHANGES
    assert stored.action == "customer.update"
