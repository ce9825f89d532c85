"""A trigram index for the registry's name search, on PostgreSQL only.

``signer_name__icontains`` compiles to ``UPPER(signer_name) LIKE UPPER('%...%')``, which no b-tree can serve:
a GIN trigram index on that same expression can. SQLite has no GIN, so this is not a ``Meta.indexes`` entry
(the schema editor would try to build it there); on SQLite the operation does nothing.
"""

from django.db import migrations

INDEX = "pact_signer_name_upper_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON pledges_pact USING gin (UPPER(signer_name) gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("pledges", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
