"""PostgreSQL refuses UPDATE and DELETE on the audit table itself, not only the ORM.

No-op on SQLite (the ORM guards in audit.models still apply there).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    -- The one allowed change: a removed staff account's events lose their actor link
    -- (ON DELETE SET NULL); the actor's name stays in actor_name.
    IF TG_OP = 'UPDATE' AND NEW.actor_id IS NULL
       AND (NEW.created_at, NEW.actor_name, NEW.source, NEW.action, NEW.object_type,
            NEW.object_ids::text, NEW.changes::text, NEW.extra::text)
           IS NOT DISTINCT FROM
           (OLD.created_at, OLD.actor_name, OLD.source, OLD.action, OLD.object_type,
            OLD.object_ids::text, OLD.changes::text, OLD.extra::text) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit events are append-only';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_event_no_change ON audit_auditevent;
CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS audit_event_no_change ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
