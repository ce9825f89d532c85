"""The log's public endpoints, exactly as issue 19 lists them."""

import base64
import time

import pytest

from pledges.transparency import keys, merkle, note
from pledges.transparency.models import Cosignature
from pledges.transparency.services import log_enqueue, log_sequence_all
from tests.factories import EventFactory, PactFactory

pytestmark = pytest.mark.django_db


def b64(data):
    return base64.b64encode(data).decode()


@pytest.fixture
def logged():
    """Five pacts logged (checkpoint 5), then three more (checkpoint 8); the last one withdrawn."""
    event = EventFactory()
    pacts = []
    for count in (5, 3):
        batch = [PactFactory(attendee__event=event) for _ in range(count)]
        for pact in batch:
            log_enqueue(pact=pact, kind="pact")
        log_sequence_all()
        pacts += batch
    return pacts


@pytest.fixture
def witness(settings):
    signer = note.Signer.generate("kpu.example/witness", note.COSIGNATURE_V1)
    settings.LOG_WITNESS_KEYS = [str(signer.verifier)]
    return signer


def open_latest(client):
    response = client.get("/log/checkpoint")
    assert response.status_code == 200
    return note.open_checkpoint(response.content.decode(), keys.log_verifier()), response.content.decode()


def test_the_key_is_a_go_note_verifier_key_line(client):
    response = client.get("/log/key")
    assert response["Content-Type"].startswith("text/plain")
    line = response.content.decode().strip()
    verifier = note.parse_verifier(line)
    assert verifier == keys.log_verifier() and verifier.kind == note.ED25519
    name, key_id, encoded = line.split("+", 2)
    assert len(key_id) == 8 and base64.b64decode(encoded)[0] == 1


def test_the_latest_checkpoint_is_signed_with_the_origin_from_site_url(client, logged, settings):
    checkpoint, text = open_latest(client)
    assert checkpoint.size == 8 and checkpoint.origin == "127.0.0.1:8000"
    assert text.splitlines()[0] == "127.0.0.1:8000"
    assert "max-age=5" in client.get("/log/checkpoint")["Cache-Control"]


def test_an_earlier_checkpoint_is_served_by_its_size(client, logged):
    response = client.get("/log/checkpoint/5")
    assert note.open_checkpoint(response.content.decode(), keys.log_verifier()).size == 5
    assert client.get("/log/checkpoint/6").status_code == 404
    assert client.get(f"/log/checkpoint/{10**30}").status_code == 404


def test_there_is_no_checkpoint_before_the_first_run(client):
    assert client.get("/log/checkpoint").status_code == 404


def test_entries_are_served_from_start_to_end_inclusive(client, logged):
    data = client.get("/log/entries", {"start": 2, "end": 4}).json()
    assert [row["index"] for row in data["entries"]] == [2, 3, 4]
    leaves = [
        base64.b64decode(row["leaf"]) for row in client.get("/log/entries?start=0&end=7").json()["entries"]
    ]
    checkpoint, _text = open_latest(client)
    assert merkle.root(leaves) == checkpoint.root_hash


def test_entries_stop_at_the_tree_size_and_at_a_thousand(client, logged, monkeypatch):
    assert len(client.get("/log/entries?start=6&end=100").json()["entries"]) == 2
    monkeypatch.setattr("pledges.transparency.services.MAX_ENTRIES", 3)
    assert len(client.get("/log/entries?start=0&end=7").json()["entries"]) == 3


@pytest.mark.parametrize("query", ["", "start=1", "start=x&end=2", "start=-1&end=2", "start=5&end=2"])
def test_bad_entry_ranges_are_refused_with_a_reason(client, logged, query):
    response = client.get(f"/log/entries?{query}")
    assert response.status_code == 400 and response.json()["error"]


def test_the_inclusion_proof_of_a_pact_verifies(client, logged):
    checkpoint, _text = open_latest(client)
    pact = logged[6]
    data = client.get("/log/proof/inclusion", {"code": pact.code.lower(), "tree_size": 8}).json()
    assert set(data) == {"leaf_index", "tree_size", "leaf", "proof"}
    assert data["leaf_index"] == 6 and data["tree_size"] == 8
    merkle.verify_inclusion(
        index=6,
        size=8,
        leaf=base64.b64decode(data["leaf"]),
        proof=[base64.b64decode(h) for h in data["proof"]],
        root_hash=checkpoint.root_hash,
    )


