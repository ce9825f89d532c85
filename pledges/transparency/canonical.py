"""Encodings the log and its verifiers share (standard library only: the verifier imports this)."""

import datetime
import hashlib
import json

# PBKDF2-HMAC-SHA256 over a pact code, salted with the entry's time, stands in for the code in entries of
# non-public events: trying 31^10 codes at this many rounds each is out of reach (some 10^19 HMACs), while the
# sequencer, a browser or the verifier computes one in a few milliseconds.
CODE_HASH_ROUNDS = 10_000
CODE_HASH_SALT = "netralitas-log-code/"


def canonical_json(value) -> bytes:
    """UTF-8, sorted keys, no spaces: the one byte string a record has."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def utc_time(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def code_hash(code: str, time: str) -> str:
    salt = f"{CODE_HASH_SALT}{time}".encode()
    return hashlib.pbkdf2_hmac("sha256", code.encode(), salt, CODE_HASH_ROUNDS).hex()


def leaf_names_code(record: dict, code: str) -> bool:
    """Whether a leaf is about the pact with this code (in clear, or as the slow hash)."""
    if "code" in record:
        return record["code"] == code
    return "code_hash" in record and record["code_hash"] == code_hash(code, record.get("time", ""))
