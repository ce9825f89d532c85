"""What the documents print: sheet rows and declaration copies, built from the database for given ids.

A big document is planned as an ordered list of ids (`pledges.pdf.documents.plan_document`) and rendered in
chunks; each chunk builds its own rows here, with a fixed number of queries whatever its size, and reads the
signature images it draws through storage.
"""

from dataclasses import dataclass, replace

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from events.models import Attendee, Event
from pledges.models import Declaration, Pact
from pledges.pdf.media import media_url, read_media
from pledges.qr import absolute_url

IDENTITY_LABELS = {
    Attendee.IdentityKind.PNS: _("NIP"),
    Attendee.IdentityKind.PPPK: _("NI PPPK"),
    Attendee.IdentityKind.TNI: _("NRP"),
    Attendee.IdentityKind.POLRI: _("NRP"),
}


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


def signature_name(pact: Pact | None) -> str | None:
    """The stored image a document draws: the small print rendition made at signing time, the captured
    original for older pacts."""
    if pact is None or pact.method != Pact.Method.DRAWN:
        return None
    return pact.signature_print.name or pact.signature.name or None


def in_order(rows, ids: list[int]) -> list:
    """Rows fetched by id, in the order of `ids` (ids that vanished meanwhile are skipped)."""
    by_id = {row.pk: row for row in rows}
    return [by_id[pk] for pk in ids if pk in by_id]


# --- The signature sheet ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetRow:
    number: int
    name: str
    identity_number: str
    position: str
    agency: str
    signature: str | None = None  # storage name of the image drawn in the cell
    signed_on_paper: bool = False

    @property
    def even(self) -> bool:
        """Even numbers sign in the right half of the cell, odd ones in the left, so hands do not collide."""
        return self.number % 2 == 0

    @property
    def signature_url(self) -> str | None:
        return media_url(self.signature) if self.signature else None


def sheet_rows(
    event: Event, attendee_ids: list[int], *, first_number: int, signed: bool
) -> tuple[list[SheetRow], dict[str, bytes]]:
    """Attendees as listed or, on the signed sheet, as they signed, with the images their cells draw."""
    pacts = {}
    if signed:
        valid = Pact.objects.filter(event=event, status=Pact.Status.VALID, attendee_id__in=attendee_ids).only(
            "attendee_id", "method", "signature", "signature_print", "signer_name",
            "signer_identity_kind", "signer_identity_number", "signer_position", "signer_agency",
        )  # fmt: skip
        pacts = {pact.attendee_id: pact for pact in valid}
    attendees = in_order(Attendee.objects.filter(pk__in=attendee_ids).select_related("agency"), attendee_ids)
    rows = []
    for number, attendee in enumerate(attendees, start=first_number):
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
            row = SheetRow(
                number=number,
                name=pact.signer_name,
                identity_number=format_identity(pact.signer_identity_kind, pact.signer_identity_number),
                position=pact.signer_position,
                agency=pact.signer_agency,
                signature=signature_name(pact),
                signed_on_paper=pact.method == Pact.Method.PAPER,
            )
        rows.append(row)
    media = read_media(row.signature for row in rows)
    return [
        row if row.signature in media or not row.signature else replace(row, signature=None) for row in rows
    ], media


@dataclass(frozen=True)
class WitnessCell:
    witness: object
    signature: str | None = None

    @property
    def signature_url(self) -> str | None:
        return media_url(self.signature) if self.signature else None


def witness_cells(event: Event, *, signed: bool) -> tuple[list[WitnessCell], dict[str, bytes]]:
    witnesses = list(event.witnesses.all())
    media = read_media(w.signature.name for w in witnesses) if signed else {}
    cells = [
        WitnessCell(witness=w, signature=w.signature.name if w.signature.name in media else None)
        for w in witnesses
    ]
    return cells, media


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
    signature: str | None = None  # storage name of the drawn signature
    verify_url: str | None = None
    qr: str | None = None
    public: bool = False

    @property
    def withdrawn(self) -> bool:
        return self.pact is not None and not self.pact.is_valid

    @property
    def signed_on_paper(self) -> bool:
        return self.pact is not None and self.pact.method == Pact.Method.PAPER

    @property
    def signature_url(self) -> str | None:
        return media_url(self.signature) if self.signature else None


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
        signature=None if public and not pact.is_valid else signature_name(pact),
        verify_url=url,
        qr=qr_png_data_uri(url),
        public=public,
    )


def _with_media(copies: list[DeclarationCopy]) -> tuple[list[DeclarationCopy], dict[str, bytes]]:
    media = read_media(copy.signature for copy in copies)
    for copy in copies:
        if copy.signature not in media:
            copy.signature = None
    return copies, media


def pact_copies(
    event: Event, pact_ids: list[int], *, public: bool = False
) -> tuple[list[DeclarationCopy], dict[str, bytes]]:
    pacts = in_order(Pact.objects.filter(pk__in=pact_ids).select_related("declaration"), pact_ids)
    return _with_media([_copy_of_pact(pact, event, public=public) for pact in pacts])


def attendee_copies(event: Event, attendee_ids: list[int]) -> tuple[list[DeclarationCopy], dict[str, bytes]]:
    """Blank declarations to sign by hand: an empty signature space, no verification code (no pact yet)."""
    attendees = in_order(Attendee.objects.filter(pk__in=attendee_ids).select_related("agency"), attendee_ids)
    copies = [
        DeclarationCopy(
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
        for attendee in attendees
    ]
    return copies, {}
