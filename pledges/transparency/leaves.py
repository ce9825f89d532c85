"""What a leaf says about a signing or a withdrawal: the public record, never a secret.

A leaf is canonical JSON (UTF-8, sorted keys, no spaces). For a pact of a public event it carries the pact and
event codes and the fields the registry shows; for any other pact, no name or code in clear: only a slow hash
of the pact code (the holder of the paper can find their entry, nobody can list the codes). The rest of the
pact is covered by its salted commitment (`Pact.content_hash`). No leaf holds a full identity number, a
phone number, an e-mail address or a signature.
"""

import hashlib

from events.models import Event
from pledges.models import Declaration, Pact
from pledges.privacy import signer_public_fields
from pledges.transparency.canonical import canonical_json, code_hash, utc_time

PACT = "pact"
WITHDRAWAL = "withdrawal"


def declaration_sha256(declaration) -> str:
    """SHA-256 of the canonical JSON of the text as signed (the fields a new version would change)."""
    text = {
        "title": declaration.title,
        "opening": declaration.opening,
        "points": list(declaration.points),
        "closing": declaration.closing,
        "place_date_line": declaration.place_date_line,
    }
    return hashlib.sha256(canonical_json(text)).hexdigest()


def leaf_record(pact: Pact, kind: str, *, declaration_digest: str | None = None) -> dict:
    """The entry for a pact's signing (`pact`) or its withdrawal (`withdrawal`) as a JSON object."""
    if kind == PACT:
        moment = pact.signed_at
    elif kind == WITHDRAWAL and pact.withdrawn_at:
        moment = pact.withdrawn_at
    else:
        raise ValueError(f"no {kind} entry for pact {pact.pk}")
    record = {"kind": kind, "time": utc_time(moment), "commitment": pact.content_hash}
    if kind == PACT:
        record["method"] = pact.method
        record["declaration"] = {
            "version": pact.declaration.version,
            "sha256": declaration_digest or declaration_sha256(pact.declaration),
        }
    if pact.event.is_public:
        record["code"] = pact.code
        record["event"] = pact.event.code
        if kind == PACT:
            record["public"] = signer_public_fields(pact)
    else:
        record["code_hash"] = code_hash(pact.code, record["time"])
    return record


def leaf_bytes(pact: Pact, kind: str) -> bytes:
    return canonical_json(leaf_record(pact, kind))


# What a leaf reads of a pact: loading only these keeps the sequencer's batches cheap.
LEAF_FIELDS = (
    "code",
    "event",
    "declaration",
    "method",
    "signed_at",
    "withdrawn_at",
    "content_hash",
    "signer_name",
    "signer_identity_kind",
    "signer_identity_number",
    "signer_position",
    "signer_rank",
    "signer_agency",
)


def leaves_for(items: list[tuple[int, str]]) -> list[bytes]:
    """The leaves of (pact id, kind) pairs, in order; each event and declaration is read and hashed once."""
    pacts = Pact.objects.only(*LEAF_FIELDS).in_bulk({pk for pk, _kind in items})
    events = Event.objects.only("code", "is_public").in_bulk({p.event_id for p in pacts.values()})
    declarations = Declaration.objects.in_bulk({p.declaration_id for p in pacts.values()})
    digests = {pk: declaration_sha256(declaration) for pk, declaration in declarations.items()}
    leaves = []
    for pk, kind in items:
        pact = pacts[pk]
        pact.event = events[pact.event_id]
        pact.declaration = declarations[pact.declaration_id]
        leaves.append(
            canonical_json(leaf_record(pact, kind, declaration_digest=digests[pact.declaration_id]))
        )
    return leaves
