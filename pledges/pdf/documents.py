"""The PDF documents, built from the database and the templates under templates/pdf/.

Each function writes one PDF/A-3 file to `out` and returns a `Report`; issued documents (declarations, the
signed sheet, all pacts) are sealed by the same function that renders them, whichever process runs it. Big documents (signature sheets, an event's
pacts) are cut into chunks rendered in parallel processes and merged; the sheet's "Halaman X dari Y" footers
are stamped on afterwards, since only the whole knows its page count. Every query is made here, in the
parent, before any rendering starts: a fixed number of queries whatever the number of rows.
"""

import dataclasses
import logging
import math
import os
import resource
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import segno
from django.conf import settings
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from events.models import Agency, Attendee, Event
from pledges.models import Declaration, Pact
from pledges.pdf import archive, engine, seal
from pledges.pdf.fetcher import AssetRoots
from pledges.qr import absolute_url, event_sign_url

logger = logging.getLogger(__name__)

STYLESHEET = "pdf/print.css"
PAGE_SIZES = {Event.PaperSize.A4: ("210mm", "297mm"), Event.PaperSize.F4: ("215mm", "330mm")}
# Media folders documents draw from; scanned paper sheets and anything else stay unreadable to a render.
MEDIA_FOLDERS = ("signatures/", "witnesses/")

# Below the minimum one process is quicker than starting workers and merging. The maximum bounds a worker's
# memory (WeasyPrint holds a whole chunk's layout: some 270 MB for 1,000 sheet rows, 500 MB for 500 declarations);
# every chunk boundary costs the sheet a part-filled page, so its chunks stay large.
SHEET_CHUNK_ROWS = (100, 1000)
PACTS_CHUNK = (50, 100)

NO_PACTS = _("Belum ada pakta yang ditandatangani.")
SEAL_REASON_SIGNER = _("Pakta integritas %(code)s, salinan penanda tangan")
SEAL_REASON_PUBLIC = _("Pakta integritas %(code)s, salinan verifikasi publik")
SEAL_REASON_SHEET = _("Lembar tanda tangan kegiatan %(event)s")
SEAL_REASON_PACTS = _("Pakta integritas kegiatan %(event)s")
NO_ATTENDEES = _("Belum ada peserta.")
INVALID_OPTIONS = _("Pilihan dokumen tidak dikenal; pilih instansi dari daftar kegiatan ini.")

IDENTITY_LABELS = {
    Attendee.IdentityKind.PNS: _("NIP"),
    Attendee.IdentityKind.PPPK: _("NI PPPK"),
    Attendee.IdentityKind.TNI: _("NRP"),
    Attendee.IdentityKind.POLRI: _("NRP"),
}


@dataclass(frozen=True)
class Report:
    """What a render produced, and its cost (the benchmark prints it): the largest resident set of this
    process and of its rendering workers, the CPU time of all of them, and the CPU time on the longest path
    (this process plus its busiest worker: the wall time when every worker has a core of its own), and
    what sealing added: looking up the pacts' log entries, then embedding them and signing (timestamp and
    revocation data included), in wall and in CPU time."""

    pages: int
    chunks: int
    peak_rss_kib: int
    cpu_seconds: float
    longest_path_cpu_seconds: float
    log_seconds: float = 0.0
    seal_seconds: float = 0.0
    seal_cpu_seconds: float = 0.0


class _Cost:
    """Measures a document's cost: this process's CPU time plus what worker processes report."""

    def __init__(self, workers: int = 1):
        self.started = time.process_time()
        self.workers = workers
        self.results: list[engine.RenderResult] = []

    def report(self, *, pages: int, chunks: int) -> Report:
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        here = time.process_time() - self.started
        chunk_cpu = [result.cpu_seconds for result in self.results if result.pid != os.getpid()]
        # Chunks share the worker slots: the longest path is the longest chunk or an even share, whichever is more.
        slots = max(1, min(self.workers, len(chunk_cpu)))
        return Report(
            pages=pages,
            chunks=chunks,
            peak_rss_kib=max([own] + [result.peak_rss_kib for result in self.results]),
            cpu_seconds=here + sum(chunk_cpu),
            longest_path_cpu_seconds=here + max(max(chunk_cpu, default=0), sum(chunk_cpu) / slots),
        )


