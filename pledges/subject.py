"""Everything held about one person, found by identity number: the data subject's right of access (UU 27/2022).

`subject_data()` gathers the rows within the staff member's scope; `subject_zip()` writes them as JSON files,
with the declaration PDF of each pact, the signature images and the witness signatures. A scanned paper sheet
goes in only when everyone on it is this person: otherwise it shows other people's names and signatures, and the
manifest says it was withheld.
"""

import json
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q, QuerySet
from django.utils import timezone

from events.models import Attendee, Event, Witness
from events.validators import normalize_number
from pledges.clientdata import identity_number_hash
from pledges.models import AccessRecord, OfflineSignature, Pact
from pledges.pdf import documents

ACCESS_RECORD_FIELDS = ("at", "username", "action", "target", "event")
README = """Salinan data pribadi yang disimpan Netralitas tentang nomor identitas {number}.
Dibuat {generated_at} oleh {generated_by}, dalam lingkup kewenangan pembuatnya.

attendees.json            data peserta pada setiap kegiatan
attendee_history.json     riwayat perubahan data peserta
pacts.json                pakta yang ditandatangani (termasuk garam komitmen, content_salt)
pact_history.json         riwayat perubahan pakta
witnesses.json            data sebagai saksi
offline_signatures.json   tanda tangan dari kios luring dan keputusan server atasnya
access_records.json       siapa mengunduh atau mengolah data ini, dan kapan
commitments.json          isi kanonik tiap pakta; content_hash = HMAC-SHA256(content_salt, isi kanonik)
pakta/                    pakta dalam PDF, dengan NIP lengkap
berkas/                   tanda tangan dan pindaian lembar kertas
manifest.json             ringkasan, termasuk berkas yang ditahan karena memuat data orang lain
"""


@dataclass
class SubjectData:
    number: str
    attendees: QuerySet
    attendee_history: QuerySet
    pacts: QuerySet
    pact_history: QuerySet
    witnesses: QuerySet
    offline_signatures: QuerySet
    access_records: QuerySet

    @property
    def is_empty(self) -> bool:
        rows = (self.attendees, self.attendee_history, self.pacts, self.pact_history, self.witnesses)
        return not any(queryset.exists() for queryset in rows)


def subject_data(*, user, identity_number: str) -> SubjectData:
    """The rows about one identity number in every event the user may see (nothing about anyone else)."""
    number = normalize_number(identity_number)
    events = Event.objects.visible_to(user)
    event_ids = events.values("pk")
    attendees = Attendee.objects.filter(event__in=event_ids, identity_number=number)
    pacts = Pact.objects.filter(event__in=event_ids).filter(
        Q(signer_identity_number=number) | Q(attendee__in=attendees.values("pk"))
    )
    return SubjectData(
        number=number,
        attendees=attendees.select_related("event", "agency").order_by("event__starts_at", "pk"),
        attendee_history=Attendee.history.filter(event_id__in=event_ids)
        .filter(Q(identity_number=number) | Q(id__in=attendees.values("pk")))
        .order_by("history_date", "history_id"),
        pacts=pacts.select_related("event", "declaration", "paper_sheet").order_by("signed_at", "pk"),
        pact_history=Pact.history.filter(event_id__in=event_ids)
        .filter(Q(signer_identity_number=number) | Q(id__in=pacts.values("pk")))
        .order_by("history_date", "history_id"),
        witnesses=Witness.objects.filter(event__in=event_ids, identity_number=number).order_by("pk"),
        offline_signatures=OfflineSignature.objects.filter(
            Q(attendee__in=attendees.values("pk")) | Q(pact__in=pacts.values("pk"))
        ).order_by("pk"),
        access_records=AccessRecord.objects.filter(subject_hmac=identity_number_hash(number))
        .filter(Q(event__isnull=True) | Q(event__in=event_ids))
        .order_by("at", "pk"),
    )


