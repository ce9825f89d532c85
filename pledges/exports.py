"""The attendee list with its signing status, as CSV or XLSX, through pledges.spreadsheets."""

import hashlib
import json

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Attendee, Event
from pledges.models import DocumentJob, Pact, with_signing
from pledges.pdf.documents import Plan
from pledges.spreadsheets import csv_bytes, xlsx_bytes

COLUMNS = [
    _("Nama"),
    _("Jenis identitas"),
    _("NIP/NI PPPK/NRP"),
    _("Jabatan"),
    _("Pangkat/golongan"),
    _("Instansi"),
    _("Telepon"),
    _("Email"),
    _("Status"),
    _("Cara"),
    _("Ditandatangani pada"),
]
SIGNED = _("Sudah menandatangani")
NOT_SIGNED = _("Belum menandatangani")


def export_rows(event: Event):
    """The header and one row per attendee, all as text (one query for the whole list)."""
    methods = dict(Pact.Method.choices)
    yield [str(column) for column in COLUMNS]
    attendees = (
        with_signing(Attendee.objects.filter(event=event))
        .select_related("agency")
        .order_by("agency__name", "full_name")
    )
    for attendee in attendees:
        signed_at = (
            timezone.localtime(attendee.signed_at).strftime("%Y-%m-%d %H:%M") if attendee.signed_at else ""
        )
        yield [
            attendee.full_name,
            attendee.get_identity_kind_display(),
            attendee.identity_number,
            attendee.position,
            attendee.rank,
            attendee.agency.name,
            attendee.phone,
            attendee.email,
            SIGNED if attendee.signed_method else NOT_SIGNED,
            methods.get(attendee.signed_method, ""),
            signed_at,
        ]


EXPORT_PRINTED = (
    "pk", "full_name", "identity_kind", "identity_number", "position", "rank", "agency__name", "phone", "email",
)  # fmt: skip


def plan_export(kind: str, event: Event, *, language: str) -> Plan:
    """An export's rows and a fingerprint of everything it writes, so that an unchanged one is reused."""
    rows = list(
        Attendee.objects.filter(event=event)
        .order_by("agency__name", "full_name")
        .values_list(*EXPORT_PRINTED)
    )
    pacts = list(
        Pact.objects.filter(event=event, status=Pact.Status.VALID)
        .order_by("pk")
        .values_list("attendee_id", "method", "signed_at")
    )
    printed = [kind, language, settings.TIME_ZONE, rows, pacts]
    return Plan(
        kind=kind,
        event_id=event.pk,
        agency_id=None,
        ids=tuple(row[0] for row in rows),
        fingerprint=hashlib.sha256(json.dumps(printed, default=str).encode()).hexdigest(),
    )


def export_csv(event: Event) -> bytes:
    return csv_bytes(export_rows(event))


def export_xlsx(event: Event) -> bytes:
    return xlsx_bytes(export_rows(event), title=str(_("Peserta")))


EXPORTERS = {
    DocumentJob.Kind.EXPORT_CSV: (export_csv, "csv", "text/csv; charset=utf-8"),
    DocumentJob.Kind.EXPORT_XLSX: (
        export_xlsx,
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}
