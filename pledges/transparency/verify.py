"""An independent verifier (and witness) of a Netralitas transparency log. Standard library plus `cryptography`.

    python -m pledges.transparency.verify https://netralitas.example.go.id [--all] [--registry]
        [--code CODE ...] [--state FILE] [--key VERIFIER_KEY] [--cosign KEYFILE]

It fetches the log's key and latest checkpoint and checks the signature; checks that the log only grew since
the checkpoint it saw last time (kept in the state file); with --all, reads every entry and recomputes the root
hash; with --registry, also compares the public registry with the entries; with --code, checks each pact's
inclusion; with --cosign, adds its cosignature as a witness. It exits 1
and says what is wrong when anything does not verify, 2 when the log cannot be reached or read.
"""

import argparse
import base64
import binascii
import json
import os
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from pledges.transparency import merkle, note
from pledges.transparency.canonical import canonical_json, leaf_names_code

PAGE = 1_000
USER_AGENT = "netralitas-verify/1"
RETRIES = 5


class Refused(Exception):
    """Something the log served does not verify: evidence of tampering or of a split view."""


class Unreachable(Exception):
    """The log could not be asked, or answered with something that is not an answer."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


@dataclass
class Log:
    url: str
    timeout: float = 30.0

    def _request(self, path: str, data: bytes | None = None) -> bytes:
        headers = {"User-Agent": USER_AGENT}
        if data is not None:
            headers["Content-Type"] = "text/plain; charset=utf-8"  # a signed note
        request = urllib.request.Request(f"{self.url.rstrip('/')}{path}", data=data, headers=headers)
        for _attempt in range(RETRIES):
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                    return response.read()
            except urllib.error.HTTPError as error:
                if error.code == 429:
                    time.sleep(min(int(error.headers.get("Retry-After") or 5), 60))
                    continue
                detail = error.read()[:300].decode(errors="replace")
                raise Unreachable(f"{path}: HTTP {error.code}: {detail}", status=error.code) from None
            except (urllib.error.URLError, OSError) as error:
                raise Unreachable(f"{path}: {error}") from None
        raise Unreachable(f"{path}: still rate-limited after {RETRIES} tries")

    def text(self, path: str) -> str:
        return self._request(path).decode("utf-8")

    def json(self, path: str, **params) -> dict:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        try:
            return json.loads(self._request(f"{path}{query}"))
        except ValueError:
            raise Unreachable(f"{path}: the answer is not JSON") from None

    def post(self, path: str, body: str) -> bytes:
        return self._request(path, data=body.encode("utf-8"))


def _b64(value: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError, TypeError):
        raise Refused("the log served a value that is not base64") from None


def _hashes(values) -> list[bytes]:
    hashes = [_b64(v) for v in values]
    if any(len(h) != merkle.HASH_SIZE for h in hashes):
        raise Refused("a proof hash is not 32 bytes")
    return hashes


# --- State: what this verifier saw last time ----------------------------------------------------------------


def load_state(path: Path | None) -> dict:
    if path is None or not path.exists():
        return {}
    return json.loads(path.read_text())


def save_state(path: Path | None, state: dict) -> None:
    """Write atomically: a crash must not leave a state file that forgets what was seen."""
    if path is None:
        return
    descriptor, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(descriptor, "w") as handle:
        json.dump(state, handle, indent=2)
    os.replace(name, path)


# --- The checks ---------------------------------------------------------------------------------------------


def fetch_key(log: Log, state: dict, pinned: str | None) -> note.Verifier:
    served = log.text("/log/key").strip()
    expected = pinned or state.get("key")
    if expected and served != expected.strip():
        raise Refused(f"the log's key changed: expected {expected}, the log serves {served}")
    try:
        return note.parse_verifier(served)
    except note.NoteError as error:
        raise Refused(f"the log's key is malformed: {error}") from None


def fetch_checkpoint(log: Log, verifier: note.Verifier, state: dict) -> tuple[note.Checkpoint, str]:
    text = log.text("/log/checkpoint")
    try:
        checkpoint = note.open_checkpoint(text, verifier, origin=state.get("origin"))
    except note.NoteError as error:
        raise Refused(f"the checkpoint does not verify: {error}") from None
    return checkpoint, text


def check_consistency(log: Log, state: dict, checkpoint: note.Checkpoint) -> str | None:
    """That the log only grew since the last checkpoint seen; what was checked, or None on a first run."""
    if "size" not in state:
        return None
    old_size, old_root = state["size"], _b64(state["root_hash"])
    if checkpoint.size < old_size:
        raise Refused(f"the log shrank from {old_size} to {checkpoint.size} entries")
    proof = _hashes(log.json("/log/proof/consistency", first=old_size, second=checkpoint.size)["proof"])
    try:
        merkle.verify_consistency(
            first=old_size,
            second=checkpoint.size,
            first_root=old_root,
            second_root=checkpoint.root_hash,
            proof=proof,
        )
    except merkle.ProofError as error:
        raise Refused(
            f"the tree of {checkpoint.size} entries does not extend the one of {old_size} seen before: {error}"
        ) from None
    return f"the log only grew since the checkpoint of {old_size} entries seen before"


def check_all_entries(log: Log, checkpoint: note.Checkpoint, progress=None) -> list[dict]:
    """Every entry from 0 to size - 1, in order, canonical JSON, hashing to the checkpoint's root; the
    records."""
    edge = merkle.CompactRange(0, [])
    records = []
    while edge.size < checkpoint.size:
        end = min(edge.size + PAGE, checkpoint.size) - 1
        rows = log.json("/log/entries", start=edge.size, end=end)["entries"]
        if not rows:
            raise Refused(f"entry {edge.size} is missing: the log holds fewer entries than it signed")
        for row in rows:
            if row.get("index") != edge.size:
                raise Refused(
                    f"entry {edge.size} is missing: the log served entry {row.get('index')} instead"
                )
            leaf = _b64(row["leaf"])
            try:
                record = json.loads(leaf)
            except ValueError:
                raise Refused(f"entry {edge.size} is not JSON") from None
            if canonical_json(record) != leaf:
                raise Refused(f"entry {edge.size} is not canonical JSON")
            records.append(record)
            edge.append(merkle.leaf_hash(leaf), lambda *_node: None)
            if edge.size == checkpoint.size:
                break
        if progress:
            progress(edge.size)
    if edge.root() != checkpoint.root_hash:
        raise Refused(
            "the entries do not hash to the checkpoint's root: an entry was changed, added or removed"
        )
    return records


REGISTRY_FIELDS = ("name", "identity_kind", "identity_number_masked", "position", "rank", "agency")


def check_registry(log: Log, records: list[dict]) -> str:
    """That the public registry (its JSON API) shows exactly the logged public pacts not withdrawn, with the
    logged fields: a name edited in the database, a pact deleted or slipped in without an entry shows here."""
    withdrawn = {r["code"] for r in records if r.get("kind") == "withdrawal" and "code" in r}
    logged = {r["code"]: r for r in records if r.get("kind") == "pact" and "code" in r}
    expected = {code for code in logged if code not in withdrawn}
    listed = set()
    page = log.json("/api/pakta/")
    while True:
        for row in page.get("results", []):
            code = row.get("code")
            record = logged.get(code)
            if record is None:
                raise Refused(f"pact {code} is in the public registry but not in the log")
            changed = [f for f in REGISTRY_FIELDS if row.get(f) != record.get("public", {}).get(f)]
            if changed:
                raise Refused(f"pact {code}: the registry shows {', '.join(changed)} unlike its log entry")
            listed.add(code)
        if not page.get("next"):
            break
        link = urllib.parse.urlsplit(page["next"])  # the site's own link, asked of the same base URL
        page = log.json(f"{link.path}?{link.query}")
    missing = sorted(expected - listed)
    if missing:
        raise Refused(
            f"{len(missing)} logged public pacts are not in the registry (deleted, or their event made "
            f"non-public): {', '.join(missing[:10])}"
        )
    return f"the public registry lists exactly the {len(listed)} logged public pacts, as logged"


def check_code(log: Log, checkpoint: note.Checkpoint, code: str) -> str:
    """That the pact with this code is in the checkpoint's tree; a sentence saying what was found."""
    code = "".join(ch for ch in code.upper() if ch.isalnum())
    found = {}
    for kind in ("pact", "withdrawal"):
        try:
            answer = log.json("/log/proof/inclusion", code=code, kind=kind, tree_size=checkpoint.size)
        except Unreachable as error:
            if error.status == 404:
                continue
            raise
        leaf = _b64(answer["leaf"])
        try:
            merkle.verify_inclusion(
                index=answer["leaf_index"],
                size=checkpoint.size,
                leaf=leaf,
                proof=_hashes(answer["proof"]),
                root_hash=checkpoint.root_hash,
            )
        except merkle.ProofError as error:
            raise Refused(f"pact {code}: the inclusion proof of its {kind} entry fails: {error}") from None
        record = json.loads(leaf)
        if record.get("kind") != kind or not leaf_names_code(record, code):
            raise Refused(f"pact {code}: the log's {kind} entry {answer['leaf_index']} is about another pact")
        found[kind] = answer["leaf_index"]
    if "pact" not in found:
        raise Refused(f"pact {code} is not in the log of {checkpoint.size} entries")
    sentence = f"pact {code} is entry {found['pact']} of {checkpoint.size}"
    if "withdrawal" in found:
        sentence += f", withdrawn in entry {found['withdrawal']}"
    return sentence


