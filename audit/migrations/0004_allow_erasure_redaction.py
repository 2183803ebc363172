"""The append-only guard lets exactly one rewrite through: an erasure's redaction (API.md §12).

An UPDATE may replace scalar values inside `changes` and `extra` by the string "[erased]" while
every other column, every key and every list length stays as it was. Everything else is still
refused, and the removed-actor case of 0002 is kept. No-op on SQLite (the ORM guard applies).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_is_redaction(old_value jsonb, new_value jsonb)
RETURNS boolean AS $$
DECLARE
    item_key text;
    idx integer;
BEGIN
    IF jsonb_typeof(old_value) = 'object' THEN
        IF jsonb_typeof(new_value) IS DISTINCT FROM 'object' THEN
            RETURN false;
        END IF;
        IF (SELECT coalesce(array_agg(k ORDER BY k), '{}') FROM jsonb_object_keys(old_value) k)
           IS DISTINCT FROM
           (SELECT coalesce(array_agg(k ORDER BY k), '{}') FROM jsonb_object_keys(new_value) k)
        THEN
            RETURN false;
        END IF;
        FOR item_key IN SELECT jsonb_object_keys(old_value) LOOP
            IF NOT audit_is_redaction(old_value -> item_key, new_value -> item_key) THEN
                RETURN false;
            END IF;
        END LOOP;
        RETURN true;
    ELSIF jsonb_typeof(old_value) = 'array' THEN
        IF jsonb_typeof(new_value) IS DISTINCT FROM 'array'
           OR jsonb_array_length(old_value) <> jsonb_array_length(new_value) THEN
            RETURN false;
        END IF;
        FOR idx IN 0 .. jsonb_array_length(old_value) - 1 LOOP
            IF NOT audit_is_redaction(old_value -> idx, new_value -> idx) THEN
                RETURN false;
            END IF;
        END LOOP;
        RETURN true;
    ELSIF old_value IS NULL OR jsonb_typeof(old_value) = 'null' THEN
        RETURN new_value IS NOT DISTINCT FROM old_value;
    END IF;
    RETURN new_value = old_value OR new_value = '"[erased]"'::jsonb;
END;
$$ LANGUAGE plpgsql IMMUTABLE;

CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    -- A removed staff account's events lose their actor link (ON DELETE SET NULL); the actor's
    -- name stays in actor_name.
    IF TG_OP = 'UPDATE' AND NEW.actor_id IS NULL
       AND (NEW.created_at, NEW.actor_name, NEW.source, NEW.action, NEW.object_type,
            NEW.object_ids::text, NEW.changes::text, NEW.extra::text)
           IS NOT DISTINCT FROM
           (OLD.created_at, OLD.actor_name, OLD.source, OLD.action, OLD.object_type,
            OLD.object_ids::text, OLD.changes::text, OLD.extra::text) THEN
        RETURN NEW;
    END IF;
    -- An erasure (API.md §12): personal values in changes/extra become "[erased]", nothing else.
    IF TG_OP = 'UPDATE'
       AND (NEW.id, NEW.created_at, NEW.actor_id, NEW.actor_name, NEW.source, NEW.action,
            NEW.object_type, NEW.object_ids::text)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.created_at, OLD.actor_id, OLD.actor_name, OLD.source, OLD.action,
            OLD.object_type, OLD.object_ids::text)
       AND audit_is_redaction(OLD.changes, NEW.changes)
       AND audit_is_redaction(OLD.extra, NEW.extra) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit events are append-only';
END;
$$ LANGUAGE plpgsql;
"""

# The function of 0002, without the redaction branch.
RESTORE = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
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
DROP FUNCTION IF EXISTS audit_is_redaction(jsonb, jsonb);
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(RESTORE)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_event_targets")]

    operations = [migrations.RunPython(forwards, backwards)]