def test_an_inclusion_proof_for_an_earlier_tree_and_for_a_withdrawal(client, logged):
    pact = logged[7]
    assert client.get("/log/proof/inclusion", {"code": pact.code, "tree_size": 5}).status_code == 400
    assert (
        client.get("/log/proof/inclusion", {"code": logged[1].code, "tree_size": 5}).json()["tree_size"] == 5
    )
    assert client.get("/log/proof/inclusion", {"code": pact.code, "kind": "withdrawal"}).status_code == 404
    assert client.get("/log/proof/inclusion", {"code": "NOSUCHCODE"}).status_code == 404
    assert client.get("/log/proof/inclusion", {"code": pact.code, "tree_size": 99}).status_code == 404


def test_the_consistency_proof_between_two_checkpoints_verifies(client, logged):
    first = note.open_checkpoint(client.get("/log/checkpoint/5").content.decode(), keys.log_verifier())
    second, _text = open_latest(client)
    proof = client.get("/log/proof/consistency", {"first": 5, "second": 8}).json()["proof"]
    merkle.verify_consistency(
        first=5,
        second=8,
        first_root=first.root_hash,
        second_root=second.root_hash,
        proof=[base64.b64decode(h) for h in proof],
    )
    assert client.get("/log/proof/consistency", {"first": 8, "second": 5}).status_code == 400
    assert client.get("/log/proof/consistency", {"first": 5, "second": 9}).status_code == 404


def test_the_endpoints_are_rate_limited_like_verification(client, logged, settings):
    settings.LOG_RATE_LIMIT = 2
    assert client.get("/log/key").status_code == 200
    assert client.get("/log/checkpoint").status_code == 200
    response = client.get("/log/entries?start=0&end=1")
    assert response.status_code == 429 and response["Retry-After"]


def test_a_listed_witness_cosigns_and_the_served_checkpoint_carries_it(client, logged, witness):
    _checkpoint, text = open_latest(client)
    body, _signatures = note.split_note(text)
    line = note.cosign(body, witness, int(time.time())).line()
    response = client.post("/log/cosign", text + line, content_type="text/plain")
    assert response.status_code == 200 and response.json() == {"accepted": ["kpu.example/witness"]}
    served = client.get("/log/checkpoint").content.decode()
    served_body, signatures = note.split_note(served)
    assert served_body == body and len(signatures) == 2
    assert note.cosignature_time(body, signatures[1], witness.verifier) > 0
    assert client.get("/log/checkpoint/5").content.decode().count("\u2014") == 1


def test_a_cosignature_from_an_unlisted_key_is_refused(client, logged, witness):
    _checkpoint, text = open_latest(client)
    stranger = note.Signer.generate("stranger.example", note.COSIGNATURE_V1)
    line = note.cosign(note.split_note(text)[0], stranger, int(time.time())).line()
    assert client.post("/log/cosign", text + line, content_type="text/plain").status_code == 403
    assert not Cosignature.objects.exists()


def test_a_bad_cosignature_from_a_listed_key_is_refused(client, logged, witness):
    _checkpoint, text = open_latest(client)
    signature = note.cosign(note.split_note(text)[0], witness, 1_700_000_000)
    forged = note.Signature(
        signature.name, signature.id, (1_700_000_001).to_bytes(8, "big") + signature.data[8:]
    )
    assert client.post("/log/cosign", text + forged.line(), content_type="text/plain").status_code == 400
    assert not Cosignature.objects.exists()


def test_a_cosignature_of_a_checkpoint_the_log_never_signed_is_refused(client, logged, witness):
    fake = note.Checkpoint(keys.log_origin(), 8, bytes(32)).text()
    line = note.cosign(fake, witness, int(time.time())).line()
    response = client.post("/log/cosign", f"{fake}\n{line}", content_type="text/plain")
    assert response.status_code == 404
    assert client.post("/log/cosign", "not a note", content_type="text/plain").status_code == 400
    assert client.post("/log/cosign", {"note": fake}).status_code == 415  # a signed note, not a form
    assert client.get("/log/cosign").status_code == 405