def cosign(log: Log, checkpoint_note: str, keyfile: Path) -> str:
    """Post a C2SP cosignature of the verified checkpoint, as a witness."""
    signer = note.parse_signer(keyfile.read_text())
    text, _signatures = note.split_note(checkpoint_note)
    line = note.cosign(text, signer, int(time.time())).line()
    log.post("/log/cosign", checkpoint_note + line)
    return f"cosigned the checkpoint as {signer.name}"


def run(args) -> list[str]:
    """Every check asked for; the sentences saying what was verified. Raises Refused or Unreachable."""
    log = Log(args.url, timeout=args.timeout)
    state = load_state(args.state)
    verifier = fetch_key(log, state, args.key)
    checkpoint, checkpoint_note = fetch_checkpoint(log, verifier, state)
    said = [
        f"checkpoint signed by {verifier.name}: {checkpoint.size} entries, "
        f"root {base64.b64encode(checkpoint.root_hash).decode()}"
    ]
    grown = check_consistency(log, state, checkpoint)
    if grown:
        said.append(grown)
    if args.all or args.registry:
        records = check_all_entries(log, checkpoint)
        said.append(f"all {checkpoint.size} entries read, in order, and they hash to the signed root")
        if args.registry:
            said.append(check_registry(log, records))
    said += [check_code(log, checkpoint, code) for code in args.code]
    # Remember only what verified, and before cosigning: a witness never signs two views of one size.
    save_state(
        args.state,
        {
            "key": str(verifier),
            "origin": checkpoint.origin,
            "size": checkpoint.size,
            "root_hash": base64.b64encode(checkpoint.root_hash).decode(),
            "checkpoint": checkpoint_note,
        },
    )
    if args.cosign:
        said.append(cosign(log, checkpoint_note, args.cosign))
    return said