def _json(rows, fields=None) -> str:
    records = serializers.serialize("python", rows, fields=fields)
    return json.dumps(records, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def _commitments(pacts) -> str:
    return json.dumps(
        [
            {
                "code": pact.code,
                "content_hash": pact.content_hash,
                "content_salt": pact.content_salt,
                "canonical_content": pact.canonical_content().decode("utf-8"),
                "matches": pact.content_hash_matches,
            }
            for pact in pacts
        ],
        ensure_ascii=False,
        indent=2,
    )


def _copy_file(archive: zipfile.ZipFile, field_file, name: str) -> str | None:
    if not field_file:
        return None
    try:
        with field_file.open("rb") as handle:
            archive.writestr(name, handle.read())
    except FileNotFoundError:
        return None
    return name


def _sheet_is_only_theirs(pact: Pact, pact_ids: set[int]) -> bool:
    return set(pact.paper_sheet.pacts.values_list("pk", flat=True)) <= pact_ids


def _files(archive: zipfile.ZipFile, data: SubjectData, workdir: Path) -> tuple[list[str], list[dict]]:
    written, withheld = [], []
    pacts = list(data.pacts)
    pact_ids = {pact.pk for pact in pacts}
    for pact in pacts:
        pdf = workdir / f"pakta-{pact.code}.pdf"
        documents.declaration_pdf(pact, out=pdf)
        archive.write(pdf, f"pakta/{pdf.name}")
        written.append(f"pakta/{pdf.name}")
        for field_file, label in (
            (pact.signature, "tanda-tangan"),
            (pact.signature_print, "tanda-tangan-cetak"),
        ):
            name = _copy_file(archive, field_file, f"berkas/{label}-{pact.code}{_suffix(field_file)}")
            written += [name] if name else []
        if pact.paper_sheet_id is None:
            continue
        sheet = pact.paper_sheet
        if _sheet_is_only_theirs(pact, pact_ids):
            name = _copy_file(archive, sheet.file, f"berkas/lembar-{sheet.pk}{_suffix(sheet.file)}")
            written += [name] if name else []
        else:
            withheld.append({"paper_sheet": sheet.pk, "pact": pact.code, "reason": "memuat data orang lain"})
    for witness in data.witnesses:
        name = _copy_file(
            archive, witness.signature, f"berkas/saksi-{witness.pk}{_suffix(witness.signature)}"
        )
        written += [name] if name else []
    return written, withheld


def _suffix(field_file) -> str:
    return PurePosixPath(field_file.name or "").suffix


def subject_zip(data: SubjectData, *, generated_by: str):
    """The ZIP as an open anonymous temporary file (it has no name on disk), positioned at its start."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - the caller streams and closes it
    generated_at = timezone.localtime().isoformat(timespec="seconds")
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive, tempfile.TemporaryDirectory() as work:
        tables = {
            "attendees.json": _json(data.attendees),
            "attendee_history.json": _json(data.attendee_history),
            "pacts.json": _json(data.pacts),
            "pact_history.json": _json(data.pact_history),
            "witnesses.json": _json(data.witnesses),
            "offline_signatures.json": _json(data.offline_signatures),
            "access_records.json": _json(data.access_records, fields=ACCESS_RECORD_FIELDS),
            "commitments.json": _commitments(data.pacts),
        }
        for name, text in tables.items():
            archive.writestr(name, text)
        files, withheld = _files(archive, data, Path(work))
        readme = README.format(number=data.number, generated_at=generated_at, generated_by=generated_by)
        archive.writestr("README.txt", readme)
        manifest = {
            "identity_number": data.number,
            "generated_at": generated_at,
            "generated_by": generated_by,
            "rows": {
                "attendees": data.attendees.count(),
                "attendee_history": data.attendee_history.count(),
                "pacts": data.pacts.count(),
                "pact_history": data.pact_history.count(),
                "witnesses": data.witnesses.count(),
                "offline_signatures": data.offline_signatures.count(),
                "access_records": data.access_records.count(),
            },
            "files": files,
            "withheld": withheld,
        }
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    handle.seek(0)
    return handle
