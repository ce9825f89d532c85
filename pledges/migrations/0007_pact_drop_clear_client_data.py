"""The columns that held addresses and user agents in clear go; every new pact gets a random salt (issue 16)."""

from django.db import migrations, models

import pledges.models


def _operations(model_name):
    return [
        migrations.RemoveField(model_name=model_name, name="ip_address"),
        migrations.RemoveField(model_name=model_name, name="user_agent"),
        migrations.AlterField(
            model_name=model_name,
            name="content_salt",
            field=models.CharField(default=pledges.models.new_content_salt, editable=False, max_length=64),
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [("pledges", "0006_pact_hash_client_data_and_salt_commitments")]

    operations = _operations("pact") + _operations("historicalpact")
