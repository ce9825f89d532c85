"""Writes to regions, agencies and events that more than one caller needs."""

import csv
from pathlib import Path

from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events import retention
from events.models import Agency, Attendee, Event, Invitation, Province, Regency, fresh_personal_codes

REGIONS_CSV = Path(__file__).resolve().parent / "data" / "regions.csv"


@transaction.atomic
def regions_load(
    path: Path = REGIONS_CSV, *, province_model=Province, regency_model=Regency
) -> tuple[int, int]:
    """Create or update every province and regency from the Kemendagri list; safe to run again.

    The data migration passes its historical models, so the same code serves both.
    """
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["level"] == "province":
            province_model.objects.update_or_create(code=row["code"], defaults={"name": row["name"]})
    for row in rows:
        if row["level"] != "province":
            regency_model.objects.update_or_create(
                code=row["code"],
                defaults={"name": row["name"], "kind": row["level"], "province_id": row["code"][:2]},
            )
    return province_model.objects.count(), regency_model.objects.count()


class EventError(Exception):
    """An event change the rules refuse; the message is for the user."""


EVENT_DELETE_NOT_DRAFT = _("Kegiatan hanya dapat dihapus selama masih draf.")
EVENT_DELETE_HAS_PACTS = _("Kegiatan yang sudah memiliki pakta tidak dapat dihapus.")
EVENT_CLOSED = _("Penandatanganan kegiatan ini sudah ditutup; data kegiatan tidak dapat diubah lagi.")
EVENT_OPEN_NEEDS_DECLARATION = _("Pilih naskah pakta terlebih dahulu sebelum membuka penandatanganan.")
EVENT_ALREADY_OPEN = _("Penandatanganan kegiatan ini sudah dibuka.")
EVENT_NOT_OPEN = _("Penandatanganan kegiatan ini belum dibuka.")
EVENT_NOT_CLOSED = _("Penandatanganan kegiatan ini belum ditutup.")
EVENT_REOPEN_ADMIN_ONLY = _("Hanya administrator yang dapat membuka kembali penandatanganan.")
INVITATION_HAS_ATTENDEES = _(
    "Instansi ini masih memiliki peserta pada kegiatan ini; hapus pesertanya dahulu."
)
ATTENDEE_HAS_PACT = _("Peserta yang sudah menandatangani tidak dapat dihapus.")
EVENT_FIELDS = (  # also the order of the event form's fields
    "title",
    "kind",
    "election",
    "province",
    "regency",
    "venue",
    "starts_at",
    "ends_at",
    "organiser",
    "declaration",
    "is_public",
    "allow_walk_ins",
    "paper_size",
)


