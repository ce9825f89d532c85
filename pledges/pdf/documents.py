"""The PDF documents, built from the database and the templates under templates/pdf/.

A big document (a signature sheet, an event's pacts, blank declarations) is first *planned*: the ids of its
rows in document order and a fingerprint of everything it prints (`plan_document`). It is then rendered in
chunks of rows, each chunk on its own (`chunk_job`): here in parallel processes (`render_plan`), or as Celery
tasks on any number of worker machines (`pledges.tasks`). Chunks are merged with pypdf; the sheet's
"Halaman X dari Y" footers are stamped on afterwards, since only the whole knows its page count.

Every document is PDF/A-3b. Issued ones (declarations, the signed sheet, all pacts) are sealed by the same
function that finishes them, wherever it runs: `declaration_pdf`, and `seal_planned` after the merge.
"""

import dataclasses
import functools
import hashlib
import json
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
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from events.models import Agency, Attendee, Event
from pledges.models import DocumentJob, Pact
from pledges.pdf import archive, engine, seal
from pledges.pdf.content import (
    IDENTITY_LABELS,  # noqa: F401 - part of this module's interface
    attendee_copies,
    format_identity,  # noqa: F401 - part of this module's interface
    pact_copies,
    sheet_rows,
    witness_cells,
)
from pledges.pdf.fetcher import AssetRoots
from pledges.qr import absolute_url, event_sign_url
from pledges.transparency.services import pact_log_stamp

Kind = DocumentJob.Kind

STYLESHEET = "pdf/print.css"
PAGE_SIZES = {Event.PaperSize.A4: ("210mm", "297mm"), Event.PaperSize.F4: ("215mm", "330mm")}
# Media folders documents draw from; scanned paper sheets and anything else stay unreadable to a render.
MEDIA_FOLDERS = ("signatures/", "witnesses/")

# Rendered here, below the minimum one process is quicker than starting workers and merging. The maximum
# bounds a worker's memory (WeasyPrint holds a whole chunk's layout: some 270 MB for 1,000 sheet rows, 500 MB
# for 500 declarations); every chunk boundary costs the sheet a part-filled page, so its chunks stay large.
SHEET_CHUNK_ROWS = (100, 1000)
PACTS_CHUNK = (50, 100)
# Rendered by Celery workers: chunks of a few seconds each, so that more worker machines finish one document
# sooner, and a lost worker costs little to redo.
JOB_CHUNK = {Kind.SHEET: 500, Kind.SIGNED_SHEET: 500, Kind.PACTS: 50, Kind.BLANK_DECLARATIONS: 50}

NO_PACTS = _("Belum ada pakta yang ditandatangani.")
SEAL_REASONS = {
    archive.SIGNER_COPY: _("Pakta integritas %(code)s, salinan penanda tangan"),
    archive.PUBLIC_COPY: _("Pakta integritas %(code)s, salinan verifikasi publik"),
    archive.SHEET: _("Lembar tanda tangan kegiatan %(event)s"),
    archive.PACTS: _("Pakta integritas kegiatan %(event)s"),
}
# The planned documents that are issued records, sealed; the others are forms to fill in by hand.
SEALED_KINDS = {Kind.SIGNED_SHEET: archive.SHEET, Kind.PACTS: archive.PACTS}
NO_ATTENDEES = _("Belum ada peserta.")
INVALID_OPTIONS = _("Pilihan dokumen tidak dikenal; pilih instansi dari daftar kegiatan ini.")


@dataclass(frozen=True)
class Report:
    """What a render produced, and its cost (the benchmark prints it): the largest resident set of this
    process and of its rendering workers, the CPU time of all of them, and the CPU time on the longest path
    (this process plus its busiest worker: the wall time when every worker has a core of its own), and
    what sealing added (`SealCost`)."""

    pages: int
    chunks: int
    peak_rss_kib: int
    cpu_seconds: float
    longest_path_cpu_seconds: float
    seal: "SealCost | None" = None


@dataclass(frozen=True)
class SealCost:
    """Looking up the pacts' log entries, then embedding them and signing (timestamp and revocation data
    included): wall time of both, and CPU time of the second."""

    log_seconds: float
    seal_seconds: float
    seal_cpu_seconds: float


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
        media_folders=MEDIA_FOLDERS,
    )


