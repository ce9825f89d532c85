"""The offline kiosk: what a tablet may hold, and the server's verdict on each signature it sends back.

A kiosk queues signatures while the venue has no network and sends them one by one when it comes back. Each
carries a key the kiosk made; the verdict is stored under that key, so a resend after a lost answer (or a sync
cut in the middle) gets the same answer and never a second pact.
"""

import datetime
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events import access
from events.models import CODE_ALPHABET, Attendee, Event
from pledges import errors, services
from pledges.errors import SigningError
from pledges.models import KioskDevice, OfflineSignature, Pact
from pledges.privacy import mask_number

DEVICE_REVOKED = _(
    "Perangkat ini sudah dicabut oleh panitia; tanda tangan dari perangkat ini tidak diterima."
)
DEVICE_OTHER_EVENT = _("Perangkat ini terdaftar untuk kegiatan lain atau petugas lain.")
ATTENDEE_UNKNOWN = _("Peserta ini tidak ada dalam daftar yang boleh ditandatangani di kios ini.")
CAPTURED_BEFORE_OPENING = _("Tanda tangan diambil sebelum penandatanganan dibuka.")
CAPTURED_AFTER_CLOSING = _("Penandatanganan sudah ditutup sebelum tanda tangan ini diambil.")
CAPTURED_IN_FUTURE = _("Waktu pengambilan tanda tangan ada di masa depan: periksa jam perangkat.")
DECLARATION_CHANGED = _(
    "Naskah pakta sudah diganti sejak tanda tangan ini diambil; peserta perlu menandatangani naskah yang baru."
)
# A tablet's clock may run a little ahead of the server's.
CLOCK_SKEW = datetime.timedelta(minutes=5)


def device_register(*, event: Event, user, device_id: uuid.UUID, label: str = "") -> KioskDevice:
    """Bind a tablet to this staff member and event; registering again is harmless."""
    device, created = KioskDevice.objects.get_or_create(
        device_id=device_id, defaults={"event": event, "user": user, "label": label[:100]}
    )
    if not created and (device.event_id != event.pk or device.user_id != user.pk):
        raise SigningError(DEVICE_OTHER_EVENT)
    if device.is_revoked:
        raise SigningError(DEVICE_REVOKED)
    return device


@transaction.atomic
def device_revoke(*, device: KioskDevice, user) -> KioskDevice:
    device = KioskDevice.objects.select_for_update().get(pk=device.pk)
    if not device.is_revoked:
        device.revoked_at = timezone.now()
        device.revoked_by = user
        device.save(update_fields=["revoked_at", "revoked_by"])
    return device


def kiosk_bundle(*, user, event: Event) -> dict:
    """What the tablet keeps to sign offline: the declaration and, per person, only what the kiosk shows."""
    declaration = event.declaration
    people = (
        access.kiosk_attendees(user, event)
        .select_related("agency")
        .order_by("full_name", "pk")
        .values_list("pk", "full_name", "position", "agency__name", "identity_number")
    )
    signed = set(Pact.objects.filter(event=event).values_list("attendee_id", flat=True))
    return {
        "event": {"id": event.pk, "title": event.title, "status": event.status},
        "declaration": declaration
        and {
            "id": declaration.pk,
            "version": declaration.version,
            "title": declaration.title,
            "opening": declaration.opening,
            "points": declaration.points,
            "closing": declaration.closing,
        },
        # [id, name, position, agency, masked number, signed]: arrays keep 2,000 people small on a slow line.
        "attendees": [
            [pk, name, position, agency, mask_number(number), pk in signed]
            for pk, name, position, agency, number in people
        ],
        "generated_at": timezone.now().isoformat(),
    }


def is_pact_code(code: str) -> bool:
    return len(code) == 10 and all(ch in CODE_ALPHABET for ch in code)


def _refusal(device: KioskDevice, attendee: Attendee | None, captured_at) -> str | None:
    """Why a captured signature cannot become a pact, judged by when it was taken (None: it can)."""
    if device.is_revoked:
        return DEVICE_REVOKED
    if attendee is None:
        return ATTENDEE_UNKNOWN
    event = attendee.event
    if captured_at > timezone.now() + CLOCK_SKEW:
        return CAPTURED_IN_FUTURE
    if event.signing_opened_at is None or captured_at < event.signing_opened_at:
        return CAPTURED_BEFORE_OPENING
    if not event.was_open_at(captured_at):
        return CAPTURED_AFTER_CLOSING
    return None


def offline_signature_receive(
    *,
    device: KioskDevice,
    key: uuid.UUID,
    attendee_id: int,
    captured_at: datetime.datetime,
    declaration_id: int,
    signature_data_url: str,
    code: str = "",
) -> OfflineSignature:
    """Turn one queued signature into a pact, or record why not; the same key always gets the same verdict."""
    existing = OfflineSignature.objects.filter(key=key).select_related("pact").first()
    if existing is not None:
        return existing
    attendee = (
        access.kiosk_attendees(device.user, device.event)
        .select_related("event")
        .filter(pk=attendee_id)
        .first()
    )
    try:
        with transaction.atomic():
            record = OfflineSignature(
                key=key, device=device, attendee=attendee, captured_at=captured_at, verdict="refused"
            )
            reason = _refusal(device, attendee, captured_at)
            if reason is None and declaration_id != attendee.event.declaration_id:
                reason = DECLARATION_CHANGED
            if reason is None:
                try:
                    record.pact = services.pact_sign(
                        attendee=attendee,
                        signature_data_url=signature_data_url,
                        collected_by=device.user,
                        captured_at=captured_at,
                        code=code if is_pact_code(code) else None,
                    )
                    record.verdict = OfflineSignature.Verdict.ACCEPTED
                except SigningError as error:
                    reason = error.message
            record.reason = str(reason or "")
            record.save()
    except IntegrityError:
        # The same key arrived twice at once (a retry while the first answer was on its way): one verdict.
        existing = OfflineSignature.objects.filter(key=key).select_related("pact").first()
        if existing is None:
            raise
        return existing
    KioskDevice.objects.filter(pk=device.pk).update(last_seen_at=timezone.now())
    return record


def verdict_payload(record: OfflineSignature) -> dict:
    return {
        "key": str(record.key),
        "verdict": record.verdict,
        "reason": record.reason,
        "code": record.pact.code if record.pact else "",
        "received_at": record.received_at.isoformat(),
        "already_signed": record.reason == str(errors.ALREADY_SIGNED),
    }