def asset_roots() -> AssetRoots:
    """The URL-to-folder map the fetcher allows, read from the settings at render time."""
    static_dirs = [Path(settings.STATIC_ROOT)] if settings.STATIC_ROOT else []
    static_dirs += [Path(entry) for entry in settings.STATICFILES_DIRS if not isinstance(entry, tuple)]
    return AssetRoots(
        base_url=f"{settings.SITE_URL}/",
        static_prefix=settings.STATIC_URL,
        static_dirs=tuple(static_dirs),
        media_prefix=settings.MEDIA_URL,
        media_root=Path(settings.MEDIA_ROOT),
        media_folders=MEDIA_FOLDERS,
    )


def format_identity(kind: str, number: str) -> str:
    """A NIP or NI PPPK grouped the way it is printed on Indonesian documents: 19850312 201001 1 001."""
    if kind in (Attendee.IdentityKind.PNS, Attendee.IdentityKind.PPPK) and len(number) == 18:
        return f"{number[:8]} {number[8:14]} {number[14]} {number[15:]}"
    return number


def qr_png_data_uri(url: str) -> str:
    """A QR code as a 1-bit PNG, one pixel a module, that the stylesheet scales up without smoothing. Drawn
    per pact in a file of a thousand declarations, it costs a fraction of an SVG path."""
    return segno.make(url, error="m").png_data_uri(scale=1, border=2)


def verification_url(code: str) -> str:
    return absolute_url(reverse("pledges:verify_code", args=[code]))


def _image_url(image) -> str | None:
    """The URL of a stored image that exists: the fetcher stops a render on a missing file, so a lost file
    becomes an empty signature space (and a log line) instead of a failed document."""
    if not image:
        return None
    if not image.storage.exists(image.name):
        logger.warning("Signature image missing from storage: %s", image.name)
        return None
    return image.url


def _signature_url(pact: Pact | None) -> str | None:
    """The small print rendition made at signing time; the captured original for older pacts."""
    if pact is None or pact.method != Pact.Method.DRAWN:
        return None
    return _image_url(pact.signature_print) or _image_url(pact.signature)


def _load_event(event: Event) -> Event:
    return Event.objects.select_related("organiser", "declaration", "regency", "province").get(pk=event.pk)


def _page_context(event: Event) -> dict:
    width, height = PAGE_SIZES.get(event.paper_size, PAGE_SIZES[Event.PaperSize.A4])
    return {"event": event, "organiser": event.organiser, "page_width": width, "page_height": height}


def _job(template: str, context: dict, out: Path, roots: AssetRoots) -> engine.RenderJob:
    # Official documents are Indonesian whatever language the person downloading reads the site in.
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(template, context)
    return engine.RenderJob(
        html=html, roots=roots, stylesheet_url=absolute_url(static(STYLESHEET)), out_path=out
    )


def _chunks(items: list, *, sizes: tuple[int, int], workers: int) -> list[list]:
    """One chunk per worker when there is enough for each, more when a chunk would exceed the maximum."""
    minimum, maximum = sizes
    count = max(1, min(workers, math.ceil(len(items) / minimum)), math.ceil(len(items) / maximum))
    size = math.ceil(len(items) / count) if items else 1
    return [items[start : start + size] for start in range(0, len(items), size)] or [[]]


def _render_single(template: str, context: dict, out: Path) -> Report:
    cost = _Cost()
    result = engine.render(_job(template, context, out, asset_roots()))
    return cost.report(pages=result.pages, chunks=1)