def _load_event(event_id: int) -> Event:
    return Event.objects.select_related("organiser", "declaration", "regency", "province").get(pk=event_id)


def _page_context(event: Event) -> dict:
    width, height = PAGE_SIZES.get(event.paper_size, PAGE_SIZES[Event.PaperSize.A4])
    return {"event": event, "organiser": event.organiser, "page_width": width, "page_height": height}


def _job(template: str, context: dict, out: Path, media: dict[str, bytes] | None = None) -> engine.RenderJob:
    # Official documents are Indonesian whatever language the person downloading reads the site in.
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(template, context)
    return engine.RenderJob(
        html=html,
        roots=asset_roots(),
        stylesheet_url=absolute_url(static(STYLESHEET)),
        out_path=out,
        media=media or {},
    )


def _render_single(template: str, context: dict, out: Path, media: dict[str, bytes] | None = None) -> Report:
    cost = _Cost()
    result = engine.render(_job(template, context, out, media))
    return cost.report(pages=result.pages, chunks=1)


def _seal(out: Path, *, kind: str, event: Event, pacts: list[Pact]) -> SealCost:
    """Seal a finished file in place, with the pacts' log entries embedded."""
    started = time.perf_counter()
    # The seal's reason and the embedded files' descriptions in the document's language, Indonesian.
    with translation.override(settings.LANGUAGE_CODE):
        files = archive.attachments(kind=kind, event_code=event.code, pacts=pacts)
        reason = SEAL_REASONS[kind] % {"code": pacts[0].code if pacts else "", "event": event.code}
        looked_up, cpu = time.perf_counter(), time.process_time()
        seal.seal_file(out, attachments=files, reason=reason)
    return SealCost(
        log_seconds=looked_up - started,
        seal_seconds=time.perf_counter() - looked_up,
        seal_cpu_seconds=time.process_time() - cpu,
    )


def seal_planned(*, kind: str, event_id: int, ids: list[int], out: Path) -> SealCost | None:
    """Seal a merged document when it is an issued record (the signed sheet, all pacts); forms to fill in by
    hand are left unsealed. Called by whatever merged it: `render_plan`, or the Celery merge task."""
    if kind not in SEALED_KINDS:
        return None
    event = _load_event(event_id)
    if kind == Kind.PACTS:
        found = Pact.objects.in_bulk(ids)
    else:  # the signed sheet's rows are attendees: the pacts its rows show, in row order
        pacts = Pact.objects.filter(event=event, status=Pact.Status.VALID, attendee_id__in=ids)
        found = {pact.attendee_id: pact for pact in pacts}
    pacts = [found[pk] for pk in ids if pk in found]
    return _seal(out, kind=SEALED_KINDS[kind], event=event, pacts=pacts)


