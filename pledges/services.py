"""Domain operations on declarations and pacts."""

import datetime
import hashlib
import secrets
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events import services as event_services
from events.access import agencies_for_event
from events.models import Agency, Attendee, Event, Witness
from events.services import EventError, assign_fields
from events.validators import normalize_number
from pledges import errors
from pledges.attendance import attendance_code_is_valid
from pledges.clientdata import address_hash, user_agent_hash
from pledges.errors import SigningError
from pledges.models import Declaration, Pact, PaperSheet, new_pact_code
from pledges.pdf.public import public_copy_name
from pledges.scans import SUFFIXES as SCAN_SUFFIXES
from pledges.scans import scan_kind
from pledges.signatures import signature_from_data_url
from pledges.throttle import Attempt, Limit

DEFAULT_TITLE = "Pakta Integritas Netralitas Aparatur Sipil Negara"
DEFAULT_OPENING = (
    "Kami yang bertanda tangan di bawah ini, Aparatur Sipil Negara, dengan sungguh-sungguh menyatakan "
    "bahwa kami akan:"
)
DEFAULT_POINTS = [
    "Bersikap netral dan menjaga mutu pelayanan publik kepada semua warga tanpa membeda-bedakan, "
    "sebelum, selama, dan sesudah seluruh tahapan pemilihan.",
    "Menjauhi konflik kepentingan, tidak menekan atau mengintimidasi rekan kerja maupun masyarakat, "
    "dan tidak menunjukkan dukungan kepada peserta atau pasangan calon mana pun.",
    "Memakai media sosial dengan bijak: tidak mengunggah atau membagikan dukungan politik, ujaran "
    "kebencian, maupun kabar bohong.",
    "Tidak ikut dalam politik praktis, serta menolak politik uang dan setiap pemberian dalam bentuk apa "
    "pun yang berkaitan dengan pemilihan.",
]
DEFAULT_CLOSING = (
    "Pernyataan ini kami buat dengan penuh kesadaran. Apabila kami melanggarnya, kami bersedia menerima "
    "sanksi sesuai peraturan perundang-undangan."
)


class DeclarationError(Exception):
    """A declaration change that the rules refuse; the message is for the user."""


DECLARATION_NOT_LOCKED = _("Naskah ini belum ditandatangani siapa pun: ubah saja langsung.")
DECLARATION_HAS_NEWER = _("Naskah ini sudah memiliki versi yang lebih baru: ubah versi terbaru.")
EVENT_DECLARATION_SIGNED = _("Naskah tidak dapat diganti karena sudah ada peserta yang menandatangani.")


def declaration_default() -> Declaration:
    """The shared default text with the usual four points, created on first use."""
    declaration, _created = Declaration.objects.get_or_create(
        title=DEFAULT_TITLE,
        version=1,
        province=None,
        regency=None,
        defaults={"opening": DEFAULT_OPENING, "points": DEFAULT_POINTS, "closing": DEFAULT_CLOSING},
    )
    return declaration


@transaction.atomic
def declaration_new_version(*, declaration: Declaration, user=None, **changes) -> Declaration:
    """Make the next version of a signed (frozen) declaration with the given text changes."""
    declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
    if not declaration.is_locked:
        raise DeclarationError(DECLARATION_NOT_LOCKED)
    if Declaration.objects.filter(previous=declaration).exists():
        raise DeclarationError(DECLARATION_HAS_NEWER)
    fields = {
        field: changes.get(field, getattr(declaration, field))
        for field in ("title", "opening", "points", "closing", "place_date_line", "province", "regency")
    }
    revised = Declaration(**fields, version=declaration.version + 1, previous=declaration, created_by=user)
    revised.full_clean()
    revised.save()
    return revised


DECLARATION_FIELDS = ("title", "opening", "points", "closing", "place_date_line")


@transaction.atomic
def declaration_create(*, user, province=None, regency=None, **fields) -> Declaration:
    declaration = Declaration(province=province, regency=regency, created_by=user, **fields)
    declaration.full_clean()
    declaration.save()
    return declaration


