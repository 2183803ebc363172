import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import AppendOnlyError, AuditEvent
from audit.services import audit_record, audit_source

pytestmark = pytest.mark.django_db


def test_record_keeps_who_what_and_source_but_never_secrets(superuser):
    with audit_source("command"):
        event = audit_record(
            action="customer.update",
            object_type="customer",
            object_ids=[7],
            by=superuser,
            changes={"email": ["a@x.com", "b@x.com"], "password": ["old", "new"]},
        )

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor == superuser
    assert stored.actor_name == "boss"
    assert stored.source == "command"
    assert stored.object_ids == [7]
    assert stored.changes == {"email": ["a@x.com", "b@x.com"]}


def test_events_cannot_be_changed_or_deleted_through_the_orm():
    event = audit_record(action="group.delete", object_type="customergroup", object_ids=[1])

    event.action = "tampered"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()

    assert AuditEvent.objects.get(pk=event.pk).action == "group.delete"


@pytest.mark.postgres
def test_postgres_refuses_raw_sql_changes_but_lets_a_removed_actor_go(superuser):
    event = audit_record(action="customer.create", object_type="customer", by=superuser)

    for statement in (
        "UPDATE audit_auditevent SET action = 'tampered'",
        "DELETE FROM audit_auditevent",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    superuser.delete()

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.action == "customer.create"
    assert stored.actor is None
    assert stored.actor_name == "boss"
