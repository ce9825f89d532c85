from django.db import migrations


def load(apps, schema_editor):
    from events.services import regions_load

    regions_load(province_model=apps.get_model("events", "Province"), regency_model=apps.get_model("events", "Regency"))


class Migration(migrations.Migration):
    dependencies = [("events", "0002_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