@transaction.atomic
def declaration_update(*, declaration: Declaration, user, **fields) -> tuple[Declaration, bool]:
    """Change a declaration in place while nobody signed it, else as a new version; says which happened."""
    declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
    if declaration.is_locked:
        return declaration_new_version(declaration=declaration, user=user, **fields), True
    assign_fields(declaration, fields, DECLARATION_FIELDS, "declaration_update")
    declaration.full_clean()
    declaration.save()
    return declaration, False


# --- Signing -------------------------------------------------------------------------------------------------
# Refusals are SigningError with the messages in pledges.errors.

IDENTITY_MAX_AGE = 15 * 60  # seconds between proving who you are on the phone and submitting the signature
# Wrong proofs on a phone (a wrong attendance or personal code, an unknown number), per ATTEMPTS_WINDOW seconds.
# The event's allowance is what bounds the odds of guessing its proof (README: 25 a window, 3,600 a day, each
# succeeding with probability at most 2 x 10^-8: below one in ten thousand a day); the address's allowance keeps
# one machine from spending the whole event's; the number's protects one person's identity. Only wrong guesses
# count: successes are given back, so a hall behind one Wi-Fi address never locks its own people out.
EVENT_ATTEMPTS = 25
ADDRESS_ATTEMPTS = 10
NUMBER_ATTEMPTS = 10
ATTEMPTS_WINDOW = 10 * 60


@transaction.atomic
def event_update(*, event: Event, user, **fields) -> Event:
    """The event's own rules (events.services.event_update), and one of ours: a text somebody signed stays."""
    locked = Event.objects.select_for_update().get(pk=event.pk)
    declaration_id = getattr(fields.get("declaration", locked.declaration), "pk", None)
    if declaration_id != locked.declaration_id and locked.pacts.exists():
        raise EventError(EVENT_DECLARATION_SIGNED)
    return event_services.event_update(event=locked, user=user, **fields)


def _signer_fields(attendee: Attendee) -> dict:
    return {
        "event": attendee.event,
        "attendee": attendee,
        "declaration": attendee.event.declaration,
        "agency": attendee.agency,
        "signer_name": attendee.full_name,
        "signer_identity_kind": attendee.identity_kind,
        "signer_identity_number": attendee.identity_number,
        "signer_position": attendee.position,
        "signer_rank": attendee.rank,
        "signer_agency": attendee.agency.name,
    }


def _lock_attendee(attendee: Attendee) -> Attendee:
    """Lock the attendee row: two posts of the same form queue here, and the second sees the first's pact."""
    return (
        Attendee.objects.select_for_update(of=("self",))
        .select_related("event__declaration", "agency")
        .get(pk=attendee.pk)
    )


