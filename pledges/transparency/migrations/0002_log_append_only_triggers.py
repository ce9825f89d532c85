"""The database itself refuses to change or delete a row of the log.

PostgreSQL: a trigger refuses UPDATE and DELETE (TRUNCATE stays possible for the owner, as the test runner's
flush needs it; whoever holds that right can also drop triggers, which is what the log's proofs and witnesses
are for). SQLite: UPDATE only, since Django's test flush empties tables with DELETE.
"""

from django.db import migrations

TABLES = ("transparency_logentry", "transparency_lognode", "transparency_checkpoint", "transparency_cosignature")

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION transparency_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the transparency log is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql
"""


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION, None)  # no params: the % are PL/pgSQL's
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION transparency_append_only()"
            )
    elif vendor == "sqlite":
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'the transparency log is append-only'); END"
            )


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS transparency_append_only()")


class Migration(migrations.Migration):
    dependencies = [("transparency", "0001_log_tables")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
