"""On PostgreSQL, the database itself refuses to change or delete an access record (SQLite: the model only).

TRUNCATE stays possible (a test database is flushed that way); a database owner can still drop the trigger,
which is the point: the application alone cannot rewrite its log.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION pledges_accessrecord_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = 'pledges_accessrecord is append-only: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER pledges_accessrecord_append_only
    BEFORE UPDATE OR DELETE ON pledges_accessrecord
    FOR EACH ROW EXECUTE FUNCTION pledges_accessrecord_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS pledges_accessrecord_append_only ON pledges_accessrecord;
DROP FUNCTION IF EXISTS pledges_accessrecord_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("pledges", "0008_access_record")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