def _insert_pact(pact: Pact) -> None:
    """Insert a new pact; the one-per-attendee constraint has the last word, a code collision gets a new code."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                pact.save(force_insert=True)
            return
        except IntegrityError:
            if Pact.objects.filter(event_id=pact.event_id, attendee_id=pact.attendee_id).exists():
                raise SigningError(errors.ALREADY_SIGNED) from None
            if pact.idempotency_key and Pact.objects.filter(idempotency_key=pact.idempotency_key).exists():
                raise SigningError(errors.SIGNING_FORM_USED) from None
            if not Pact.objects.filter(code=pact.code).exists():
                raise
            pact.code = new_pact_code()
    raise RuntimeError("no free pact code after five attempts")


def _store(field_file, suffix: str, content: bytes, stored: list[str]) -> None:
    """Write a file under an unguessable name (pact codes are public, signature images are not)."""
    field_file.save(f"{secrets.token_hex(16)}{suffix}", ContentFile(content), save=False)
    stored.append(field_file.name)


def _discard(storage, names: list[str]) -> None:
    for name in names:
        storage.delete(name)


def pact_sign(
    *,
    attendee: Attendee,
    signature_data_url: str,
    ip: str | None = None,
    user_agent: str = "",
    collected_by=None,
    signed_at: datetime.datetime | None = None,
    idempotency_key: str | None = None,
    captured_at: datetime.datetime | None = None,
    code: str | None = None,
) -> Pact:
    """Sign the event's declaration for an attendee with a drawn signature, exactly once.

    The device's address and browser are kept only as keyed hashes (pledges.clientdata). The image is checked
    before any lock is taken (decoding is the slow part). Files are written only once the attendee row is locked
    and no pact exists, and removed again if the row does not make it to the database; a crash in between leaves
    files that `pledges.sweep` removes later. The same form posted again (`idempotency_key`, after its answer was
    lost) gets the pact it made back, even once signing has closed.
    `signed_at` exists for replaying a past event (demo data); signing itself always happens now, except for a
    signature an offline kiosk `captured_at` an earlier moment, which counts if signing was open then. Such a
    kiosk proposes the pact `code` it already showed the signer.
    """
    images = signature_from_data_url(signature_data_url)
    stored: list[str] = []
    storage = Pact._meta.get_field("signature").storage
    try:
        with transaction.atomic():
            attendee = _lock_attendee(attendee)
            event = attendee.event
            signed = Pact.objects.filter(event=event, attendee=attendee).first()
            if signed is not None:
                if idempotency_key and signed.idempotency_key == idempotency_key:
                    return signed
                raise SigningError(errors.ALREADY_SIGNED)
            if not (event.was_open_at(captured_at) if captured_at else event.is_open):
                raise SigningError(errors.EVENT_NOT_OPEN)
            if event.declaration is None:
                raise SigningError(errors.EVENT_HAS_NO_DECLARATION)
            pact = Pact(
                **_signer_fields(attendee),
                code=code or new_pact_code(),
                method=Pact.Method.DRAWN,
                signed_at=(captured_at or signed_at or timezone.now()).replace(microsecond=0),
                signature_sha256=images.sha256,
                collected_by=collected_by,
                client_address_hmac=address_hash(ip),
                client_agent_hmac=user_agent_hash(user_agent),
                idempotency_key=idempotency_key or None,
            )
            pact.content_hash = pact.compute_content_hash()
            # The code's and the form key's uniqueness and the one-pact constraint are left to the insert (see
            # _insert_pact).
            pact.full_clean(
                exclude=["signature", "signature_print", "code", "idempotency_key"],
                validate_constraints=False,
            )
            _store(pact.signature, ".png", images.png, stored)
            _store(pact.signature_print, ".jpg", images.print_jpeg, stored)
            _insert_pact(pact)
    except BaseException:
        _discard(storage, stored)
        raise
    return pact


def pact_signed_with_form(*, event: Event, idempotency_key: str | None) -> Pact | None:
    """The pact a signing form already made, when the same form comes back (its answer lost on the way)."""
    if not idempotency_key:
        return None
    return Pact.objects.filter(event=event, idempotency_key=idempotency_key).first()


def _identify_attempt(*, event: Event, client: str, number: str, by_personal_code: bool, present: bool):
    """The allowances one identification draws on: a phone that scanned the hall's screen guesses no code."""
    limits = {}
    if not present:
        limits["event"] = Limit("sign-event", str(event.pk), EVENT_ATTEMPTS, ATTEMPTS_WINDOW)
        limits["address"] = Limit("sign-address", client or "unknown", ADDRESS_ATTEMPTS, ATTEMPTS_WINDOW)
    if not by_personal_code:
        limits["number"] = Limit("sign-number", f"{event.pk}:{number}", NUMBER_ATTEMPTS, ATTEMPTS_WINDOW)
    return Attempt(**limits)