def parser() -> argparse.ArgumentParser:
    parse = argparse.ArgumentParser(
        prog="python -m pledges.transparency.verify", description=__doc__.split("\n")[0]
    )
    parse.add_argument("url", help="the site, e.g. https://netralitas.example.go.id")
    parse.add_argument("--state", type=Path, help="file keeping the last verified checkpoint (default: none)")
    parse.add_argument(
        "--key", help="the log's verifier key, if you got it elsewhere (else trusted on first use)"
    )
    parse.add_argument("--all", action="store_true", help="read every entry and recompute the root hash")
    parse.add_argument(
        "--registry", action="store_true", help="with every entry, compare the public registry with the log"
    )
    parse.add_argument(
        "--code", action="append", default=[], help="a pact code to find in the log (repeatable)"
    )
    parse.add_argument("--cosign", type=Path, metavar="KEYFILE", help="as a witness: cosign with this key")
    parse.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    return parse


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    if args.cosign and not args.state:
        parser().error("a witness needs --state: it cosigns only what extends what it saw before")
    try:
        said = run(args)
    except Refused as error:
        print(f"NOT VERIFIED: {error}", file=sys.stderr)
        return 1
    except (Unreachable, KeyError, TypeError, note.NoteError) as error:
        print(f"could not verify: {error}", file=sys.stderr)
        return 2
    for sentence in said:
        print(f"OK: {sentence}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