def _sealed(report: Report, out: Path, *, kind: str, event: Event, pacts: list[Pact], reason: str) -> Report:
    """Seal the rendered file in place, with the pacts' log entries embedded; the report gains its cost."""
    started = time.perf_counter()
    with translation.override(settings.LANGUAGE_CODE):
        files = archive.attachments(kind=kind, event_code=event.code, pacts=pacts)
        looked_up, cpu = time.perf_counter(), time.process_time()
        seal.seal_file(out, attachments=files, reason=str(reason))
    sealed = time.perf_counter()
    return dataclasses.replace(
        report,
        log_seconds=looked_up - started,
        seal_seconds=sealed - looked_up,
        seal_cpu_seconds=time.process_time() - cpu,
    )


# --- The declaration -------------------------------------------------------------------------------------


@dataclass
class DeclarationCopy:
    """One printed declaration: the signer as they signed (or as invited, for a blank copy)."""

    event: Event
    declaration: Declaration
    name: str
    identity_label: str
    identity_number: str
    rank: str
    position: str
    agency: str
    place_date: str
    pact: Pact | None = None
    signature_url: str | None = None
    verify_url: str | None = None
    qr: str | None = None
    public: bool = False

    @property
    def withdrawn(self) -> bool:
        return self.pact is not None and not self.pact.is_valid

    @property
    def signed_on_paper(self) -> bool:
        return self.pact is not None and self.pact.method == Pact.Method.PAPER


def _place_date(event: Event, declaration, moment) -> str:
    if declaration.place_date_line:
        return declaration.place_date_line
    with translation.override(settings.LANGUAGE_CODE):
        return f"{event.region.name}, {date_format(timezone.localtime(moment), 'j F Y')}"


def _copy_of_pact(pact: Pact, event: Event, *, public: bool) -> DeclarationCopy:
    number = pact.signer_identity_number
    url = verification_url(pact.code)
    return DeclarationCopy(
        event=event,
        declaration=pact.declaration,
        name=pact.signer_name,
        identity_label=IDENTITY_LABELS.get(pact.signer_identity_kind, ""),
        identity_number=pact.masked_identity_number
        if public
        else format_identity(pact.signer_identity_kind, number),
        rank=pact.signer_rank,
        position=pact.signer_position,
        agency=pact.signer_agency,
        place_date=_place_date(event, pact.declaration, pact.signed_at),
        pact=pact,
        # As on the public pact page: the signature of a withdrawn pact is no longer shown to the public.
        signature_url=None if public and not pact.is_valid else _signature_url(pact),
        verify_url=url,
        qr=qr_png_data_uri(url),
        public=public,
    )


def _copy_of_attendee(attendee: Attendee, event: Event) -> DeclarationCopy:
    return DeclarationCopy(
        event=event,
        declaration=event.declaration,
        name=attendee.full_name,
        identity_label=IDENTITY_LABELS.get(attendee.identity_kind, ""),
        identity_number=format_identity(attendee.identity_kind, attendee.identity_number),
        rank=attendee.rank,
        position=attendee.position,
        agency=attendee.agency.name,
        place_date=_place_date(event, event.declaration, event.starts_at),
    )


def declaration_pdf(pact: Pact, *, out: Path, public: bool = False) -> Report:
    """One signed declaration. `public`: the copy for anyone who verifies it (NIP masked, no signature)."""
    event = _load_event(pact.event)
    pact = Pact.objects.select_related("declaration").get(pk=pact.pk)
    copy = _copy_of_pact(pact, event, public=public)
    report = _render_single("pdf/declarations.html", {**_page_context(event), "copies": [copy]}, out)
    kind, reason = (
        (archive.PUBLIC_COPY, SEAL_REASON_PUBLIC) if public else (archive.SIGNER_COPY, SEAL_REASON_SIGNER)
    )
    return _sealed(report, out, kind=kind, event=event, pacts=[pact], reason=reason % {"code": pact.code})


