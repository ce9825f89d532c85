"""The public copy of a pact (NIP masked), rendered once and served from storage until the pact changes.

Its storage name carries a digest of what it prints that can change: the pact's status and withdrawal date, the
site's address and the document templates, and of how it is sealed: the certificate, and which of the pact's
log entries it can embed. A withdrawal, an entry logged since or another certificate therefore names a new copy.
"""

import hashlib
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage

from pledges.models import Pact
from pledges.pdf import archive, documents, seal

FOLDER = "public/pakta/"


def _sealed_with(pact: Pact) -> list[str]:
    office, _ = seal.seal_status()
    logged = [
        entry
        for entry in archive.ENTRY_KINDS
        if not (entry == "withdrawal" and pact.is_valid) and archive.log_bundle(pact, entry) is not None
    ]
    return [office.fingerprint if office else "unsealed", *logged]


def public_copy_name(pact: Pact) -> str:
    printed = "|".join(
        [pact.code, pact.status, str(pact.withdrawn_at), settings.SITE_URL, documents.templates_digest()]
        + _sealed_with(pact)
    )
    return f"{FOLDER}{pact.code}-{hashlib.sha256(printed.encode()).hexdigest()[:16]}.pdf"


def public_copy(pact: Pact) -> str:
    """The storage name of the pact's public copy, rendered and stored first if it is not there yet."""
    name = public_copy_name(pact)
    if default_storage.exists(name):
        return name
    descriptor, path = tempfile.mkstemp(prefix="netralitas-public-", suffix=".pdf")
    os.close(descriptor)
    try:
        documents.declaration_pdf(pact, out=Path(path), public=True)
        with open(path, "rb") as handle:
            saved = default_storage.save(name, File(handle))
    finally:
        os.unlink(path)
    if saved != name:  # two first requests raced: the other copy is the same document
        default_storage.delete(saved)
    return name
