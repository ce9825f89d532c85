"""The log below the views: what leaves say, the sequencer, proofs from stored hashes, append-only rows."""

import json

import pytest
from django.db import IntegrityError, connection, transaction

from pledges.models import Pact
from pledges.services import pact_sign, pact_withdraw
from pledges.transparency import keys, merkle, note
from pledges.transparency.canonical import code_hash
from pledges.transparency.leaves import leaf_bytes
from pledges.transparency.models import AppendOnly, Checkpoint, LogEntry, LogNode, PendingEntry
from pledges.transparency.services import (
    LogCorrupted,
    consistency_proof,
    inclusion_proof,
    log_enqueue,
    log_sequence,
    log_sequence_all,
    pact_log_bundle,
)
from tests.factories import AttendeeFactory, EventFactory, PactFactory, UserFactory, signature_data_url

pytestmark = pytest.mark.django_db


def logged_pacts(count, **event_fields):
    event = EventFactory(**event_fields)
    pacts = [PactFactory(attendee__event=event) for _ in range(count)]
    for pact in pacts:
        log_enqueue(pact=pact, kind="pact")
    log_sequence_all()
    return pacts


def test_a_signing_is_queued_with_the_pact_and_logged_once_it_commits(django_capture_on_commit_callbacks):
    attendee = AttendeeFactory()
    with django_capture_on_commit_callbacks(execute=True):
        pact = pact_sign(attendee=attendee, signature_data_url=signature_data_url())
    entry = LogEntry.objects.get(pact=pact)
    assert entry.index == 0 and entry.kind == "pact"
    assert not PendingEntry.objects.exists()
    checkpoint = Checkpoint.objects.get()
    assert checkpoint.tree_size == 1 and bytes(checkpoint.root_hash) == merkle.root([bytes(entry.leaf)])


def test_a_withdrawal_is_a_second_entry_and_the_first_is_unchanged(django_capture_on_commit_callbacks):
    (pact,) = logged_pacts(1)
    first = bytes(LogEntry.objects.get().leaf)
    with django_capture_on_commit_callbacks(execute=True):
        pact_withdraw(pact=pact, user=UserFactory(), reason="Salah orang.")
    rows = list(LogEntry.objects.order_by("index").values_list("index", "kind", "leaf"))
    assert [(i, k) for i, k, _leaf in rows] == [(0, "pact"), (1, "withdrawal")]
    assert bytes(rows[0][2]) == first
    withdrawal = json.loads(bytes(rows[1][2]))
    assert withdrawal["code"] == pact.code and withdrawal["kind"] == "withdrawal"


def test_a_public_pact_leaf_is_canonical_json_of_public_fields_and_the_commitment():
    (pact,) = logged_pacts(1)
    leaf = bytes(LogEntry.objects.get().leaf)
    record = json.loads(leaf)
    assert leaf == json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    assert record["code"] == pact.code and record["event"] == pact.event.code
    assert record["commitment"] == pact.content_hash
    assert record["declaration"]["version"] == pact.declaration.version
    assert record["public"]["name"] == pact.signer_name
    assert record["public"]["identity_number_masked"].endswith(pact.signer_identity_number[-4:])


def test_no_leaf_holds_a_full_identity_number_phone_email_or_signature():
    pact = PactFactory(with_signature=True, attendee__event__is_public=True)
    log_enqueue(pact=pact, kind="pact")
    log_sequence_all()
    leaf = bytes(LogEntry.objects.get().leaf).decode()
    assert pact.signer_identity_number not in leaf
    assert pact.signer_identity_number[:8] not in leaf  # the birth date a NIP starts with
    assert pact.signature_sha256 not in leaf
    assert pact.attendee.email not in leaf if pact.attendee.email else True
    assert "@" not in leaf and "signature" not in leaf


def test_a_pact_of_a_non_public_event_has_neither_name_nor_code_in_clear():
    (pact,) = logged_pacts(1, is_public=False)
    record = json.loads(bytes(LogEntry.objects.get().leaf))
    assert "public" not in record and "code" not in record and "event" not in record
    text = json.dumps(record)
    assert pact.code not in text and pact.signer_name not in text and pact.event.code not in text
    assert record["code_hash"] == code_hash(pact.code, record["time"])


def test_indexes_are_consecutive_and_every_checkpoint_is_signed_and_kept():
    logged_pacts(3)
    logged_pacts(2)
    assert list(LogEntry.objects.order_by("index").values_list("index", flat=True)) == [0, 1, 2, 3, 4]
    sizes = list(Checkpoint.objects.order_by("tree_size").values_list("tree_size", flat=True))
    assert sizes == [3, 5]
    verifier = keys.log_verifier()
    for checkpoint in Checkpoint.objects.all():
        opened = note.open_checkpoint(checkpoint.note, verifier, origin=keys.log_origin())
        assert opened.size == checkpoint.tree_size and opened.root_hash == bytes(checkpoint.root_hash)


