"""C2SP signed notes, checkpoints and cosignatures with Ed25519 (standard library and `cryptography` only).

- signed-note: the text, a blank line, then `— <name> base64(key ID ‖ signature)` lines.
- tlog-checkpoint: the text is the origin, the tree size and the base64 root hash, one per line.
- tlog-cosignature (v1, Ed25519): a witness signs "cosignature/v1\\ntime <t>\\n" + the checkpoint text, and
  its signature line carries key ID ‖ 8-byte big-endian time ‖ signature.

Keys are written as Go's `golang.org/x/mod/sumdb/note` writes them: verifier keys
`<name>+<8 hex digits of the key ID>+<base64(type ‖ public key)>`, signer keys
`PRIVATE+KEY+<name>+<key ID>+<base64(type ‖ 32-byte seed)>`.
"""

import base64
import binascii
import hashlib
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519 = 0x01  # a log's signature on its checkpoints
COSIGNATURE_V1 = 0x04  # a witness's timestamped cosignature
DASH = "\u2014"
MAX_SIGNATURES = 32  # signed-note asks verifiers to accept at least 16


class NoteError(ValueError):
    """A note, key or checkpoint that is malformed or whose signature does not verify."""


def _b64decode(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise NoteError("not valid base64") from None


def _check_name(name: str) -> None:
    if not name or any(ch.isspace() or ch == "+" for ch in name):
        raise NoteError("a key name must be non-empty, without spaces or '+'")


def key_id(name: str, kind: int, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([kind]) + public).digest()[:4]


def _raw_public(private: Ed25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


@dataclass(frozen=True)
class Verifier:
    name: str
    kind: int
    public: bytes

    @property
    def id(self) -> bytes:
        return key_id(self.name, self.kind, self.public)

    def __str__(self) -> str:
        encoded = base64.b64encode(bytes([self.kind]) + self.public).decode()
        return f"{self.name}+{self.id.hex()}+{encoded}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class Signer:
    name: str
    kind: int
    private: Ed25519PrivateKey

    @classmethod
    def generate(cls, name: str, kind: int = ED25519) -> "Signer":
        _check_name(name)
        return cls(name, kind, Ed25519PrivateKey.generate())

    @property
    def verifier(self) -> Verifier:
        return Verifier(self.name, self.kind, _raw_public(self.private))

    def __str__(self) -> str:
        seed = self.private.private_bytes_raw()
        encoded = base64.b64encode(bytes([self.kind]) + seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.verifier.id.hex()}+{encoded}"

    def sign(self, message: bytes) -> bytes:
        return self.private.sign(message)


def parse_verifier(text: str) -> Verifier:
    parts = text.strip().split("+", 2)  # the base64 key may itself contain '+'
    if len(parts) != 3:
        raise NoteError("a verifier key is <name>+<key ID>+<base64 key>")
    name, hex_id, encoded = parts
    _check_name(name)
    raw = _b64decode(encoded)
    if len(raw) != 33 or raw[0] not in (ED25519, COSIGNATURE_V1):
        raise NoteError("only Ed25519 keys (type 0x01 or 0x04) are supported")
    verifier = Verifier(name, raw[0], raw[1:])
    if verifier.id.hex() != hex_id.lower():
        raise NoteError("the key ID does not match the key")
    return verifier


def parse_signer(text: str) -> Signer:
    parts = text.strip().split("+", 4)
    if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
        raise NoteError("a signer key is PRIVATE+KEY+<name>+<key ID>+<base64 key>")
    name, hex_id, encoded = parts[2:]
    _check_name(name)
    raw = _b64decode(encoded)
    if len(raw) != 33 or raw[0] not in (ED25519, COSIGNATURE_V1):
        raise NoteError("only Ed25519 keys (type 0x01 or 0x04) are supported")
    signer = Signer(name, raw[0], Ed25519PrivateKey.from_private_bytes(raw[1:]))
    if signer.verifier.id.hex() != hex_id.lower():
        raise NoteError("the key ID does not match the key")
    return signer


# --- Notes --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signature:
    name: str
    id: bytes
    data: bytes  # what follows the key ID: the Ed25519 signature, or the time and the signature

    def line(self) -> str:
        return f"{DASH} {self.name} {base64.b64encode(self.id + self.data).decode()}\n"


def split_note(note: str) -> tuple[str, list[Signature]]:
    """The text (with its final newline) and the signature lines of a signed note."""
    if any(ord(ch) < 0x20 and ch != "\n" for ch in note):
        raise NoteError("a note may not contain control characters")
    cut = note.rfind("\n\n")
    if cut < 0 or not note.endswith("\n"):
        raise NoteError("a signed note is text, a blank line and signature lines")
    text, block = note[: cut + 1], note[cut + 2 :]
    signatures = []
    for line in block.splitlines():
        if not line.startswith(f"{DASH} "):
            raise NoteError("a signature line starts with an em dash and a space")
        name, _, encoded = line[2:].partition(" ")
        _check_name(name)
        raw = _b64decode(encoded)
        if len(raw) < 5:
            raise NoteError("a signature is too short")
        signatures.append(Signature(name, raw[:4], raw[4:]))
    if not signatures or len(signatures) > MAX_SIGNATURES:
        raise NoteError("a signed note carries between 1 and 32 signatures")
    return text, signatures


def sign_note(text: str, signer: Signer) -> str:
    if not text.endswith("\n"):
        raise NoteError("a note's text ends with a newline")
    signature = Signature(signer.name, signer.verifier.id, signer.sign(text.encode()))
    return f"{text}\n{signature.line()}"


def _matching(signatures: list[Signature], verifier: Verifier) -> list[Signature]:
    return [s for s in signatures if s.name == verifier.name and s.id == verifier.id]


def verify_note(note: str, verifier: Verifier) -> str:
    """The note's text when `verifier` signed it; NoteError when it did not (or a signature of it is bad)."""
    text, signatures = split_note(note)
    mine = _matching(signatures, verifier)
    if not mine:
        raise NoteError(f"the note is not signed by {verifier.name}")
    if not all(verifier.verify(text.encode(), s.data) for s in mine):
        raise NoteError(f"the signature of {verifier.name} does not verify")
    return text


# --- Checkpoints --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root_hash: bytes

    def text(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root_hash).decode()}\n"


def parse_checkpoint(text: str) -> Checkpoint:
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "" or not lines[0]:
        raise NoteError("a checkpoint is an origin line, a tree size and a root hash")
    origin, size, encoded = lines[:3]
    if not size.isdigit() or (size.startswith("0") and size != "0"):
        raise NoteError("the tree size is not a decimal number")
    root_hash = _b64decode(encoded)
    if len(root_hash) != 32:
        raise NoteError("the root hash is not 32 bytes")
    return Checkpoint(origin, int(size), root_hash)


def open_checkpoint(note: str, verifier: Verifier, *, origin: str | None = None) -> Checkpoint:
    """A checkpoint whose log signature verifies (and whose origin is `origin`, when given)."""
    checkpoint = parse_checkpoint(verify_note(note, verifier))
    if origin is not None and checkpoint.origin != origin:
        raise NoteError(f"the checkpoint is for {checkpoint.origin!r}, not {origin!r}")
    return checkpoint


# --- Cosignatures -------------------------------------------------------------------------------------------


def cosigned_message(text: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n{text}".encode()


def cosign(text: str, signer: Signer, timestamp: int) -> Signature:
    """A witness's cosignature line over a checkpoint's text."""
    if signer.kind != COSIGNATURE_V1:
        raise NoteError("a cosignature needs a cosignature key (type 0x04)")
    data = struct.pack(">Q", timestamp) + signer.sign(cosigned_message(text, timestamp))
    return Signature(signer.name, signer.verifier.id, data)


def cosignature_time(text: str, signature: Signature, verifier: Verifier) -> int:
    """The time in a valid cosignature by `verifier` over `text`; NoteError when it is not one."""
    if verifier.kind != COSIGNATURE_V1 or signature.name != verifier.name or signature.id != verifier.id:
        raise NoteError("the cosignature is not by this witness")
    if len(signature.data) != 8 + 64:
        raise NoteError("a cosignature is a time and an Ed25519 signature")
    (timestamp,) = struct.unpack(">Q", signature.data[:8])
    if timestamp >= 2**63 or not verifier.verify(cosigned_message(text, timestamp), signature.data[8:]):
        raise NoteError(f"the cosignature of {verifier.name} does not verify")
    return timestamp
