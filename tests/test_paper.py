"""Paper sheets signed by hand: staff tick who signed and upload the scan."""

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from events.models import Event
from pledges.errors import SigningError
from pledges.models import Pact, PaperSheet
from tests.factories import AttendeeFactory, EventFactory, OpdHeadFactory, PactFactory
from tests.pdfs import blank_pdf

pytestmark = pytest.mark.django_db

PDF = blank_pdf()


def _png_scan() -> bytes:
    out = io.BytesIO()
    Image.new("L", (200, 280), 250).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def event():
    return EventFactory(status=Event.Status.CLOSED)


def _post(client, event, attendees, name="lembar.pdf", content=PDF, note=""):
    return client.post(
        reverse("pledges:paper", args=[event.pk]),
        {"attendees": [a.pk for a in attendees], "scan": SimpleUploadedFile(name, content), "note": note},
    )


def _files(settings):
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_staff_record_a_signed_sheet_with_its_scan(staff_client, staff_user, event, settings):
    signed = AttendeeFactory.create_batch(2, event=event)
    absent = AttendeeFactory(event=event)
    page = staff_client.get(reverse("pledges:paper", args=[event.pk]))
    assert signed[0].full_name in page.text
    response = _post(staff_client, event, signed, note="Lembar 1")
    assert response.status_code == 302
    sheet = PaperSheet.objects.get()
    assert sheet.note == "Lembar 1" and sheet.uploaded_by == staff_user
    pacts = Pact.objects.order_by("attendee__pk")
    assert [p.attendee for p in pacts] == signed
    for pact in pacts:
        assert pact.method == Pact.Method.PAPER
        assert pact.paper_sheet == sheet and pact.collected_by == staff_user
        assert pact.signature_sha256 == hashlib.sha256(PDF).hexdigest()
        assert pact.content_hash == pact.compute_content_hash()
    assert not absent.pacts.exists()
    # Those recorded are no longer offered.
    page = staff_client.get(reverse("pledges:paper", args=[event.pk]))
    assert f'value="{signed[0].pk}"' not in page.text and f'value="{absent.pk}"' in page.text


def test_an_image_scan_is_accepted(staff_client, event):
    attendee = AttendeeFactory(event=event)
    assert _post(staff_client, event, [attendee], "scan.png", _png_scan()).status_code == 302
    assert PaperSheet.objects.get().file.name.endswith(".png")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("lembar.pdf", b"<html>not a pdf</html>"),
        ("lembar.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>'),
        ("lembar.png", b"\x89PNG\r\n\x1a\nbroken"),
        ("lembar.exe", b"MZ\x90\x00"),
    ],
)
def test_a_scan_that_is_not_a_pdf_or_image_is_refused(staff_client, event, settings, name, content):
    attendee = AttendeeFactory(event=event)
    response = _post(staff_client, event, [attendee], name, content)
    assert response.status_code == 400
    assert "harus PDF, JPEG atau PNG" in response.text
    assert not PaperSheet.objects.exists() and not Pact.objects.exists()
    assert _files(settings) == []


def test_an_oversized_scan_is_refused(staff_client, event, settings):
    attendee = AttendeeFactory(event=event)
    response = _post(staff_client, event, [attendee], "big.pdf", PDF + b"0" * (15 * 1024 * 1024))
    assert "terlalu besar" in response.text
    assert not Pact.objects.exists()


def test_nobody_ticked_is_refused(staff_client, event):
    AttendeeFactory(event=event)
    response = _post(staff_client, event, [])
    assert "Centang sedikitnya satu peserta" in response.text
    assert not PaperSheet.objects.exists()


def test_someone_who_already_signed_spoils_the_whole_sheet(staff_client, event, settings):
    from pledges.services import pacts_record_paper

    fresh = AttendeeFactory(event=event)
    done = PactFactory(attendee__event=event, attendee__full_name="Sudah Teken").attendee
    with pytest.raises(SigningError) as caught:
        pacts_record_paper(
            event=event, attendees=[fresh, done], scan=SimpleUploadedFile("x.pdf", PDF), user=None
        )
    assert "Sudah Teken" in str(caught.value)
    assert Pact.objects.count() == 1 and not PaperSheet.objects.exists()
    assert _files(settings) == []


def test_a_draft_event_cannot_record_paper(staff_client):
    event = EventFactory(status=Event.Status.DRAFT)
    attendee = AttendeeFactory(event=event)
    response = _post(staff_client, event, [attendee])
    assert "masih draf" in response.text
    assert not Pact.objects.exists()


def test_attendees_of_another_event_cannot_be_ticked(staff_client, event):
    other = AttendeeFactory()
    response = _post(staff_client, event, [other])
    assert response.status_code == 400
    assert not Pact.objects.exists()


def test_only_staff_in_scope_record_paper(client, event):
    head = OpdHeadFactory()
    client.force_login(head)
    assert client.get(reverse("pledges:paper", args=[event.pk])).status_code == 404


def test_the_paper_page_costs_the_same_queries_with_more_sheets(
    staff_client, event, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("pledges:paper", args=[event.pk])
    _post(staff_client, event, [AttendeeFactory(event=event)])
    AttendeeFactory(event=event)
    with CaptureQueriesContext(connection) as few:
        staff_client.get(url)
    expected = len(few.captured_queries)  # read now: every request clears the connection's query log
    for _sheet in range(3):
        _post(staff_client, event, AttendeeFactory.create_batch(2, event=event))
    AttendeeFactory.create_batch(5, event=event)
    with django_assert_num_queries(expected):
        staff_client.get(url)
