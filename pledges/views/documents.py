"""PDF downloads: the staff's event documents, an attendee's own declaration, the public copy of a pact.

Each view finds what it may show through the scoped querysets, then renders into a temporary file that is
unlinked at once and streamed (a 50-page sheet is never held in memory twice).
"""

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from events import access
from events.models import Event
from pledges.models import Pact, normalize_pact_code
from pledges.pdf import documents

SIGNED_PACTS_SESSION_KEY = "signed_pacts"


def pdf_response(build: Callable[[Path], object], filename: str) -> FileResponse:
    """Render with `build(path)` into a temporary file and stream it; the file is gone once the download ends."""
    descriptor, name = tempfile.mkstemp(prefix="netralitas-", suffix=".pdf")
    os.close(descriptor)
    try:
        build(Path(name))
        handle = open(name, "rb")  # noqa: SIM115 - FileResponse closes it after streaming
    finally:
        os.unlink(name)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type="application/pdf")


def _staff_may_see(user, pact: Pact) -> bool:
    return access.is_staff_member(user) and Event.objects.visible_to(user).filter(pk=pact.event_id).exists()


@never_cache
@require_GET
def receipt_pdf(request, code):
    """The signer's own declaration with the full NIP: in the browser that signed it, or for the event's staff."""
    pact = get_object_or_404(Pact, code=normalize_pact_code(code))
    if pact.code not in request.session.get(SIGNED_PACTS_SESSION_KEY, []) and not _staff_may_see(
        request.user, pact
    ):
        raise Http404
    return pdf_response(lambda out: documents.declaration_pdf(pact, out=out), f"pakta-{pact.code}.pdf")


@require_GET
def pact_pdf(request, code):
    """The public copy of a pact, from the verification page: NIP masked, withdrawal shown."""
    pact = get_object_or_404(Pact.objects.public(), code=normalize_pact_code(code))
    return pdf_response(
        lambda out: documents.declaration_pdf(pact, out=out, public=True), f"pakta-{pact.code}-publik.pdf"
    )