def attendee_identify(
    *,
    event: Event,
    identity_number: str = "",
    attendance_code: str = "",
    personal_code: str = "",
    client: str = "",
    present: bool = False,
) -> Attendee | None:
    """Who is signing on their own phone, proven by the hall's attendance code or a personal one-time code.

    `present` means the phone already proved presence by scanning the hall's screen: the number is enough.
    Returns None when the number is unknown but the event accepts walk-ins (the caller then offers the
    registration form). The code is judged before the number is looked up, so a wrong code says nothing about
    who is on the list. Wrong guesses count against the event, the client's address and the number; see
    EVENT_ATTEMPTS.
    """
    if not event.is_open:
        raise SigningError(errors.EVENT_NOT_OPEN)
    personal_code = "".join(personal_code.split()).upper()
    number = normalize_number(identity_number)
    attempt = _identify_attempt(
        event=event, client=client, number=number, by_personal_code=bool(personal_code), present=present
    )
    if not attempt.start():
        raise SigningError(errors.TOO_MANY_ATTEMPTS)
    try:
        attendee = _identified(event, number, attendance_code, personal_code, present)
    except SigningError as error:
        if error.message == errors.NUMBER_UNKNOWN:
            # The proof of presence was right: this is not a guess at the hall's code.
            attempt.refund("event", "address")
        elif error.message not in (errors.ATTENDANCE_CODE_WRONG, errors.PERSONAL_CODE_UNKNOWN):
            attempt.refund()
        raise
    attempt.refund()
    return attendee


def _identified(event: Event, number: str, attendance_code: str, personal_code: str, present: bool):
    if personal_code:
        attendee = event.attendees.filter(personal_code=personal_code).first()
        if attendee is None:
            raise SigningError(errors.PERSONAL_CODE_UNKNOWN)
    else:
        if not present and not attendance_code_is_valid(event, attendance_code):
            raise SigningError(errors.ATTENDANCE_CODE_WRONG)
        attendee = event.attendees.filter(identity_number=number).first() if number else None
        if attendee is None:
            if event.allow_walk_ins:
                return None
            raise SigningError(errors.NUMBER_UNKNOWN)
    if attendee.pacts.exists():
        raise SigningError(errors.ALREADY_SIGNED)
    return attendee