# --- The signature sheet ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetRow:
    number: int
    name: str
    identity_number: str
    position: str
    agency: str
    signature_url: str | None = None
    signed_on_paper: bool = False

    @property
    def even(self) -> bool:
        """Even numbers sign in the right half of the cell, odd ones in the left, so hands do not collide."""
        return self.number % 2 == 0


def _sheet_rows(event: Event, attendees, *, signed: bool) -> tuple[list[SheetRow], list[Pact]]:
    """Every attendee in agency order; on the signed sheet, as they signed and with their drawn signature.
    Also the pacts the rows show, in row order."""
    pacts = {}
    if signed:
        valid = Pact.objects.filter(event=event, status=Pact.Status.VALID).only(
            "attendee_id", "method", "signature", "signature_print", "signer_name", "code", "status",
            "signer_identity_kind", "signer_identity_number", "signer_position", "signer_agency",
        )  # fmt: skip
        pacts = {pact.attendee_id: pact for pact in valid}
    rows, shown = [], []
    ordered = attendees.select_related("agency").order_by("agency__name", "full_name", "pk")
    for number, attendee in enumerate(ordered, start=1):
        pact = pacts.get(attendee.pk)
        if pact is None:
            row = SheetRow(
                number=number,
                name=attendee.full_name,
                identity_number=format_identity(attendee.identity_kind, attendee.identity_number),
                position=attendee.position,
                agency=attendee.agency.name,
            )
        else:
            shown.append(pact)
            row = SheetRow(
                number=number,
                name=pact.signer_name,
                identity_number=format_identity(pact.signer_identity_kind, pact.signer_identity_number),
                position=pact.signer_position,
                agency=pact.signer_agency,
                signature_url=_signature_url(pact),
                signed_on_paper=pact.method == Pact.Method.PAPER,
            )
        rows.append(row)
    return rows, shown


def sheet_pdf(
    event: Event,
    *,
    out: Path,
    signed: bool,
    agency: Agency | None = None,
    attendees: QuerySet[Attendee] | None = None,
    workers: int | None = None,
) -> Report:
    """The signature sheet: blank for wet signatures before the event, or signed with the captured ones.

    `attendees` narrows the rows to what the requesting user may see (an OPD head: their own agency's);
    `agency` prints one agency only. Chunks of rows render in parallel; each starts on a new page with the
    table header, the first carries the heading, the last the witnesses.
    """
    workers = workers or engine.cpu_count()
    cost = _Cost(workers)
    event = _load_event(event)
    rows, pacts = _sheet_rows(event, _attendees_in_scope(event, attendees, agency), signed=signed)
    witnesses = [
        {"witness": witness, "signature_url": _image_url(witness.signature) if signed else None}
        for witness in event.witnesses.all()
    ]
    chunks = _chunks(rows, sizes=SHEET_CHUNK_ROWS, workers=workers)
    roots = asset_roots()
    base = {**_page_context(event), "signed": signed, "agency": agency, "witnesses": witnesses}
    with tempfile.TemporaryDirectory(prefix="netralitas-sheet-") as folder:
        jobs = [
            _job(
                "pdf/sheet.html",
                {**base, "rows": chunk, "first": index == 0, "last": index == len(chunks) - 1},
                Path(folder) / f"chunk-{index:03d}.pdf",
                roots,
            )
            for index, chunk in enumerate(chunks)
        ]
        cost.results = results = engine.render_all(jobs, workers=workers)
        total = sum(result.pages for result in results)
        footers = engine.render(
            _job(
                "pdf/footers.html",
                {**base, "numbers": range(1, total + 1), "total": total},
                Path(folder) / "footers.pdf",
                roots,
            )
        )
        pages = engine.merge([result.path for result in results], out, stamps=footers.path)
    report = cost.report(pages=pages, chunks=len(chunks))
    if not signed:
        return report  # a form to fill in by hand, not an issued record
    reason = SEAL_REASON_SHEET % {"event": event.code}
    return _sealed(report, out, kind=archive.SHEET, event=event, pacts=pacts, reason=reason)


