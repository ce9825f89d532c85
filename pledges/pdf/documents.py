"""The PDF documents, built from the database and the templates under templates/pdf/.

Each function writes one PDF to `out` and returns a `Report`. Big documents (signature sheets, an event's
pacts) are cut into chunks rendered in parallel processes and merged; the sheet's "Halaman X dari Y" footers
are stamped on afterwards, since only the whole knows its page count. Every query is made here, in the
parent, before any rendering starts: a fixed number of queries whatever the number of rows.
"""

import logging
import math
import resource
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from events.models import Attendee, Event
from pledges.models import Pact
from pledges.pdf import engine
from pledges.pdf.fetcher import AssetRoots
from pledges.qr import absolute_url, qr_svg

logger = logging.getLogger(__name__)

STYLESHEET = "pdf/print.css"
PAGE_SIZES = {Event.PaperSize.A4: ("210mm", "297mm"), Event.PaperSize.F4: ("215mm", "330mm")}
# Media folders documents draw from; scanned paper sheets and anything else stay unreadable to a render.
MEDIA_FOLDERS = ("signatures/", "witnesses/")

# Below these sizes one process is quicker than starting workers and merging.
SHEET_CHUNK_MIN_ROWS = 100
PACTS_CHUNK_MIN = 50

IDENTITY_LABELS = {
    Attendee.IdentityKind.PNS: _("NIP"),
    Attendee.IdentityKind.PPPK: _("NI PPPK"),
    Attendee.IdentityKind.TNI: _("NRP"),
    Attendee.IdentityKind.POLRI: _("NRP"),
}


@dataclass(frozen=True)
class Report:
    """What a render produced, and its cost (the benchmark prints it)."""

    pages: int
    chunks: int
    peak_rss_kib: int


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


def verification_url(code: str) -> str:
    return absolute_url(reverse("pledges:verify_code", args=[code]))


def signing_url(event: Event) -> str:
    return absolute_url(reverse("pledges:sign", args=[event.code]))


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


def _chunks(items: list, *, minimum: int, workers: int) -> list[list]:
    count = max(1, min(workers, math.ceil(len(items) / minimum)))
    size = math.ceil(len(items) / count) if items else 1
    return [items[start : start + size] for start in range(0, len(items), size)] or [[]]


def _own_peak() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _render_single(template: str, context: dict, out: Path) -> Report:
    result = engine.render(_job(template, context, out, asset_roots()))
    return Report(pages=result.pages, chunks=1, peak_rss_kib=_own_peak())


# --- The declaration -------------------------------------------------------------------------------------


@dataclass
class DeclarationCopy:
    """One printed declaration: the signer as they signed (or as invited, for a blank copy)."""

    event: Event
    declaration: object
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
        # segno draws the SVG from our own URL (a pact code from a fixed alphabet): safe markup.
        qr=mark_safe(qr_svg(url, scale=3)),
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
    return _render_single("pdf/declarations.html", {**_page_context(event), "copies": [copy]}, out)


def blank_declaration_pdf(attendee: Attendee, *, out: Path) -> Report:
    """An attendee's declaration to sign by hand: an empty signature space and a place for the meterai."""
    event = _load_event(attendee.event)
    attendee = Attendee.objects.select_related("agency").get(pk=attendee.pk)
    copy = _copy_of_attendee(attendee, event)
    return _render_single("pdf/declarations.html", {**_page_context(event), "copies": [copy]}, out)
