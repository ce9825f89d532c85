"""Sealed public copies of declarations, stored and reused: rendered and sealed once per state of the pact,
instead of on every download (a timestamp authority is a network round trip, and some are paid per stamp)."""

import logging
import tempfile
from pathlib import Path

from django.core.files import File
from django.db import IntegrityError, transaction

from pledges.models import Pact, PublicCopy
from pledges.pdf import archive, documents, seal

logger = logging.getLogger(__name__)


def copy_state(pact: Pact) -> str:
    """What a public copy depends on: a withdrawal, a log entry logged since, another sealing certificate."""
    logged = "-".join(
        entry
        for entry in archive.ENTRY_KINDS
        if not (entry == "withdrawal" and pact.is_valid) and archive.log_bundle(pact, entry)
    )
    office = seal.office_seal()
    return f"{pact.status}:{logged or 'unlogged'}:{office.fingerprint[:16] if office else 'unsealed'}"


def public_copy(pact: Pact) -> PublicCopy:
    """The stored copy for the pact's current state, rendered and sealed when there is none.

    Raises seal.SealingError when the seal cannot be applied now. Two first requests at once both render;
    the database constraint keeps one copy and the other's file is removed.
    """
    state = copy_state(pact)
    stored = PublicCopy.objects.filter(pact=pact, state=state).first()
    if stored is not None and stored.file.storage.exists(stored.file.name):
        return stored
    if stored is not None:  # the file was lost: render it again
        stored.delete()
    with tempfile.TemporaryDirectory(prefix="netralitas-copy-") as folder:
        path = Path(folder) / f"pakta-{pact.code}-publik.pdf"
        documents.declaration_pdf(pact, out=path, public=True)
        copy = PublicCopy(pact=pact, state=state)
        with path.open("rb") as rendered:
            copy.file.save(path.name, File(rendered), save=False)
    try:
        with transaction.atomic():
            copy.save()
    except IntegrityError:
        copy.file.delete(save=False)
        return PublicCopy.objects.get(pact=pact, state=state)
    _remove_stale(pact, keep=copy)
    return copy


def _remove_stale(pact: Pact, *, keep: PublicCopy) -> None:
    for stale in PublicCopy.objects.filter(pact=pact).exclude(pk=keep.pk):
        stale.file.delete(save=False)
        stale.delete()