# --- Planning a big document --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """A big document fixed before rendering: its kind and options, its rows (attendee or pact ids, in
    document order) and a fingerprint of everything it prints, which changes whenever the output would."""

    kind: str
    event_id: int
    agency_id: int | None
    ids: tuple[int, ...]
    fingerprint: str

    def chunks(self, size: int) -> list[tuple[int, ...]]:
        return [self.ids[start : start + size] for start in range(0, len(self.ids), size)] or [()]


@functools.cache
def templates_digest() -> str:
    """The document templates and print stylesheet as deployed: a new release invalidates stored documents."""
    digest = hashlib.sha256()
    folders = [Path(settings.BASE_DIR) / "templates" / "pdf", Path(settings.BASE_DIR) / "static" / "pdf"]
    for path in sorted(p for folder in folders for p in folder.rglob("*") if p.is_file()):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _fields(instance) -> list | None:
    if instance is None:
        return None
    return [field.value_to_string(instance) for field in instance._meta.concrete_fields]


def _scoped_attendees(event: Event, attendees: QuerySet[Attendee] | None, agency: Agency | None):
    rows = (attendees if attendees is not None else Attendee.objects.all()).filter(event=event)
    return rows.filter(agency=agency) if agency is not None else rows


ATTENDEE_PRINTED = ("pk", "full_name", "identity_kind", "identity_number", "position", "rank", "agency__name")
PACT_PRINTED = (
    "pk", "code", "status", "withdrawn_at", "method", "signed_at", "declaration_id", "signature",
    "signature_print", "signer_name", "signer_identity_kind", "signer_identity_number", "signer_position",
    "signer_rank", "signer_agency",
)  # fmt: skip


def plan_document(
    kind: str, event: Event, *, agency: Agency | None = None, attendees: QuerySet[Attendee] | None = None
) -> Plan:
    """The rows of a document in order and its fingerprint, from two or three queries whatever its size.

    `attendees` narrows the rows to what the requesting user may see (an OPD head: their own agency's);
    `agency` prints one agency only.
    """
    event = _load_event(event.pk)
    extra: list = []
    if kind == Kind.PACTS:
        pacts = Pact.objects.filter(event=event, status=Pact.Status.VALID)
        if attendees is not None:
            pacts = pacts.filter(attendee__in=attendees.filter(event=event))
        if agency is not None:
            pacts = pacts.filter(agency=agency)
        rows = list(pacts.order_by("signer_agency", "signer_name", "pk").values_list(*PACT_PRINTED))
    else:
        scoped = _scoped_attendees(event, attendees, agency).order_by("agency__name", "full_name", "pk")
        rows = list(scoped.values_list(*ATTENDEE_PRINTED))
        if kind == Kind.SIGNED_SHEET:
            extra = list(
                Pact.objects.filter(event=event, status=Pact.Status.VALID, attendee__in=scoped.values("pk"))
                .order_by("pk")
                .values_list("attendee_id", *PACT_PRINTED)
            )
        if kind in (Kind.SHEET, Kind.SIGNED_SHEET):
            extra.append([_fields(witness) for witness in event.witnesses.all()])
    printed = [
        kind,
        agency.pk if agency else None,
        _fields(event),
        _fields(event.organiser),
        _fields(event.declaration),
        rows,
        extra,
        JOB_CHUNK.get(kind),
        settings.SITE_URL,
        templates_digest(),
    ]
    fingerprint = hashlib.sha256(json.dumps(printed, default=str).encode()).hexdigest()
    return Plan(
        kind=kind,
        event_id=event.pk,
        agency_id=agency.pk if agency else None,
        ids=tuple(row[0] for row in rows),
        fingerprint=fingerprint,
    )


def chunk_job(
    *,
    kind: str,
    event_id: int,
    agency_id: int | None,
    ids: list[int],
    first_number: int,
    last: bool,
    out: Path,
) -> engine.RenderJob:
    """One chunk of a planned document as HTML with the images it draws: the sheet's first chunk carries the
    heading, its last the witnesses; every chunk starts on a new page."""
    event = _load_event(event_id)
    page = _page_context(event)
    if kind in (Kind.SHEET, Kind.SIGNED_SHEET):
        signed = kind == Kind.SIGNED_SHEET
        rows, media = sheet_rows(event, list(ids), first_number=first_number, signed=signed)
        witnesses, witness_media = witness_cells(event, signed=signed) if last else ([], {})
        context = {
            **page,
            "signed": signed,
            "agency": Agency.objects.filter(pk=agency_id).first() if agency_id else None,
            "rows": rows,
            "first": first_number == 1,
            "last": last,
            "witnesses": witnesses,
        }
        return _job("pdf/sheet.html", context, out, {**media, **witness_media})
    if kind == Kind.PACTS:
        copies, media = pact_copies(event, list(ids))
        empty = NO_PACTS
    else:
        copies, media = attendee_copies(event, list(ids))
        empty = NO_ATTENDEES
    return _job("pdf/declarations.html", {**page, "copies": copies, "empty": empty}, out, media)


def footers_job(*, kind: str, event_id: int, total: int, out: Path) -> engine.RenderJob | None:
    """The sheet's page footers, one page per page of the merged sheet; None for documents without them."""
    if kind not in (Kind.SHEET, Kind.SIGNED_SHEET):
        return None
    event = _load_event(event_id)
    context = {
        **_page_context(event),
        "signed": kind == Kind.SIGNED_SHEET,
        "numbers": range(1, total + 1),
        "total": total,
    }
    return _job("pdf/footers.html", context, out)


def _inline_chunk_size(kind: str, count: int, workers: int) -> int:
    """One chunk per worker when there is enough for each, more when a chunk would exceed the maximum."""
    minimum, maximum = SHEET_CHUNK_ROWS if kind in (Kind.SHEET, Kind.SIGNED_SHEET) else PACTS_CHUNK
    chunks = max(1, min(workers, math.ceil(count / minimum)), math.ceil(count / maximum))
    return max(1, math.ceil(count / chunks))


def render_plan(plan: Plan, *, out: Path, workers: int | None = None) -> Report:
    """Render a planned document in this machine's worker processes and merge it into `out`."""
    workers = workers or engine.cpu_count()
    cost = _Cost(workers)
    chunks = plan.chunks(_inline_chunk_size(plan.kind, len(plan.ids), workers))
    with tempfile.TemporaryDirectory(prefix="netralitas-pdf-") as folder:
        jobs, number = [], 1
        for index, ids in enumerate(chunks):
            jobs.append(
                chunk_job(
                    kind=plan.kind,
                    event_id=plan.event_id,
                    agency_id=plan.agency_id,
                    ids=list(ids),
                    first_number=number,
                    last=index == len(chunks) - 1,
                    out=Path(folder) / f"chunk-{index:03d}.pdf",
                )
            )
            number += len(ids)
        cost.results = results = engine.render_all(jobs, workers=workers)
        total = sum(result.pages for result in results)
        footers = footers_job(kind=plan.kind, event_id=plan.event_id, total=total, out=Path(folder) / "f.pdf")
        stamps = engine.render(footers).path if footers else None
        pages = engine.merge([result.path for result in results], out, stamps=stamps)
    report = cost.report(pages=pages, chunks=len(chunks))
    sealed = seal_planned(kind=plan.kind, event_id=plan.event_id, ids=list(plan.ids), out=out)
    return dataclasses.replace(report, seal=sealed)


# --- The documents ------------------------------------------------------------------------------------------


def declaration_pdf(pact: Pact, *, out: Path, public: bool = False) -> Report:
    """One signed declaration. `public`: the copy for anyone who verifies it (NIP masked, no signature)."""
    event = _load_event(pact.event_id)
    copies, media = pact_copies(event, [pact.pk], public=public)
    # One pact's proof is a few queries; the event's bundles of declarations go without it.
    copies[0].log = pact_log_stamp(pact)
    report = _render_single("pdf/declarations.html", {**_page_context(event), "copies": copies}, out, media)
    kind = archive.PUBLIC_COPY if public else archive.SIGNER_COPY
    return dataclasses.replace(report, seal=_seal(out, kind=kind, event=event, pacts=[copies[0].pact]))


def sheet_pdf(
    event: Event,
    *,
    out: Path,
    signed: bool,
    agency: Agency | None = None,
    attendees: QuerySet[Attendee] | None = None,
    workers: int | None = None,
) -> Report:
    """The signature sheet: blank for wet signatures before the event, or signed with the captured ones."""
    kind = Kind.SIGNED_SHEET if signed else Kind.SHEET
    return render_plan(
        plan_document(kind, event, agency=agency, attendees=attendees), out=out, workers=workers
    )


def pacts_pdf(
    event: Event,
    *,
    out: Path,
    agency: Agency | None = None,
    attendees: QuerySet[Attendee] | None = None,
    workers: int | None = None,
) -> Report:
    """Every valid declaration signed at an event (or by one agency's people), one after the other."""
    plan = plan_document(Kind.PACTS, event, agency=agency, attendees=attendees)
    return render_plan(plan, out=out, workers=workers)


def blank_declarations_pdf(
    event: Event,
    *,
    out: Path,
    agency: Agency | None = None,
    attendees: QuerySet[Attendee] | None = None,
    workers: int | None = None,
) -> Report:
    """Every attendee's declaration to sign by hand before the event, over a meterai."""
    plan = plan_document(Kind.BLANK_DECLARATIONS, event, agency=agency, attendees=attendees)
    return render_plan(plan, out=out, workers=workers)


def poster_pdf(event: Event, *, out: Path) -> Report:
    """The signing QR code, large, with the event's title: printed and set up in the hall."""
    event = _load_event(event.pk)
    url = event_sign_url(event)
    context = {
        **_page_context(event),
        "url": url,
        # segno draws the SVG from our own URL (an event code from a fixed alphabet): safe markup. Without a
        # fixed size it scales to the width the stylesheet gives it, however long SITE_URL makes the code.
        "qr": mark_safe(segno.make(url, error="m").svg_inline(omitsize=True, border=1)),
    }
    return _render_single("pdf/poster.html", context, out)
