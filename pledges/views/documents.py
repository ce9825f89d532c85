"""PDF downloads: the staff's event documents, an attendee's own declaration, the public copy of a pact.

Each view finds what it may show through the scoped querysets, then renders into a temporary file that is
unlinked at once and streamed (a 50-page sheet is never held in memory twice).
"""

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from events import access
from events.models import Agency, Attendee, Event
from pledges.models import Pact, normalize_pact_code
from pledges.pdf import copies, documents, seal

SIGNED_PACTS_SESSION_KEY = "signed_pacts"


class EventDocumentForm(forms.Form):
    """Options of a staff download: signed or blank, all agencies or one of the event's."""

    signed = forms.BooleanField(required=False)
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), required=False)

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(
            Q(invitations__event=event) | Q(attendees__event=event)
        ).distinct()


def pdf_response(request, build: Callable[[Path], object], filename: str):
    """Render with `build(path)` into a temporary file and stream it; the file is gone once the download ends.
    A configured seal that cannot be applied now means no document, rather than an unsealed one."""
    descriptor, name = tempfile.mkstemp(prefix="netralitas-", suffix=".pdf")
    os.close(descriptor)
    try:
        build(Path(name))
        handle = open(name, "rb")  # noqa: SIM115 - FileResponse closes it after streaming
    except seal.SealingError:
        return seal_unavailable(request)
    finally:
        os.unlink(name)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type="application/pdf")


def seal_unavailable(request):
    return render(request, "pledges/seal_unavailable.html", {"message": seal.SEAL_UNAVAILABLE}, status=503)


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
    return pdf_response(
        request, lambda out: documents.declaration_pdf(pact, out=out), f"pakta-{pact.code}.pdf"
    )


@require_GET
def pact_pdf(request, code):
    """The public copy of a pact, from the verification page: NIP masked, withdrawal shown. Sealed once per
    state of the pact and stored (`copies`), then served as stored."""
    pact = get_object_or_404(Pact.objects.public(), code=normalize_pact_code(code))
    try:
        copy = copies.public_copy(pact)
    except seal.SealingError:
        return seal_unavailable(request)
    return FileResponse(
        copy.file.open("rb"),
        as_attachment=True,
        filename=f"pakta-{pact.code}-publik.pdf",
        content_type="application/pdf",
    )


def _filename(kind: str, event: Event, agency: Agency | None = None, signed: bool = False) -> str:
    return f"{kind}-{event.code}{f'-{agency.pk}' if agency else ''}{'-ttd' if signed else ''}.pdf"


@login_required
@require_GET
def event_sheet(request, pk):
    """The signature sheet: blank (before the event) or signed (after), all agencies or one. An OPD head gets
    the rows of their own agency's people only."""
    event = access.get_event_for_user(request.user, pk)
    form = EventDocumentForm(request.GET, event=event)
    if not form.is_valid():
        messages.error(request, documents.INVALID_OPTIONS)
        return redirect(event)
    signed, agency = form.cleaned_data["signed"], form.cleaned_data["agency"]
    attendees = Attendee.objects.visible_to(request.user)
    return pdf_response(
        request,
        lambda out: documents.sheet_pdf(event, out=out, signed=signed, agency=agency, attendees=attendees),
        _filename("lembar-tanda-tangan", event, agency, signed),
    )


def _declarations_download(request, pk, build, kind: str):
    event = access.get_event_for_user(request.user, pk)
    form = EventDocumentForm(request.GET, event=event)
    if not form.is_valid():
        messages.error(request, documents.INVALID_OPTIONS)
        return redirect(event)
    agency = form.cleaned_data["agency"]
    attendees = Attendee.objects.visible_to(request.user)
    return pdf_response(
        request,
        lambda out: build(event, out=out, agency=agency, attendees=attendees),
        _filename(kind, event, agency),
    )


@login_required
@require_GET
def event_pacts_pdf(request, pk):
    """Every signed declaration of the event (or of one agency) in one file."""
    return _declarations_download(request, pk, documents.pacts_pdf, "pakta")


@login_required
@require_GET
def event_blank_declarations(request, pk):
    """Every attendee's declaration to sign by hand with a meterai, before the event."""
    return _declarations_download(request, pk, documents.blank_declarations_pdf, "pakta-kosong")


@login_required
@require_GET
def event_poster(request, pk):
    """The QR poster to set up in the hall."""
    event = access.get_event_for_user(request.user, pk)
    return pdf_response(request, lambda out: documents.poster_pdf(event, out=out), _filename("poster", event))