@transaction.atomic
def attendee_register_walk_in(
    *,
    event: Event,
    full_name: str,
    identity_kind: str,
    identity_number: str,
    position: str,
    rank: str,
    agency: Agency,
) -> Attendee:
    """Add someone who is not on the list, when the event's staff allowed walk-ins; they are marked as such."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if not event.is_open:
        raise SigningError(errors.EVENT_NOT_OPEN)
    if not event.allow_walk_ins:
        raise SigningError(errors.WALK_IN_NOT_ALLOWED)
    attendee = Attendee(
        event=event,
        full_name=full_name,
        identity_kind=identity_kind,
        identity_number=identity_number,
        position=position,
        rank=rank,
        agency=agency,
        is_walk_in=True,
    )
    attendee.full_clean()
    attendee.save()
    return attendee


def walk_in_agencies(event: Event):
    """Agencies a walk-in may choose: those invited, or else any that could have been invited."""
    invited = Agency.objects.filter(invitations__event=event)
    if invited.exists():
        return invited.order_by("name")
    return agencies_for_event(event).order_by("name")


def pacts_record_paper(
    *, event: Event, attendees: Iterable[Attendee], scan, user, note: str = ""
) -> list[Pact]:
    """Record who signed a printed sheet by hand, with the scan of that sheet as the evidence.

    All or nothing: if anyone ticked already has a pact, nothing is recorded. The scan's SHA-256 stands in for
    the signature image's in each pact's content hash.
    """
    attendee_ids = sorted({attendee.pk for attendee in attendees})
    if not attendee_ids:
        raise SigningError(errors.PAPER_NOBODY_TICKED)
    kind = scan_kind(scan)
    if kind is None:
        raise SigningError(errors.SCAN_WRONG_TYPE)
    storage = PaperSheet._meta.get_field("file").storage
    stored: list[str] = []
    try:
        with transaction.atomic():
            event = (
                Event.objects.select_for_update(of=("self",)).select_related("declaration").get(pk=event.pk)
            )
            if event.status == Event.Status.DRAFT:
                raise SigningError(errors.EVENT_IS_DRAFT)
            if event.declaration is None:
                raise SigningError(errors.EVENT_HAS_NO_DECLARATION)
            # Lock in a fixed order so two clerks recording overlapping sheets cannot deadlock.
            locked = list(
                Attendee.objects.select_for_update(of=("self",))
                .select_related("event__declaration", "agency")
                .filter(event=event, pk__in=attendee_ids)
                .order_by("pk")
            )
            signed = Pact.objects.filter(event=event, attendee__in=locked).select_related("attendee")
            if signed:
                names = ", ".join(sorted(pact.attendee.full_name for pact in signed))
                raise SigningError(errors.ALREADY_SIGNED_NAMES % {"names": names})
            digest = hashlib.sha256()
            for chunk in scan.chunks():
                digest.update(chunk)
            sheet = PaperSheet(event=event, note=note, uploaded_by=user)
            # A random name with the extension of what the file parsed as, whatever the upload was called.
            sheet.file.save(f"{secrets.token_hex(16)}{SCAN_SUFFIXES[kind]}", scan, save=False)
            stored.append(sheet.file.name)
            sheet.full_clean()
            sheet.save()
            now = timezone.now().replace(microsecond=0)
            signed_at = min(event.starts_at, now)
            pacts = []
            for attendee in locked:
                pact = Pact(
                    **_signer_fields(attendee),
                    code=new_pact_code(),
                    method=Pact.Method.PAPER,
                    signed_at=signed_at,
                    signature_sha256=digest.hexdigest(),
                    paper_sheet=sheet,
                    collected_by=user,
                )
                pact.content_hash = pact.compute_content_hash()
                pact.full_clean(exclude=["code"], validate_constraints=False)
                _insert_pact(pact)
                pacts.append(pact)
    except BaseException:
        _discard(storage, stored)
        raise
    return pacts


# The reason is also the history entry's change reason, a column of this length: a longer one made the save
# fail at the database (a 500, and the pact stayed valid).
WITHDRAW_REASON_MAX_LENGTH = Pact.history.model._meta.get_field("history_change_reason").max_length


@transaction.atomic
def pact_withdraw(*, pact: Pact, user, reason: str) -> Pact:
    """Withdraw a pact: it stays in the record, marked withdrawn, and its history says who, when and why."""
    reason = (reason or "").strip()
    if not reason:
        raise SigningError(errors.WITHDRAW_REASON_REQUIRED)
    if len(reason) > WITHDRAW_REASON_MAX_LENGTH:
        raise SigningError(errors.WITHDRAW_REASON_TOO_LONG % {"limit_value": WITHDRAW_REASON_MAX_LENGTH})
    pact = Pact.objects.select_for_update().get(pk=pact.pk)
    if pact.status == Pact.Status.WITHDRAWN:
        raise SigningError(errors.WITHDRAW_ALREADY)
    # The stored public copy of the valid pact goes once the withdrawal is committed.
    stale_copy = public_copy_name(pact)
    transaction.on_commit(lambda: default_storage.delete(stale_copy))
    pact.status = Pact.Status.WITHDRAWN
    pact.withdrawn_at = timezone.now()
    pact.withdrawn_by = user
    pact.withdrawal_reason = reason
    pact._change_reason = reason
    pact.full_clean()
    pact.save(update_fields=["status", "withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    return pact


@transaction.atomic
def witness_add(*, event: Event, role: str, name: str, title: str, identity_number: str = "", order: int = 0):
    witness = Witness(
        event=event, role=role, name=name, title=title, identity_number=identity_number, order=order
    )
    witness.full_clean()
    witness.save()
    return witness


def witness_sign(*, witness: Witness, signature_data_url: str) -> Witness:
    """A witness signs on the screen; the signature belongs to the event and appears on its documents."""
    images = signature_from_data_url(signature_data_url)
    storage = Witness._meta.get_field("signature").storage
    stored: list[str] = []
    try:
        with transaction.atomic():
            witness = Witness.objects.select_for_update().get(pk=witness.pk)
            if witness.signed_at:
                raise SigningError(errors.WITNESS_ALREADY_SIGNED)
            _store(witness.signature, ".png", images.png, stored)
            witness.signed_at = timezone.now()
            witness.save(update_fields=["signature", "signed_at"])
    except BaseException:
        _discard(storage, stored)
        raise
    return witness
