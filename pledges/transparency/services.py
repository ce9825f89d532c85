"""The log's operations: queue an entry, sequence the queue into the tree and sign a checkpoint, answer proofs,
take witnesses' cosignatures."""

import base64
import datetime

from django.conf import settings
from django.db import connection, transaction

from pledges.models import Pact
from pledges.transparency import keys, merkle, note
from pledges.transparency.canonical import CODE_HASH_ROUNDS, CODE_HASH_SALT
from pledges.transparency.leaves import PACT, WITHDRAWAL, leaves_for
from pledges.transparency.models import Checkpoint, Cosignature, LogEntry, LogNode, PendingEntry

SEQUENCE_LOCK = 0x6E74_6C6F_6701  # one PostgreSQL advisory lock serializes every sequencer ("ntlog")
SEQUENCE_BATCH = 5_000
MAX_ENTRIES = 1_000


class LogError(Exception):
    """A request the log cannot answer; `status` is the HTTP status that says why."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


class LogCorrupted(RuntimeError):
    """The stored tree no longer matches the latest signed checkpoint: the sequencer refuses to extend it."""


# --- Adding entries -----------------------------------------------------------------------------------------


def log_enqueue(*, pact: Pact, kind: str) -> None:
    """Queue a signing or withdrawal inside the transaction that makes it; sequence it once that commits."""
    PendingEntry.objects.create(pact=pact, kind=kind)
    transaction.on_commit(sequence_after_commit, robust=True)


def sequence_after_commit() -> None:
    """Hand the sequencing to a worker (in-process without a broker); beat catches up if the message is lost."""
    if settings.LOG_SEQUENCE_ON_COMMIT:
        from pledges.transparency.tasks import sequence_log  # the tasks module imports this one

        sequence_log.delay()


def _lock() -> None:
    # SQLite lets one writer in at a time anyway; PostgreSQL needs the lock, else two sequencers would hand
    # out the same index and the second insert would fail only after both had signed.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEQUENCE_LOCK])


def _right_edge(size: int) -> merkle.CompactRange:
    pieces = merkle.CompactRange.pieces(size)
    ids = [merkle.node_id(level, index) for level, index in pieces]
    stored = _node_hashes(set(ids))
    if len(stored) != len(ids):
        raise LogCorrupted(f"stored subtree hashes of the tree of size {size} are missing")
    return merkle.CompactRange(size, [stored[i] for i in ids])


def _sign(size: int, root_hash: bytes) -> Checkpoint:
    text = note.Checkpoint(keys.log_origin(), size, root_hash).text()
    checkpoint = Checkpoint(tree_size=size, root_hash=root_hash, note=note.sign_note(text, keys.log_signer()))
    checkpoint.save()
    return checkpoint


def log_sequence(*, batch: int = SEQUENCE_BATCH) -> Checkpoint | None:
    """Give up to `batch` queued entries the next indexes, store the subtrees they complete and sign a new
    checkpoint. None when nothing was queued (the first run signs the empty tree)."""
    keys.log_signer()  # no key: fail before touching anything
    with transaction.atomic():
        _lock()
        latest = Checkpoint.objects.order_by("-tree_size").first()
        pending = list(PendingEntry.objects.order_by("pk").values_list("pk", "pact_id", "kind")[:batch])
        if latest and not pending:
            return None
        size = latest.tree_size if latest else 0
        edge = _right_edge(size)
        if latest and edge.root() != bytes(latest.root_hash):
            raise LogCorrupted(f"the stored tree of size {size} does not match its signed checkpoint")
        entries, nodes = [], []

        def store(level, index, digest):
            nodes.append(LogNode(id=merkle.node_id(level, index), hash=digest))

        leaves = leaves_for([(pact_id, kind) for _pk, pact_id, kind in pending])
        for (_pk, pact_id, kind), leaf in zip(pending, leaves, strict=True):
            entries.append(LogEntry(index=edge.size, kind=kind, pact_id=pact_id, leaf=leaf))
            edge.append(merkle.leaf_hash(leaf), store)
        LogEntry.objects.bulk_create(entries, batch_size=1_000)
        LogNode.objects.bulk_create(nodes, batch_size=2_000)
        PendingEntry.objects.filter(pk__in=[pk for pk, _pact_id, _kind in pending]).delete()
        return _sign(edge.size, edge.root())


def log_sequence_all() -> Checkpoint | None:
    """Sequence until the queue is empty; the last checkpoint signed, if any."""
    last = None
    while (checkpoint := log_sequence()) is not None:
        last = checkpoint
    return last


# --- Reading ------------------------------------------------------------------------------------------------


def _node_hashes(ids: set[int]) -> dict[int, bytes]:
    return {pk: bytes(digest) for pk, digest in LogNode.objects.filter(id__in=ids).values_list("id", "hash")}


def root_at(size: int) -> bytes:
    """The root hash of the first `size` entries, from O(log n) stored subtree hashes."""
    return _right_edge(size).root()


def latest_checkpoint() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-tree_size").first()


def checkpoint_at(size: int) -> Checkpoint | None:
    return Checkpoint.objects.filter(tree_size=size).first()


def checkpoint_note(checkpoint: Checkpoint) -> str:
    """The signed checkpoint with the witnesses' cosignature lines after the log's own."""
    return checkpoint.note + "".join(c.line for c in checkpoint.cosignatures.all())


def _current_size() -> int:
    latest = latest_checkpoint()
    return latest.tree_size if latest else 0


def _check_size(tree_size: int) -> None:
    if tree_size > _current_size():
        raise LogError(f"the log has no tree of size {tree_size} yet", status=404)


def inclusion_proof(*, index: int, tree_size: int) -> list[bytes]:
    _check_size(tree_size)
    try:
        return merkle.proof_from_store(merkle.inclusion_ranges(index, tree_size), _node_hashes)
    except merkle.ProofError as error:
        raise LogError(str(error)) from None


def consistency_proof(*, first: int, second: int) -> list[bytes]:
    _check_size(second)
    if first == second:
        return []
    try:
        return merkle.proof_from_store(merkle.consistency_ranges(first, second), _node_hashes)
    except merkle.ProofError as error:
        raise LogError(str(error)) from None


def entries(*, start: int, end: int) -> list[tuple[int, bytes]]:
    """Entries `start` to `end` inclusive (as RFC 6962's get-entries), at most MAX_ENTRIES, within the
    latest checkpoint."""
    if start < 0 or end < start:
        raise LogError("start must be 0 or more and end not smaller than start")
    end = min(end, start + MAX_ENTRIES - 1, _current_size() - 1)
    rows = LogEntry.objects.filter(index__gte=start, index__lte=end).order_by("index")
    return [(index, bytes(leaf)) for index, leaf in rows.values_list("index", "leaf")]


def pact_log_entry(pact: Pact, kind: str = PACT) -> LogEntry | None:
    return LogEntry.objects.filter(pact=pact, kind=kind).first()


def pact_log_bundle(pact: Pact, kind: str = PACT) -> dict | None:
    """What proves a pact's entry against the latest checkpoint, for documents that carry their own proof:
    {"leaf", "leaf_index", "tree_size", "proof", "checkpoint" (signed note text)}; None until it is logged."""
    return pacts_log_bundles([pact], kind).get(pact.pk)


def pacts_log_bundles(pacts: list[Pact], kind: str = PACT) -> dict[int, dict]:
    """pact_log_bundle() of many pacts by pact id: their entries in one query and one checkpoint, whatever the
    number of pacts (a 1,000-row sheet); only the proofs of logged pacts read their few subtree hashes."""
    checkpoint = latest_checkpoint()
    if checkpoint is None or not pacts:
        return {}
    entries = LogEntry.objects.filter(
        pact__in=[pact.pk for pact in pacts], kind=kind, index__lt=checkpoint.tree_size
    ).only("index", "pact_id", "leaf")
    note = None
    bundles = {}
    for entry in entries:
        note = note or checkpoint_note(checkpoint)
        bundles[entry.pact_id] = {
            "leaf": bytes(entry.leaf),
            "leaf_index": entry.index,
            "tree_size": checkpoint.tree_size,
            "proof": inclusion_proof(index=entry.index, tree_size=checkpoint.tree_size),
            "checkpoint": note,
        }
    return bundles


def pact_log_status(pact: Pact) -> dict | None:
    """Where a pact stands in the log, for its pages: None while it is being recorded."""
    indexes = dict(LogEntry.objects.filter(pact=pact).values_list("kind", "index"))
    latest = latest_checkpoint()
    size = latest.tree_size if latest else 0
    if indexes.get(PACT, size) >= size:
        return None
    withdrawal = indexes.get(WITHDRAWAL)
    return {
        "index": indexes[PACT],
        "tree_size": size,
        "withdrawal_index": withdrawal if withdrawal is not None and withdrawal < size else None,
        "code_salt": CODE_HASH_SALT,
        "code_rounds": CODE_HASH_ROUNDS,
    }


def pact_log_stamp(pact: Pact) -> dict | None:
    """What a printed declaration says of the log: the entry, and the checkpoint its proof was verified
    against here and now. None while the pact is being recorded, or if the proof does not verify."""
    bundle = pact_log_bundle(pact)
    if bundle is None:
        return None
    try:
        checkpoint = note.open_checkpoint(bundle["checkpoint"], keys.log_verifier())
        merkle.verify_inclusion(
            index=bundle["leaf_index"],
            size=bundle["tree_size"],
            leaf=bundle["leaf"],
            proof=bundle["proof"],
            root_hash=checkpoint.root_hash,
        )
    except (note.NoteError, merkle.ProofError):
        return None
    return {
        "index": bundle["leaf_index"],
        "tree_size": checkpoint.size,
        "root_hash": base64.b64encode(checkpoint.root_hash).decode(),
        "origin": checkpoint.origin,
    }


# --- Witnesses ----------------------------------------------------------------------------------------------

COSIGN_MALFORMED = "The body is not a signed checkpoint note."
COSIGN_UNKNOWN_CHECKPOINT = "This log never signed that checkpoint."
COSIGN_NO_WITNESS = "No signature line is from a witness this log accepts."
COSIGN_BAD_SIGNATURE = "The cosignature of {name} does not verify."


@transaction.atomic
def cosignatures_add(*, note_text: str) -> list[str]:
    """Store the cosignatures in a checkpoint note posted by witnesses listed in settings; their names.

    The note's text must be exactly a checkpoint this log signed. Lines from unknown keys are ignored (as
    signed-note asks); a bad signature from a known key refuses the whole note.
    """
    try:
        text, signatures = note.split_note(note_text)
        size = note.parse_checkpoint(text).size
    except note.NoteError:
        raise LogError(COSIGN_MALFORMED) from None
    checkpoint = checkpoint_at(size)
    if checkpoint is None or note.split_note(checkpoint.note)[0] != text:
        raise LogError(COSIGN_UNKNOWN_CHECKPOINT, status=404)
    accepted = []
    for verifier in keys.witness_verifiers():
        for signature in signatures:
            if signature.name != verifier.name or signature.id != verifier.id:
                continue
            try:
                timestamp = note.cosignature_time(text, signature, verifier)
            except note.NoteError:
                raise LogError(COSIGN_BAD_SIGNATURE.format(name=verifier.name)) from None
            if not Cosignature.objects.filter(checkpoint=checkpoint, witness=verifier.name).exists():
                Cosignature(
                    checkpoint=checkpoint,
                    witness=verifier.name,
                    line=signature.line(),
                    signed_at=datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC),
                ).save()
            accepted.append(verifier.name)
    if not accepted:
        raise LogError(COSIGN_NO_WITNESS, status=403)
    return accepted
