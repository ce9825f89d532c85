"""What an issued document carries about its pacts, so that a copy can be checked offline years later.

Every sealed document embeds (as PDF/A-3 associated files):
- `netralitas.json`, the manifest: which document this is, of which event, listing which pacts;
- for each pact in the transparency log, its leaf exactly as logged (canonical JSON) and its inclusion proof
  against the checkpoint at sealing time, from which anyone recomputes the checkpoint's root hash (RFC 9162,
  2.1.3.2) and then checks that checkpoint's signature and its consistency with any later one. A declaration
  carries them as two files (`pakta-<code>-daun.json`, the leaf's very bytes, and `pakta-<code>-bukti.json`);
  a sheet or a file of pacts carries all its entries in one file, `netralitas-log.json`, the leaves as JSON
  strings (thousands of small embedded files would cost more to seal than the sheet costs to render).

The writing side builds these files from the database; the reading side (`read_*`, `inclusion_root`) is pure,
for the verification of uploaded files.
"""

import base64
import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from pledges.models import Pact
from pledges.pdf.seal import Attachment

FORMAT = "netralitas-dokumen/1"
LOG_FORMAT = "netralitas-log/1"
MANIFEST_NAME = "netralitas.json"
LOG_NAME = "netralitas-log.json"
# Document kinds, as the manifest names them.
SIGNER_COPY = "declaration"
PUBLIC_COPY = "declaration-public"
SHEET = "sheet"
PACTS = "pacts"
KINDS = (SIGNER_COPY, PUBLIC_COPY, SHEET, PACTS)
# Log entries: a pact's signing, and its withdrawal once withdrawn.
ENTRY_KINDS = ("pact", "withdrawal")


def leaf_name(code: str, entry: str = "pact") -> str:
    return f"pakta-{code}-daun.json" if entry == "pact" else f"pakta-{code}-penarikan-daun.json"


def proof_name(code: str, entry: str = "pact") -> str:
    return f"pakta-{code}-bukti.json" if entry == "pact" else f"pakta-{code}-penarikan-bukti.json"


def log_bundle(pact: Pact, entry: str) -> dict | None:
    """The pact's entry in the transparency log with its inclusion proof; None while it is not logged."""
    return log_bundles([pact], entry).get(pact.pk)


def log_bundles(pacts: list[Pact], entry: str) -> dict[int, dict]:
    """The log entries of many pacts by pact id, in a fixed number of queries (pledges.transparency)."""
    from pledges.transparency import services  # read at call time: tests stand in for the log

    return services.pacts_log_bundles(pacts, kind=entry)


def attachments(*, kind: str, event_code: str, pacts: list[Pact]) -> list[Attachment]:
    """The manifest and, for every pact that is in the log, its leaf and inclusion proof."""
    bundles = {entry: log_bundles(pacts, entry) for entry in ENTRY_KINDS}
    entries = [
        _entry_record(pact.code, entry, bundle)
        for pact in pacts
        for entry in ENTRY_KINDS
        if not (entry == "withdrawal" and pact.is_valid)
        and (bundle := bundles[entry].get(pact.pk)) is not None
    ]
    logged = [{"code": entry["code"], "entry": entry["entry"]} for entry in entries]
    if kind in (SIGNER_COPY, PUBLIC_COPY):
        files = [file for entry in entries for file in _entry_files(entry)]
    elif entries:
        files = [
            Attachment(
                name=LOG_NAME,
                data=_json({"format": LOG_FORMAT, "entries": entries}),
                description=_(
                    "Entri log transparansi pakta-pakta dalam dokumen ini, dengan bukti inklusinya"
                ),
            )
        ]
    else:
        files = []
    manifest = {
        "format": FORMAT,
        "document": kind,
        "event": event_code,
        "site": settings.SITE_URL,
        "issued_at": timezone.now().isoformat(timespec="seconds"),
        "pacts": [pact.code for pact in pacts],
        "log_entries": logged,
    }
    files.append(
        Attachment(
            name=MANIFEST_NAME,
            data=_json(manifest),
            description=_("Daftar isi dokumen: jenis dokumen, kegiatan dan pakta yang dimuat"),
            relationship="Supplement",
        )
    )
    return files


def _entry_record(code: str, entry: str, bundle: dict) -> dict:
    """One log entry with its proof, as JSON values; the leaf as a string (canonical JSON is UTF-8 text)."""
    return {
        "code": code,
        "entry": entry,
        "leaf": bundle["leaf"].decode("utf-8"),
        "leaf_sha256": hashlib.sha256(bundle["leaf"]).hexdigest(),
        "leaf_index": bundle["leaf_index"],
        "tree_size": bundle["tree_size"],
        "inclusion_proof": [base64.b64encode(node).decode() for node in bundle["proof"]],
        "checkpoint": bundle["checkpoint"],
    }


