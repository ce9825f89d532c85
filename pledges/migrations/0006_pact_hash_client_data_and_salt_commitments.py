"""Replace what pacts stored in clear, in the live table and in its history (issue 16).

1. Every address and user agent, in ``pledges_pact`` and ``pledges_historicalpact``, becomes its keyed hash
   (pledges.clientdata, under CLIENT_HMAC_KEY or SECRET_KEY) and the clear value is blanked; the next
   migration drops the columns.
2. Every pact gets its own random salt and its ``content_hash`` becomes the salted commitment. A new history
   row per pact records the change and names the old unsalted hash in its reason; the older history rows keep
   their old values.

The payload is rebuilt here as ``Pact.content_payload()`` defined it at this point (migrations do not see
model methods). Irreversible: the clear values are gone.
"""

import datetime
import hashlib
import hmac
import json
import secrets

from django.db import migrations
from django.db.models import FileField, Q
from django.utils import timezone

from pledges.clientdata import address_hash, user_agent_hash

BATCH = 1000
REASON = "Komitmen bergaram; semula SHA-256 {old}"
CLEAR = Q(ip_address__isnull=False) | ~Q(user_agent="")


def _payload(pact, declaration) -> dict:
    return {
        "declaration": {
            "id": declaration.pk,
            "version": declaration.version,
            "title": declaration.title,
            "opening": declaration.opening,
            "points": list(declaration.points),
            "closing": declaration.closing,
            "place_date_line": declaration.place_date_line,
        },
        "signer": {
            "name": pact.signer_name,
            "identity_kind": pact.signer_identity_kind,
            "identity_number": pact.signer_identity_number,
            "position": pact.signer_position,
            "rank": pact.signer_rank,
            "agency": pact.signer_agency,
        },
        "event": pact.event_id,
        "signed_at": pact.signed_at.astimezone(datetime.UTC).isoformat(),
        "method": pact.method,
        "signature_sha256": pact.signature_sha256,
    }


def _commitment(payload: dict, salt: str) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return hmac.new(bytes.fromhex(salt), canonical, hashlib.sha256).hexdigest()


def _hash_clear_client_data(model) -> None:
    rows = []
    for row in model.objects.filter(CLEAR).only("pk", "ip_address", "user_agent").iterator(chunk_size=BATCH):
        row.client_address_hmac = address_hash(row.ip_address)
        row.client_agent_hmac = user_agent_hash(row.user_agent)
        row.ip_address, row.user_agent = None, ""
        rows.append(row)
        if len(rows) == BATCH:
            model.objects.bulk_update(rows, ["client_address_hmac", "client_agent_hmac", "ip_address", "user_agent"])
            rows = []
    model.objects.bulk_update(rows, ["client_address_hmac", "client_agent_hmac", "ip_address", "user_agent"])


def _history_row(historical, pact, now, reason):
    values = {}
    for field in pact._meta.concrete_fields:
        value = getattr(pact, field.attname)
        values[field.attname] = value.name if isinstance(field, FileField) else value
    return historical(
        **values, history_date=now, history_type="~", history_change_reason=reason, history_user=None
    )


def _commit_with_salts(Pact, HistoricalPact, Declaration) -> None:
    declarations = {declaration.pk: declaration for declaration in Declaration.objects.all()}
    now = timezone.now()
    changed, history = [], []

    def flush():
        Pact.objects.bulk_update(changed, ["content_salt", "content_hash"])
        HistoricalPact.objects.bulk_create(history)
        changed.clear()
        history.clear()

    for pact in Pact.objects.filter(content_salt="").order_by("pk").iterator(chunk_size=BATCH):
        old = pact.content_hash
        pact.content_salt = secrets.token_hex(32)
        pact.content_hash = _commitment(_payload(pact, declarations[pact.declaration_id]), pact.content_salt)
        changed.append(pact)
        history.append(_history_row(HistoricalPact, pact, now, REASON.format(old=old)))
        if len(changed) == BATCH:
            flush()
    flush()


def forwards(apps, schema_editor):
    Pact = apps.get_model("pledges", "Pact")
    HistoricalPact = apps.get_model("pledges", "HistoricalPact")
    _hash_clear_client_data(HistoricalPact)
    _hash_clear_client_data(Pact)
    _commit_with_salts(Pact, HistoricalPact, apps.get_model("pledges", "Declaration"))


class Migration(migrations.Migration):
    dependencies = [("pledges", "0005_pact_client_hmacs_and_content_salt")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
