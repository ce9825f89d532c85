"""Room for the keyed hashes of the signing device and for each pact's commitment salt (issue 16).

The salt starts empty here and is filled per row by the next migration: a callable default on AddField would
give every existing row the same value.
"""

from django.db import migrations, models


def _fields(model_name):
    return [
        migrations.AddField(
            model_name=model_name,
            name="client_address_hmac",
            field=models.CharField(blank=True, max_length=64, verbose_name="HMAC alamat IP"),
        ),
        migrations.AddField(
            model_name=model_name,
            name="client_agent_hmac",
            field=models.CharField(blank=True, max_length=64, verbose_name="HMAC peramban"),
        ),
        migrations.AddField(
            model_name=model_name,
            name="content_salt",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name=model_name,
            name="content_hash",
            field=models.CharField(max_length=64, verbose_name="komitmen isi"),
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [("pledges", "0004_pact_idempotency_key_document_job")]

    operations = _fields("pact") + _fields("historicalpact")
