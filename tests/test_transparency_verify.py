"""The independent verifier run as a separate process against a live site, the witness, and tampering: each
way of rewriting the record behind the log's back is refused."""

import contextlib
import importlib
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from pledges.models import Pact
from pledges.transparency import note
from pledges.transparency.models import Checkpoint, Cosignature, LogEntry
from pledges.transparency.services import checkpoint_note, log_enqueue, log_sequence_all
from tests.factories import EventFactory, PactFactory

ROOT = Path(settings.BASE_DIR)
TRIGGERS = importlib.import_module("pledges.transparency.migrations.0002_log_append_only_triggers")


class _Editor:
    """Enough of a schema editor for the trigger migration's functions."""

    def __init__(self, cursor):
        self.cursor = cursor
        self.connection = connection

    def execute(self, sql, params=()):
        self.cursor.execute(sql, params)


@contextlib.contextmanager
def owner_rights():
    """Act as the database's owner, who can drop the append-only triggers (and they are put back after)."""
    with connection.cursor() as cursor:
        TRIGGERS.drop_triggers(None, _Editor(cursor))
    try:
        with connection.cursor() as cursor:
            yield cursor
    finally:
        with connection.cursor() as cursor:
            TRIGGERS.create_triggers(None, _Editor(cursor))


def add_pacts(event, count):
    pacts = [PactFactory(attendee__event=event) for _ in range(count)]
    for pact in pacts:
        log_enqueue(pact=pact, kind="pact")
    log_sequence_all()
    return pacts


@pytest.fixture
def site(live_server, tmp_path):
    event = EventFactory(is_public=True)
    site = type("Site", (), {})()
    site.url = live_server.url
    site.event = event
    site.pacts = add_pacts(event, 5)
    site.state = tmp_path / "verifier.json"
    return site


def verify(site, *args, state=True):
    argv = [sys.executable, "-m", "pledges.transparency.verify", site.url, *args]
    if state:
        argv += ["--state", str(site.state)]
    result = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    return result.returncode, result.stdout + result.stderr


def test_the_verifier_imports_nothing_from_django():
    code = "import sys, pledges.transparency.verify; print(sorted(m for m in sys.modules if 'django' in m))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.django_db(transaction=True)
def test_the_verifier_checks_the_signature_every_entry_the_registry_and_a_code(site):
    status, output = verify(site, "--all", "--registry", "--code", site.pacts[2].code.lower())
    assert status == 0, output
    assert "checkpoint signed by netralitas.test: 5 entries" in output
    assert "all 5 entries read, in order, and they hash to the signed root" in output
    assert "the public registry lists exactly the 5 logged public pacts, as logged" in output
    assert f"pact {site.pacts[2].code} is entry 2 of 5" in output


@pytest.mark.django_db(transaction=True)
def test_the_verifier_checks_that_the_log_only_grew_since_last_time(site):
    assert verify(site)[0] == 0
    add_pacts(site.event, 4)
    status, output = verify(site)
    assert status == 0, output
    assert "the log only grew since the checkpoint of 5 entries seen before" in output


@pytest.mark.django_db(transaction=True)
def test_the_verifier_refuses_a_name_edited_in_the_database(site):
    Pact.objects.filter(pk=site.pacts[1].pk).update(signer_name="Orang Lain")
    status, output = verify(site, "--all", "--registry")
    assert status == 1
    assert f"NOT VERIFIED: pact {site.pacts[1].code}: the registry shows name unlike its log entry" in output


@pytest.mark.django_db(transaction=True)
def test_the_verifier_refuses_a_deleted_pact(site):
    victim = site.pacts[3]
    with owner_rights() as cursor:
        cursor.execute("DELETE FROM transparency_logentry WHERE pact_id = %s", [victim.pk])
        cursor.execute("DELETE FROM pledges_pact WHERE id = %s", [victim.pk])
    status, output = verify(site, "--all")
    assert status == 1
    assert "NOT VERIFIED: entry 3 is missing" in output


@pytest.mark.django_db(transaction=True)
def test_the_verifier_refuses_a_deleted_leaf(site):
    with owner_rights() as cursor:
        cursor.execute('DELETE FROM transparency_logentry WHERE "index" = 4')
    status, output = verify(site, "--all")
    assert status == 1 and "NOT VERIFIED: entry 4 is missing" in output


