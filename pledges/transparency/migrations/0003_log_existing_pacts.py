"""Queue every pact signed (and withdrawn) before the log existed, oldest first; the sequencer logs them."""

from django.db import migrations


def enqueue_existing(apps, schema_editor):
    Pact = apps.get_model("pledges", "Pact")
    PendingEntry = apps.get_model("transparency", "PendingEntry")
    events = [(signed_at, pk, "pact") for pk, signed_at in Pact.objects.values_list("pk", "signed_at")]
    events += [
        (withdrawn_at, pk, "withdrawal")
        for pk, withdrawn_at in Pact.objects.filter(withdrawn_at__isnull=False).values_list("pk", "withdrawn_at")
    ]
    events.sort(key=lambda event: (event[0], event[2] == "withdrawal", event[1]))
    PendingEntry.objects.bulk_create(
        (PendingEntry(pact_id=pk, kind=kind) for _moment, pk, kind in events), batch_size=5_000
    )


class Migration(migrations.Migration):
    dependencies = [("transparency", "0002_log_append_only_triggers"), ("pledges", "0002_pact_signer_name_trigram")]

    operations = [migrations.RunPython(enqueue_existing, migrations.RunPython.noop)]