def test_proofs_from_the_stored_hashes_verify_against_the_checkpoints():
    pacts = logged_pacts(5)
    first = Checkpoint.objects.get()
    pacts += logged_pacts(8)
    second = Checkpoint.objects.order_by("-tree_size").first()
    leaves = [bytes(leaf) for leaf in LogEntry.objects.order_by("index").values_list("leaf", flat=True)]
    assert merkle.root(leaves) == bytes(second.root_hash)
    for index, leaf in enumerate(leaves):
        proof = inclusion_proof(index=index, tree_size=13)
        merkle.verify_inclusion(
            index=index, size=13, leaf=leaf, proof=proof, root_hash=bytes(second.root_hash)
        )
    merkle.verify_consistency(
        first=5,
        second=13,
        first_root=bytes(first.root_hash),
        second_root=bytes(second.root_hash),
        proof=consistency_proof(first=5, second=13),
    )
    assert LogNode.objects.count() == 2 * 13 - (13).bit_count()


def test_the_bundle_proves_a_pact_against_the_latest_checkpoint():
    pacts = logged_pacts(6)
    bundle = pact_log_bundle(pacts[4])
    assert bundle["leaf_index"] == 4 and bundle["tree_size"] == 6
    checkpoint = note.open_checkpoint(bundle["checkpoint"], keys.log_verifier())
    merkle.verify_inclusion(
        index=4, size=6, leaf=bundle["leaf"], proof=bundle["proof"], root_hash=checkpoint.root_hash
    )
    assert pact_log_bundle(pacts[4], kind="withdrawal") is None


def test_the_bundle_is_none_while_the_pact_is_being_recorded():
    pact = PactFactory()
    log_enqueue(pact=pact, kind="pact")
    assert pact_log_bundle(pact) is None


def test_the_first_run_signs_the_empty_tree_and_idle_runs_sign_nothing():
    checkpoint = log_sequence()
    assert checkpoint.tree_size == 0 and bytes(checkpoint.root_hash) == merkle.EMPTY_ROOT
    assert log_sequence() is None


def test_a_large_queue_is_sequenced_in_batches():
    event = EventFactory()
    for _ in range(7):
        log_enqueue(pact=PactFactory(attendee__event=event), kind="pact")
    assert log_sequence(batch=3).tree_size == 3
    assert log_sequence_all().tree_size == 7


def test_a_pact_is_logged_only_once_per_kind():
    (pact,) = logged_pacts(1)
    with pytest.raises(IntegrityError), transaction.atomic():
        LogEntry(index=1, kind="pact", pact=pact, leaf=leaf_bytes(pact, "pact")).save()


def test_the_models_refuse_to_change_or_delete_log_rows():
    logged_pacts(1)
    entry = LogEntry.objects.get()
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        Checkpoint.objects.get().delete()


def test_the_database_refuses_to_rewrite_a_leaf():
    logged_pacts(1)
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        LogEntry.objects.update(leaf=b"{}")
    assert bytes(LogEntry.objects.get().leaf) != b"{}"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite keeps DELETE for the test flush")
def test_postgresql_refuses_to_delete_log_rows():
    logged_pacts(1)
    for model in (LogEntry, LogNode, Checkpoint):
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            model.objects.all().delete()


def test_the_sequencer_refuses_to_extend_a_tree_whose_stored_hashes_were_changed():
    logged_pacts(2)
    with connection.cursor() as cursor:
        _drop_update_guard(cursor, "transparency_lognode")
        cursor.execute("UPDATE transparency_lognode SET hash = %s", [bytes(32)])
    log_enqueue(pact=PactFactory(), kind="pact")
    with pytest.raises(LogCorrupted):
        log_sequence()


def _drop_update_guard(cursor, table):
    """What a database owner can do, and what the log's signatures and witnesses are there to catch."""
    if connection.vendor == "postgresql":
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
    else:
        cursor.execute(f"DROP TRIGGER {table}_append_only")


def test_a_missing_key_stops_the_sequencer_before_it_writes(settings):
    pact = PactFactory()
    log_enqueue(pact=pact, kind="pact")
    settings.LOG_SIGNING_KEY = ""
    settings.LOG_SIGNING_KEY_FILE = ""
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        log_sequence()
    assert PendingEntry.objects.count() == 1 and not LogEntry.objects.exists()
    assert Pact.objects.count() == 1


def test_the_sequencer_is_a_celery_task_that_beat_runs_every_few_seconds(settings):
    from pledges.transparency.tasks import sequence_log

    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["pledges.transparency.tasks.sequence_log"] <= 10
    log_enqueue(pact=PactFactory(), kind="pact")
    sequence_log.delay()
    assert LogEntry.objects.count() == 1 and not PendingEntry.objects.exists()
