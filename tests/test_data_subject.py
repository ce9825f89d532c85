"""A data subject's requests: everything held about one identity number, and nothing about anyone else; contact
corrections and erasure, each recorded."""

import io
import json
import uuid
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from events.models import Attendee, Event
from pledges.clientdata import identity_number_hash
from pledges.models import AccessRecord, KioskDevice, OfflineSignature, Pact
from pledges.services import pacts_record_paper
from tests import pdfs
from tests.factories import (
    AgencyFactory,
    AttendeeFactory,
    EventFactory,
    OpdHeadFactory,
    PactFactory,
    WitnessFactory,
    regency,
)

pytestmark = pytest.mark.django_db

SITI = {"identity_number": "198503122010012001", "full_name": "Siti Aminah, S.Sos.", "phone": "081111111111"}
BUDI = {"identity_number": "197901152005011003", "full_name": "Budi Santoso, S.T.", "phone": "082222222222"}
SEARCH = reverse("pledges:subject")


@pytest.fixture
def people(staff_user):
    """Siti and Budi at the same two events of the staff member's regency, on one paper sheet together, plus
    Siti at an event of another province (out of scope) and as a witness."""
    agency = AgencyFactory()
    drawn_event, paper_event = EventFactory(), EventFactory()
    found = {}
    for name, person in (("siti", SITI), ("budi", BUDI)):
        at_kiosk = AttendeeFactory(event=drawn_event, agency=agency, email=f"{name}@example.org", **person)
        at_kiosk.position = "Kepala Seksi"
        at_kiosk.save()
        on_paper = AttendeeFactory(event=paper_event, agency=agency, **person)
        found[name] = {
            "attendees": [at_kiosk, on_paper],
            "pacts": [PactFactory(attendee=at_kiosk, with_signature=True)],
        }
    scan = SimpleUploadedFile(
        "lembar.pdf", b"%PDF-1.4 lembar berisi dua tanda tangan", content_type="application/pdf"
    )
    shared = pacts_record_paper(
        event=paper_event,
        attendees=[found["siti"]["attendees"][1], found["budi"]["attendees"][1]],
        scan=scan,
        user=staff_user,
    )
    for pact in shared:
        found["siti" if pact.signer_identity_number == SITI["identity_number"] else "budi"]["pacts"].append(
            pact
        )
    elsewhere = EventFactory(regency=regency("32.01"))
    found["siti_elsewhere"] = AttendeeFactory(event=elsewhere, **SITI)
    found["siti_witness"] = WitnessFactory(
        event=drawn_event, name=SITI["full_name"], identity_number=SITI["identity_number"]
    )
    device = KioskDevice.objects.create(device_id=uuid.uuid4(), user=staff_user, event=paper_event)
    for name in ("siti", "budi"):
        found[name]["offline"] = OfflineSignature.objects.create(
            device=device, attendee=found[name]["attendees"][1], captured_at=timezone.now(), verdict="refused"
        )
    return found


def search(client, number):
    return client.post(SEARCH, {"identity_number": number})


