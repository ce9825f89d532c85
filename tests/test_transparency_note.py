"""C2SP signed notes, checkpoints and cosignatures, against the example published with Go's sumdb/note."""

import time

import pytest

from pledges.transparency import note

# The example in the documentation of golang.org/x/mod/sumdb/note: Ed25519 is deterministic, so signing the
# same text with the same key must give the same note, byte for byte.
GO_SIGNER = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VERIFIER = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
)
GO_NOTE = (
    GO_TEXT + "\n\u2014 PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)


def test_it_reads_and_writes_keys_as_go_does():
    signer = note.parse_signer(GO_SIGNER)
    assert str(signer) == GO_SIGNER
    assert str(signer.verifier) == GO_VERIFIER
    assert note.parse_verifier(GO_VERIFIER) == signer.verifier


def test_it_signs_the_published_example_byte_for_byte_and_verifies_it():
    assert note.sign_note(GO_TEXT, note.parse_signer(GO_SIGNER)) == GO_NOTE
    assert note.verify_note(GO_NOTE, note.parse_verifier(GO_VERIFIER)) == GO_TEXT


def test_it_refuses_a_changed_text_or_another_key():
    with pytest.raises(note.NoteError, match="does not verify"):
        note.verify_note(GO_NOTE.replace("cryptography", "cryptographY"), note.parse_verifier(GO_VERIFIER))
    stranger = note.Signer.generate("PeterNeumann").verifier
    with pytest.raises(note.NoteError, match="not signed by"):
        note.verify_note(GO_NOTE, stranger)


@pytest.mark.parametrize(
    "key",
    [
        GO_VERIFIER.replace("c74f20a3", "c74f20a4"),
        GO_VERIFIER[:-4],
        "PeterNeumann+c74f20a3",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ],
)
def test_it_refuses_malformed_keys(key):
    with pytest.raises(note.NoteError):
        note.parse_verifier(key)


def test_a_key_whose_base64_holds_a_plus_is_read_whole():
    for _ in range(40):
        signer = note.Signer.generate("netralitas.test")
        assert note.parse_signer(str(signer)).verifier == signer.verifier
        assert note.parse_verifier(str(signer.verifier)) == signer.verifier


def test_a_checkpoint_round_trips_and_its_origin_is_checked():
    signer = note.Signer.generate("netralitas.example.go.id")
    text = note.Checkpoint("netralitas.example.go.id", 20852163, bytes(range(32))).text()
    assert text == "netralitas.example.go.id\n20852163\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n"
    signed = note.sign_note(text, signer)
    assert note.open_checkpoint(signed, signer.verifier).size == 20852163
    with pytest.raises(note.NoteError, match="not 'elsewhere'"):
        note.open_checkpoint(signed, signer.verifier, origin="elsewhere")


@pytest.mark.parametrize("text", ["origin\n012\nAAAA\n", "origin\n5\n", "origin\nfive\n" + "A" * 43 + "=\n"])
def test_it_refuses_malformed_checkpoints(text):
    with pytest.raises(note.NoteError):
        note.parse_checkpoint(text)


def test_a_cosignature_is_a_timestamped_signature_over_the_checkpoint():
    witness = note.Signer.generate("kpu.example/saksi", note.COSIGNATURE_V1)
    text = note.Checkpoint("netralitas.test", 7, bytes(32)).text()
    now = int(time.time())
    signature = note.cosign(text, witness, now)
    assert len(signature.data) == 72 and signature.id == note.key_id(
        "kpu.example/saksi", 4, witness.verifier.public
    )
    assert note.cosignature_time(text, signature, witness.verifier) == now
    other = note.Checkpoint("netralitas.test", 8, bytes(32)).text()
    with pytest.raises(note.NoteError):
        note.cosignature_time(other, signature, witness.verifier)
    with pytest.raises(note.NoteError):
        note.cosign(text, note.Signer.generate("log"), now)  # a log key (type 0x01) cannot cosign


def test_notes_with_control_characters_or_no_signature_are_refused():
    with pytest.raises(note.NoteError):
        note.split_note("text\n\n")
    with pytest.raises(note.NoteError):
        note.split_note("te\x07xt\n\n\u2014 a AAAAAAA=\n")