def _locked_event(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


def assign_fields(instance, fields: dict, allowed: tuple[str, ...], caller: str) -> None:
    """Set fields on an instance for an *_update() service; a name outside `allowed` is a programming error."""
    for name, value in fields.items():
        if name not in allowed:
            raise TypeError(f"{caller}() got an unexpected field {name!r}")
        setattr(instance, name, value)


def _save_event(event: Event) -> None:
    """The province always follows the regency; then validate and save."""
    if event.regency_id:
        event.province_id = event.regency.province_id
    event.full_clean()
    event.save()


@transaction.atomic
def event_create(*, user, **fields) -> Event:
    event = Event(created_by=user, **fields)
    _save_event(event)
    return event


@transaction.atomic
def event_update(*, event: Event, user, **fields) -> Event:
    """The event's own rules; the app that records signatures adds its own on top (the text, once signed)."""
    event = _locked_event(event)
    if event.is_closed:
        raise EventError(EVENT_CLOSED)
    assign_fields(event, fields, EVENT_FIELDS, "event_update")
    _save_event(event)
    return event


@transaction.atomic
def event_delete(*, event: Event, user) -> None:
    event = _locked_event(event)
    if not event.is_draft:
        raise EventError(EVENT_DELETE_NOT_DRAFT)
    try:
        event.delete()
    except ProtectedError:
        # Signed records point at the event and its attendees with PROTECT: they outlive any edit.
        raise EventError(EVENT_DELETE_HAS_PACTS) from None


@transaction.atomic
def event_open_signing(*, event: Event, user) -> Event:
    event = _locked_event(event)
    if event.is_open:
        raise EventError(EVENT_ALREADY_OPEN)
    if event.is_closed:
        raise EventError(EVENT_CLOSED)
    if event.declaration_id is None:
        raise EventError(EVENT_OPEN_NEEDS_DECLARATION)
    event.status = Event.Status.OPEN
    event.signing_opened_at = timezone.now()
    event.save(update_fields=["status", "signing_opened_at"])
    return event


@transaction.atomic
def event_close_signing(*, event: Event, user) -> Event:
    """Final: from now on nobody signs, and the attendee list stays as it was signed."""
    event = _locked_event(event)
    if not event.is_open:
        raise EventError(EVENT_NOT_OPEN)
    event.status = Event.Status.CLOSED
    event.signing_closed_at = timezone.now()
    event.signing_closed_by = user
    event.save(update_fields=["status", "signing_closed_at", "signing_closed_by"])
    return event


@transaction.atomic
def event_reopen_signing(*, event: Event, user) -> Event:
    """Administrators only: undo a close made by mistake (the history keeps the close)."""
    if not user.is_superuser:
        raise EventError(EVENT_REOPEN_ADMIN_ONLY)
    event = _locked_event(event)
    if not event.is_closed:
        raise EventError(EVENT_NOT_CLOSED)
    event.status = Event.Status.OPEN
    event.signing_closed_at = None
    event.signing_closed_by = None
    event.save(update_fields=["status", "signing_closed_at", "signing_closed_by"])
    _reissue_personal_codes(event)
    return event


def _reissue_personal_codes(event: Event) -> None:
    """The retention run removes the codes of a closed event: a reopened one needs new ones for its list."""
    missing = list(event.attendees.filter(personal_code__isnull=True).order_by("pk"))
    for attendee, code in zip(missing, fresh_personal_codes(len(missing)), strict=True):
        attendee.personal_code = code
    Attendee.objects.bulk_update(missing, ["personal_code"])


def _editable_event(event: Event) -> None:
    if event.is_closed:
        raise EventError(EVENT_CLOSED)


@transaction.atomic
def agency_create(*, name: str, kind: str, province: Province, regency: Regency | None = None) -> Agency:
    agency = Agency(name=" ".join(name.split()), kind=kind, province=province, regency=regency)
    agency.full_clean()
    agency.save()
    return agency


@transaction.atomic
def invitation_create(*, event: Event, agency: Agency) -> Invitation:
    _editable_event(event)
    invitation, _created = Invitation.objects.get_or_create(event=event, agency=agency)
    return invitation


@transaction.atomic
def invitation_delete(*, invitation: Invitation) -> None:
    _editable_event(invitation.event)
    if invitation.event.attendees.filter(agency_id=invitation.agency_id).exists():
        raise EventError(INVITATION_HAS_ATTENDEES)
    invitation.delete()


ATTENDEE_FIELDS = (  # also the order of the attendee form's fields
    "full_name",
    "identity_kind",
    "identity_number",
    "position",
    "rank",
    "agency",
    "phone",
    "email",
)


@transaction.atomic
def attendee_create(*, event: Event, **fields) -> Attendee:
    _editable_event(event)
    attendee = Attendee(event=event, **fields)
    attendee.full_clean()
    attendee.save()
    # Whoever attends is invited: the OPD head of their agency then sees the event.
    Invitation.objects.get_or_create(event=event, agency=attendee.agency)
    return attendee


@transaction.atomic
def attendee_update(*, attendee: Attendee, **fields) -> Attendee:
    _editable_event(attendee.event)
    assign_fields(attendee, fields, ATTENDEE_FIELDS, "attendee_update")
    attendee.full_clean()
    attendee.save()
    Invitation.objects.get_or_create(event=attendee.event, agency=attendee.agency)
    return attendee


@transaction.atomic
def attendee_delete(*, attendee: Attendee) -> None:
    _editable_event(attendee.event)
    try:
        attendee.delete()
    except ProtectedError:
        raise EventError(ATTENDEE_HAS_PACT) from None


CONTACT_FIELDS = ("phone", "email")
CONTACT_REASON_MAX = 100  # simple-history's change reason column


def _contact_save(attendee: Attendee, phone: str, email: str, reason: str) -> Attendee:
    attendee.phone, attendee.email = phone.strip(), email.strip()
    # Only the contact fields are checked: a list imported under older rules must not block a correction.
    attendee.clean_fields(exclude=[f.name for f in Attendee._meta.fields if f.name not in CONTACT_FIELDS])
    attendee._change_reason = reason[:CONTACT_REASON_MAX]
    attendee.save(update_fields=list(CONTACT_FIELDS))
    return attendee


@transaction.atomic
def attendee_contact_correct(*, attendee: Attendee, phone: str, email: str, reason: str) -> Attendee:
    """Correct an attendee's phone and e-mail on the person's request, also after signing closed."""
    attendee = Attendee.objects.select_for_update().get(pk=attendee.pk)
    return _contact_save(attendee, phone, email, reason)


@transaction.atomic
def attendee_contact_erase(*, attendee: Attendee, reason: str) -> int:
    """Erase an attendee's phone and e-mail on the person's request, from the row and from its whole history.

    Returns how many history rows held them.
    """
    attendee = Attendee.objects.select_for_update().get(pk=attendee.pk)
    erased = retention.erase_contact_history(attendee)
    _contact_save(attendee, "", "", reason)
    return erased