def export(client) -> zipfile.ZipFile:
    response = client.post(reverse("pledges:subject_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def ids(archive, name, key="pk"):
    return {row[key] if key == "pk" else row["fields"][key] for row in json.loads(archive.read(name))}


def test_the_copy_holds_every_row_about_the_person_and_nothing_about_anyone_else(
    staff_client, people, tmp_path
):
    search(staff_client, "19850312 201001 2 001")
    archive = export(staff_client)
    siti = people["siti"]
    attendee_ids = {attendee.pk for attendee in siti["attendees"]}
    pact_ids = {pact.pk for pact in siti["pacts"]}
    assert ids(archive, "attendees.json") == attendee_ids
    assert ids(archive, "attendee_history.json") == set(
        Attendee.history.filter(id__in=attendee_ids).values_list("history_id", flat=True)
    )
    assert ids(archive, "pacts.json") == pact_ids
    assert ids(archive, "pact_history.json") == set(
        Pact.history.filter(id__in=pact_ids).values_list("history_id", flat=True)
    )
    assert ids(archive, "witnesses.json") == {people["siti_witness"].pk}
    assert ids(archive, "offline_signatures.json") == {siti["offline"].pk}
    commitments = json.loads(archive.read("commitments.json"))
    assert {entry["code"] for entry in commitments} == {pact.code for pact in siti["pacts"]}
    assert all(entry["matches"] for entry in commitments)

    names = set(archive.namelist())
    for pact in siti["pacts"]:
        pdf = tmp_path / f"{pact.code}.pdf"
        pdf.write_bytes(archive.read(f"pakta/pakta-{pact.code}.pdf"))
        text = pdfs.text(pdf)
        assert "19850312 201001 2 001" in text and "Budi" not in text
    drawn = siti["pacts"][0]
    assert f"berkas/tanda-tangan-{drawn.code}.png" in names
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["withheld"] == [
        {
            "paper_sheet": siti["pacts"][1].paper_sheet_id,
            "pact": siti["pacts"][1].code,
            "reason": "memuat data orang lain",
        }
    ]
    assert not [name for name in names if name.startswith("berkas/lembar-")]

    everything = b"".join(archive.read(name) for name in names if not name.endswith((".pdf", ".png", ".jpg")))
    budi = people["budi"]
    for secret in [
        BUDI["identity_number"],
        "Budi",
        BUDI["phone"],
        "budi@example.org",
        *[attendee.personal_code for attendee in budi["attendees"] if attendee.personal_code],
        *[pact.code for pact in budi["pacts"]],
        *[pact.content_salt for pact in budi["pacts"]],
    ]:
        assert secret.encode() not in everything, secret
    assert people["siti_elsewhere"].pk not in attendee_ids


def test_a_sheet_only_the_person_signed_is_included(staff_client, staff_user):
    attendee = AttendeeFactory(**SITI)
    scan = SimpleUploadedFile("lembar.pdf", b"%PDF-1.4 satu tanda tangan", content_type="application/pdf")
    [pact] = pacts_record_paper(event=attendee.event, attendees=[attendee], scan=scan, user=staff_user)
    search(staff_client, SITI["identity_number"])
    archive = export(staff_client)
    assert archive.read(f"berkas/lembar-{pact.paper_sheet_id}.pdf") == b"%PDF-1.4 satu tanda tangan"
    assert json.loads(archive.read("manifest.json"))["withheld"] == []


def test_the_search_and_the_copy_are_recorded_against_the_number(staff_client, staff_user, people):
    search(staff_client, SITI["identity_number"])
    export(staff_client)
    searched, exported = AccessRecord.objects.exclude(action="sign_in").order_by("pk")
    assert (searched.action, exported.action) == ("subject_search", "subject_export")
    assert searched.subject_hmac == exported.subject_hmac == identity_number_hash(SITI["identity_number"])
    assert exported.user == staff_user and exported.target.endswith(".zip")
    assert SITI["identity_number"] not in exported.target


def test_the_number_never_appears_in_a_url(staff_client, people):
    response = search(staff_client, SITI["identity_number"])
    assert response.status_code == 302 and SITI["identity_number"] not in response.url
    page = staff_client.get(SEARCH)
    assert SITI["full_name"] in page.text and BUDI["full_name"] not in page.text


def test_a_bad_number_gets_a_clear_message_and_a_400(staff_client):
    response = search(staff_client, "NIP saya")
    assert response.status_code == 400
    assert "Nomor identitas hanya berisi angka" in response.text
    assert not AccessRecord.objects.filter(action="subject_search").exists()


def test_only_staff_may_ask(client, people):
    client.force_login(OpdHeadFactory())
    assert client.get(SEARCH).status_code == 403
    assert client.post(reverse("pledges:subject_export")).status_code == 403
    client.logout()
    assert client.get(SEARCH).status_code == 302


def test_staff_of_another_office_find_nothing_of_ours(client, people):
    from tests.factories import BawasluStaffFactory

    client.force_login(BawasluStaffFactory(membership__regency=regency("32.01")))
    search(client, SITI["identity_number"])
    archive = export(client)
    assert ids(archive, "attendees.json") == {people["siti_elsewhere"].pk}
    assert ids(archive, "pacts.json") == set()


def _contact(client, attendee, **data):
    fields = {f"a{attendee.pk}-{key}": value for key, value in data.items()}
    return client.post(reverse("pledges:subject_contact", args=[attendee.pk]), fields)


def test_contact_data_is_corrected_on_request_even_after_signing_closed(staff_client, people):
    attendee = people["siti"]["attendees"][0]
    Event.objects.filter(pk=attendee.event_id).update(status=Event.Status.CLOSED)
    search(staff_client, SITI["identity_number"])
    response = _contact(
        staff_client, attendee, phone="0813 3333 3333", email="siti.baru@example.org", reason="Surel 3 Maret"
    )
    assert response.status_code == 302
    attendee.refresh_from_db()
    assert (attendee.phone, attendee.email) == ("0813 3333 3333", "siti.baru@example.org")
    assert attendee.history.first().history_change_reason == "Surel 3 Maret"
    record = AccessRecord.objects.get(action="subject_correct")
    assert record.event_id == attendee.event_id and "Surel 3 Maret" in record.target


def test_contact_data_is_erased_from_the_row_and_its_whole_history(staff_client, people):
    attendee = people["siti"]["attendees"][0]
    search(staff_client, SITI["identity_number"])
    response = _contact(staff_client, attendee, phone="", email="", reason="Surat 4 Maret", erase="on")
    assert response.status_code == 302
    attendee.refresh_from_db()
    assert (attendee.phone, attendee.email) == ("", "")
    assert set(attendee.history.values_list("phone", "email")) == {("", "")}
    assert AccessRecord.objects.filter(
        action="subject_erase", subject_hmac=identity_number_hash(SITI["identity_number"])
    ).exists()
    budi = people["budi"]["attendees"][0]
    budi.refresh_from_db()
    assert budi.phone == BUDI["phone"]


def test_a_change_needs_its_reason_and_a_valid_email(staff_client, people):
    attendee = people["siti"]["attendees"][0]
    search(staff_client, SITI["identity_number"])
    response = _contact(staff_client, attendee, phone="0812", email="bukan-email", reason="")
    assert response.status_code == 400
    assert "Tuliskan dasar permintaan" in response.text
    attendee.refresh_from_db()
    assert attendee.phone == SITI["phone"]
    assert not AccessRecord.objects.filter(action="subject_correct").exists()


def test_only_rows_of_the_number_being_handled_can_be_changed(staff_client, people):
    search(staff_client, SITI["identity_number"])
    budi = people["budi"]["attendees"][0]
    response = _contact(staff_client, budi, phone="", email="", reason="x", erase="on")
    assert response.status_code == 404
    budi.refresh_from_db()
    assert budi.phone == BUDI["phone"]


def test_done_forgets_the_number(staff_client, people):
    search(staff_client, SITI["identity_number"])
    staff_client.post(reverse("pledges:subject_done"))
    assert "data_subject_number" not in staff_client.session
    assert SITI["full_name"] not in staff_client.get(SEARCH).text


def test_history_rows_alone_still_count_as_data_held(staff_client):
    attendee = AttendeeFactory(event=EventFactory(status=Event.Status.DRAFT), **SITI)
    attendee.delete()
    search(staff_client, SITI["identity_number"])
    assert "Tidak ada data tentang nomor ini" not in staff_client.get(SEARCH).text
    archive = export(staff_client)
    assert len(json.loads(archive.read("attendee_history.json"))) == 2
