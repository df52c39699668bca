# Written by hand: the access log's append-only trigger, PostgreSQL only.

from django.db import migrations

# UPDATE is always refused. DELETE and TRUNCATE are refused unless the transaction has set
# csprp.purging (SET LOCAL csprp.purging = 'on'): the retention purge (audit.services.access_events_purge)
# deletes old rows that way, and `manage.py flush` (audit/management/commands/flush.py) empties the
# database that way. current_setting(..., true) is NULL, not an error, when nothing set it.
CREATE = """
CREATE OR REPLACE FUNCTION audit_accessevent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'TRUNCATE') AND current_setting('csprp.purging', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'The access log is append-only: % of audit_accessevent refused.', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_accessevent_no_change
    BEFORE UPDATE OR DELETE ON audit_accessevent
    FOR EACH ROW EXECUTE FUNCTION audit_accessevent_append_only();
CREATE TRIGGER audit_accessevent_no_truncate
    BEFORE TRUNCATE ON audit_accessevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_accessevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_accessevent_no_truncate ON audit_accessevent;
DROP TRIGGER IF EXISTS audit_accessevent_no_change ON audit_accessevent;
DROP FUNCTION IF EXISTS audit_accessevent_append_only();
"""


def trigger_create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def trigger_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_access_event")]

    operations = [migrations.RunPython(trigger_create, trigger_drop, elidable=False)]