# --- An event's pacts in one file --------------------------------------------------------------------------


def _attendees_in_scope(
    event: Event, attendees: QuerySet[Attendee] | None, agency: Agency | None
) -> QuerySet[Attendee]:
    """The event's attendees, narrowed to a chosen few and/or one agency's people."""
    rows = (attendees if attendees is not None else Attendee.objects.all()).filter(event=event)
    if agency is not None:
        rows = rows.filter(agency=agency)
    return rows


def _declarations_file(
    event: Event, copies: list[DeclarationCopy], out: Path, cost: "_Cost", empty: str
) -> Report:
    """Declarations one per page, cut into chunks rendered by the workers and merged in order."""
    chunks = _chunks(copies, sizes=PACTS_CHUNK, workers=cost.workers)
    roots = asset_roots()
    with tempfile.TemporaryDirectory(prefix="netralitas-pacts-") as folder:
        jobs = [
            _job(
                "pdf/declarations.html",
                {**_page_context(event), "copies": chunk, "empty": empty},
                Path(folder) / f"{i:03d}.pdf",
                roots,
            )
            for i, chunk in enumerate(chunks)
        ]
        cost.results = engine.render_all(jobs, workers=cost.workers)
        pages = engine.merge([result.path for result in cost.results], out)
    return cost.report(pages=pages, chunks=len(chunks))


def pacts_pdf(
    event: Event,
    *,
    out: Path,
    agency: Agency | None = None,
    attendees: QuerySet[Attendee] | None = None,
    workers: int | None = None,
) -> Report:
    """Every valid declaration signed at an event (or by one agency's people), one after the other."""
    cost = _Cost(workers or engine.cpu_count())
    event = _load_event(event)
    pacts = Pact.objects.filter(event=event, status=Pact.Status.VALID).select_related("declaration")
    if attendees is not None:
        pacts = pacts.filter(attendee__in=attendees.filter(event=event))
    if agency is not None:
        pacts = pacts.filter(agency=agency)
    copies = [
        _copy_of_pact(pact, event, public=False)
        for pact in pacts.order_by("signer_agency", "signer_name", "pk")
    ]
    report = _declarations_file(event, copies, out, cost, NO_PACTS)
    pacts = [copy.pact for copy in copies]
    reason = SEAL_REASON_PACTS % {"event": event.code}
    return _sealed(report, out, kind=archive.PACTS, event=event, pacts=pacts, reason=reason)


def blank_declarations_pdf(
    event: Event,
    *,
    out: Path,
    agency: Agency | None = None,
    attendees: QuerySet[Attendee] | None = None,
    workers: int | None = None,
) -> Report:
    """Every attendee's declaration to sign by hand before the event: an empty signature space and a place
    for the meterai, no verification code (there is no pact yet)."""
    cost = _Cost(workers or engine.cpu_count())
    event = _load_event(event)
    rows = _attendees_in_scope(event, attendees, agency)
    copies = [
        _copy_of_attendee(attendee, event)
        for attendee in rows.select_related("agency").order_by("agency__name", "full_name", "pk")
    ]
    return _declarations_file(event, copies, out, cost, NO_ATTENDEES)


# --- The QR poster -----------------------------------------------------------------------------------------


def poster_pdf(event: Event, *, out: Path) -> Report:
    """The signing QR code, large, with the event's title: printed and set up in the hall."""
    event = _load_event(event)
    url = event_sign_url(event)
    context = {
        **_page_context(event),
        "url": url,
        # segno draws the SVG from our own URL (an event code from a fixed alphabet): safe markup. Without a
        # fixed size it scales to the width the stylesheet gives it, however long SITE_URL makes the code.
        "qr": mark_safe(segno.make(url, error="m").svg_inline(omitsize=True, border=1)),
    }
    return _render_single("pdf/poster.html", context, out)