def _entry_files(record: dict) -> list[Attachment]:
    """A declaration's entry as two files: the leaf's very bytes, and the proof that names it."""
    code, entry = record["code"], record["entry"]
    proof = {key: value for key, value in record.items() if key != "leaf"}
    proof["leaf_file"] = leaf_name(code, entry)
    return [
        Attachment(
            name=leaf_name(code, entry),
            data=record["leaf"].encode("utf-8"),
            description=_("Entri log transparansi pakta %(code)s (JSON kanonik, persis seperti dicatat)")
            % {"code": code},
        ),
        Attachment(
            name=proof_name(code, entry),
            data=_json(proof),
            description=_("Bukti inklusi entri pakta %(code)s terhadap checkpoint log saat penyegelan")
            % {"code": code},
            relationship="Supplement",
        ),
    ]


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


# --- Reading what a document carries ------------------------------------------------------------------------


class ArchiveError(ValueError):
    """An embedded file is not what this registry writes."""


@dataclass(frozen=True)
class EntryProof:
    code: str
    entry: str
    leaf: bytes
    leaf_index: int
    tree_size: int
    proof: list[bytes]
    checkpoint: str


def read_manifest(data: bytes | None) -> dict:
    try:
        manifest = json.loads(data) if data is not None else None
    except (ValueError, UnicodeDecodeError):
        manifest = None
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != FORMAT
        or manifest.get("document") not in KINDS
    ):
        raise ArchiveError("not a manifest of this registry")
    if not isinstance(manifest.get("pacts"), list) or not all(
        isinstance(code, str) for code in manifest["pacts"]
    ):
        raise ArchiveError("malformed pact list")
    return manifest


def read_entries(files: dict[str, bytes]) -> dict[tuple[str, str], EntryProof]:
    """Every log entry a document carries, by (pact code, entry kind): from the log file of a sheet or a file
    of pacts, and from a declaration's leaf and proof files. Entries that do not parse are left out (the
    verification then finds them missing)."""
    found = {}
    try:
        bundle = json.loads(files[LOG_NAME]) if LOG_NAME in files else {"format": LOG_FORMAT, "entries": []}
        records = bundle["entries"] if bundle.get("format") == LOG_FORMAT else []
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
        records = []
    for record in records:
        if isinstance(record, dict) and isinstance(record.get("leaf"), str):
            _add_entry(found, record, record["leaf"].encode("utf-8"))
    for name, data in files.items():
        if not name.endswith("-bukti.json"):
            continue
        try:
            record = json.loads(data)
        except (ValueError, UnicodeDecodeError):
            continue
        if isinstance(record, dict) and record.get("leaf_file") in files:
            _add_entry(found, record, files[record["leaf_file"]])
    return found


def _add_entry(found: dict, record: dict, leaf: bytes) -> None:
    try:
        entry = EntryProof(
            code=str(record["code"]),
            entry=str(record["entry"]),
            leaf=leaf,
            leaf_index=int(record["leaf_index"]),
            tree_size=int(record["tree_size"]),
            proof=[base64.b64decode(node, validate=True) for node in record["inclusion_proof"]],
            checkpoint=str(record["checkpoint"]),
        )
    except (ValueError, KeyError, TypeError):
        return
    found[(entry.code, entry.entry)] = entry


def checkpoint_root(note: str) -> tuple[str, int, bytes]:
    """Origin, tree size and root hash of a checkpoint note (C2SP tlog-checkpoint: its first three lines)."""
    lines = note.split("\n")
    try:
        return lines[0], int(lines[1]), base64.b64decode(lines[2], validate=True)
    except (IndexError, ValueError):
        raise ArchiveError("malformed checkpoint") from None


def inclusion_root(*, leaf: bytes, index: int, size: int, proof: list[bytes]) -> bytes | None:
    """The root hash an inclusion proof leads to (RFC 9162, 2.1.3.2), or None for a proof of the wrong shape."""
    if not 0 <= index < size:
        return None
    fn, sn = index, size - 1
    node = hashlib.sha256(b"\x00" + leaf).digest()
    for sibling in proof:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            node = hashlib.sha256(b"\x01" + sibling + node).digest()
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            node = hashlib.sha256(b"\x01" + node + sibling).digest()
        fn >>= 1
        sn >>= 1
    return node if sn == 0 else None
