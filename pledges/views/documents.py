"""PDF downloads: the staff's event documents, an attendee's own declaration, the public copy of a pact.

Each view finds what it may show through the scoped querysets. Small documents render at once into a
temporary file that is unlinked at once and streamed (a 50-page sheet is never held in memory twice); big ones
become a background job with a progress page (`pledges.jobs`); the public copy is rendered once and kept.
"""

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from events import access
from events.models import Agency, Attendee, Event
from neutrality.clients import client_ip
from pledges import accesslog, exports, jobs
from pledges.models import AccessRecord, DocumentJob, Pact, normalize_pact_code
from pledges.pdf import documents
from pledges.pdf.public import public_copy
from pledges.throttle import throttle_hit

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
    filename = f"pakta-{pact.code}.pdf"
    response = pdf_response(lambda out: documents.declaration_pdf(pact, out=out), filename)
    _record_document(request, filename, pact.event, identity_number=pact.signer_identity_number)
    return response


def _record_document(request, filename: str, event: Event, *, identity_number: str = "") -> None:
    """A document with full identity numbers left the site: the access log says who took it."""
    accesslog.record(
        request,
        action=AccessRecord.Action.DOCUMENT,
        target=filename,
        event=event,
        identity_number=identity_number,
    )


@require_GET
def pact_pdf(request, code):
    """The public copy of a pact, from the verification page: NIP masked, withdrawal shown. Rendered once and
    served from storage; limited per client address like verification."""
    if not throttle_hit(scope="pact-pdf", key=client_ip(request), limit=settings.PACT_PDF_RATE_LIMIT):
        return render(request, "pledges/registry/rate_limited.html", status=429)
    pact = get_object_or_404(Pact.objects.public(), code=normalize_pact_code(code))
    return FileResponse(
        default_storage.open(public_copy(pact), "rb"),
        as_attachment=True,
        filename=f"pakta-{pact.code}-publik.pdf",
        content_type="application/pdf",
    )


def _filename(kind: str, event: Event, agency: Agency | None = None) -> str:
    stem = {
        DocumentJob.Kind.SHEET: "lembar-tanda-tangan",
        DocumentJob.Kind.SIGNED_SHEET: "lembar-tanda-tangan",
        DocumentJob.Kind.PACTS: "pakta",
        DocumentJob.Kind.BLANK_DECLARATIONS: "pakta-kosong",
        "poster": "poster",
    }[kind]
    signed = "-ttd" if kind == DocumentJob.Kind.SIGNED_SHEET else ""
    return f"{stem}-{event.code}{f'-{agency.pk}' if agency else ''}{signed}.pdf"


def _event_document(request, pk, kind: str | None = None):
    """A document of the event with the rows the user may see: at once when small, else as a job.

    `kind` None: the sheet, blank or signed as the form says.
    """
    event = access.get_event_for_user(request.user, pk)
    form = EventDocumentForm(request.GET, event=event)
    if not form.is_valid():
        messages.error(request, documents.INVALID_OPTIONS)
        return redirect(event)
    agency = form.cleaned_data["agency"]
    if kind is None:
        kind = DocumentJob.Kind.SIGNED_SHEET if form.cleaned_data["signed"] else DocumentJob.Kind.SHEET
    plan = documents.plan_document(
        kind, event, agency=agency, attendees=Attendee.objects.visible_to(request.user)
    )
    filename = _filename(kind, event, agency)
    if not jobs.runs_in_background(plan):
        response = pdf_response(lambda out: documents.render_plan(plan, out=out), filename)
        _record_document(request, filename, event)
        return response
    # Recorded when the finished file is downloaded (document_job_file).
    return redirect(jobs.document_job_request(user=request.user, plan=plan, filename=filename))


@login_required
@require_GET
def event_sheet(request, pk):
    """The signature sheet: blank (before the event) or signed (after), all agencies or one. An OPD head gets
    the rows of their own agency's people only."""
    return _event_document(request, pk)


@login_required
@require_GET
def event_pacts_pdf(request, pk):
    """Every signed declaration of the event (or of one agency) in one file."""
    return _event_document(request, pk, DocumentJob.Kind.PACTS)


@login_required
@require_GET
def event_blank_declarations(request, pk):
    """Every attendee's declaration to sign by hand with a meterai, before the event."""
    return _event_document(request, pk, DocumentJob.Kind.BLANK_DECLARATIONS)


@login_required
@require_GET
def event_poster(request, pk):
    """The QR poster to set up in the hall."""
    event = access.get_event_for_user(request.user, pk)
    return pdf_response(lambda out: documents.poster_pdf(event, out=out), _filename("poster", event))


def _job_state(job: DocumentJob) -> dict:
    failed = job.status == DocumentJob.Status.FAILED or jobs.document_job_is_stalled(job)
    ready = job.status == DocumentJob.Status.DONE and job.expires_at > timezone.now()
    return {
        "status": DocumentJob.Status.FAILED if failed else job.status,
        "label": str(DocumentJob.Status.FAILED.label if failed else job.get_status_display()),
        "chunks_done": job.chunks_done,
        "chunks_total": job.chunks_total,
        "percent": job.percent,
        "pages": job.pages,
        "download_url": reverse("pledges:document_job_file", args=[job.pk]) if ready else None,
    }


@login_required
@require_GET
def document_job(request, pk):
    """A document being made: progress in chunks, then the download (the page polls `document_job_status`)."""
    job = jobs.get_document_job_for_user(request.user, pk)
    return render(request, "pledges/documents/job.html", {"job": job, "event": job.event, **_job_state(job)})


@never_cache
@login_required
@require_GET
def document_job_status(request, pk):
    return JsonResponse(_job_state(jobs.get_document_job_for_user(request.user, pk)))


@login_required
@require_GET
def document_job_file(request, pk):
    job = jobs.get_document_job_for_user(request.user, pk)
    if _job_state(job)["download_url"] is None:
        raise Http404
    content_type = exports.EXPORTERS[job.kind][2] if job.is_export else "application/pdf"
    response = FileResponse(
        job.file.open("rb"), as_attachment=True, filename=job.filename, content_type=content_type
    )
    action = AccessRecord.Action.EXPORT if job.is_export else AccessRecord.Action.DOCUMENT
    accesslog.record(request, action=action, target=job.filename, event=job.event)
    return response