@pytest.mark.django_db(transaction=True)
def test_the_verifier_refuses_a_rewritten_leaf(site):
    entry = LogEntry.objects.get(index=1)
    rewritten = bytes(entry.leaf).replace(site.pacts[1].signer_name.encode(), b"Orang Lain")
    with owner_rights() as cursor:
        cursor.execute('UPDATE transparency_logentry SET leaf = %s WHERE "index" = 1', [rewritten])
    status, output = verify(site, "--all")
    assert status == 1 and "the entries do not hash to the checkpoint's root" in output
    status, output = verify(site, "--code", site.pacts[1].code, state=False)
    assert status == 1 and "the inclusion proof of its pact entry fails" in output


def rewrite_history(site, keep):
    """What someone holding the database and the signing key could do: build the log anew without a pact."""
    with owner_rights() as cursor:
        for table in ("transparency_cosignature", "transparency_checkpoint", "transparency_lognode"):
            cursor.execute(f"DELETE FROM {table}")
        cursor.execute("DELETE FROM transparency_logentry")
    for pact in keep:
        log_enqueue(pact=pact, kind="pact")
    log_sequence_all()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("added", "refusal"),
    [
        (3, "NOT VERIFIED: the tree of 7 entries does not extend the one of 5 seen before"),
        (
            1,
            "NOT VERIFIED: the tree of 5 entries does not extend the one of 5 seen before: same size, different",
        ),
    ],
)
def test_the_verifier_refuses_an_older_tree_re_signed_with_a_different_history(site, added, refusal):
    assert verify(site)[0] == 0
    rewrite_history(site, site.pacts[:2] + site.pacts[3:])
    add_pacts(site.event, added)
    status, output = verify(site)
    assert status == 1 and refusal in output


@pytest.mark.django_db(transaction=True)
def test_the_verifier_refuses_a_log_signed_with_another_key(site, settings):
    assert verify(site)[0] == 0
    settings.LOG_SIGNING_KEY = str(note.Signer.generate("netralitas.test"))
    add_pacts(site.event, 1)
    status, output = verify(site)
    assert status == 1 and "the log's key changed" in output


@pytest.fixture
def witness_key(tmp_path, settings):
    path = tmp_path / "witness.key"
    call_command("log_keygen", "--witness", "kpu.example/saksi", "--out", str(path))
    line = note.parse_signer(path.read_text()).verifier
    settings.LOG_WITNESS_KEYS = [str(line)]
    return path


@pytest.mark.django_db(transaction=True)
def test_a_witness_cosigns_a_log_that_only_grew(site, witness_key, tmp_path, capsys):
    state = tmp_path / "witness.json"
    call_command("log_witness", site.url, "--key", str(witness_key), "--state", str(state))
    add_pacts(site.event, 2)
    call_command("log_witness", site.url, "--key", str(witness_key), "--state", str(state))
    assert "cosigned the checkpoint as kpu.example/saksi" in capsys.readouterr().out
    assert sorted(Cosignature.objects.values_list("checkpoint_id", flat=True)) == [5, 7]
    status, output = verify(site, "--code", site.pacts[0].code)
    assert status == 0, output
    served = Checkpoint.objects.get(tree_size=7)
    assert "\u2014 kpu.example/saksi " in checkpoint_note(served)


@pytest.mark.django_db(transaction=True)
def test_a_witness_refuses_to_cosign_a_rewritten_history(site, witness_key, tmp_path):
    state = tmp_path / "witness.json"
    call_command("log_witness", site.url, "--key", str(witness_key), "--state", str(state))
    rewrite_history(site, site.pacts[1:])
    add_pacts(site.event, 2)
    with pytest.raises(
        CommandError, match="NOT VERIFIED, not cosigned: the tree of 6 entries does not extend"
    ):
        call_command("log_witness", site.url, "--key", str(witness_key), "--state", str(state))
    assert not Cosignature.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_verifier_can_be_the_witness_with_cosign(site, witness_key, tmp_path):
    status, output = verify(site, "--cosign", str(witness_key))
    assert status == 0, output
    assert Cosignature.objects.get().witness == "kpu.example/saksi"


def test_the_key_file_is_private_and_never_overwritten(tmp_path, settings):
    path = tmp_path / "log.key"
    settings.LOG_SIGNING_KEY_FILE = str(path)
    call_command("log_keygen")
    assert path.stat().st_mode & 0o777 == 0o600
    assert note.parse_signer(path.read_text()).name == "127.0.0.1:8000"
    before = path.read_text()
    with pytest.raises(CommandError, match="a log keeps its key"):
        call_command("log_keygen")
    call_command("log_keygen", "--if-missing")
    assert path.read_text() == before
