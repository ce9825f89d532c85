"""The log's signing key and origin, and the witnesses it accepts, from settings (never from the repository)."""

import functools
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from pledges.transparency import note

KEY_MISSING = (
    "The transparency log has no signing key: run `manage.py log_keygen` and set LOG_SIGNING_KEY_FILE "
    "(or LOG_SIGNING_KEY)."
)


def log_origin() -> str:
    """The checkpoint origin line: SITE_URL without its scheme (C2SP asks for a schema-less URL)."""
    parts = urlsplit(settings.SITE_URL)
    return f"{parts.netloc}{parts.path}".rstrip("/")


@functools.lru_cache(maxsize=4)
def _parse_signer(text: str) -> note.Signer:
    signer = note.parse_signer(text)
    if signer.kind != note.ED25519:
        raise ImproperlyConfigured("LOG_SIGNING_KEY is not an Ed25519 note signing key (type 0x01).")
    return signer


def _key_text() -> str:
    if settings.LOG_SIGNING_KEY:
        return settings.LOG_SIGNING_KEY
    path = settings.LOG_SIGNING_KEY_FILE
    if path and Path(path).is_file():
        return Path(path).read_text()
    raise ImproperlyConfigured(KEY_MISSING)


def log_signer() -> note.Signer:
    try:
        return _parse_signer(_key_text().strip())
    except note.NoteError as error:
        raise ImproperlyConfigured(f"The transparency log's signing key is unreadable: {error}") from None


def log_verifier() -> note.Verifier:
    return log_signer().verifier


def witness_verifiers() -> list[note.Verifier]:
    """The witnesses listed in settings; a malformed entry is a configuration error, said at once."""
    verifiers = []
    for text in settings.LOG_WITNESS_KEYS:
        try:
            verifier = note.parse_verifier(text)
        except note.NoteError as error:
            raise ImproperlyConfigured(f"LOG_WITNESS_KEYS: {text!r}: {error}") from None
        if verifier.kind != note.COSIGNATURE_V1:
            raise ImproperlyConfigured(f"LOG_WITNESS_KEYS: {text!r} is not a cosignature key (type 0x04)")
        verifiers.append(verifier)
    return verifiers
