"""The signature sheet of an event (Daftar Hadir / Lembar Tanda Tangan), read back with pypdf."""

import re

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from events.models import Witness
from pledges.pdf import documents
from pledges.signatures import signature_from_data_url
from tests import pdfs
from tests.factories import (
    AgencyFactory,
    AttendeeFactory,
    EventFactory,
    PactFactory,
    WitnessFactory,
    signature_data_url,
)

pytestmark = pytest.mark.django_db


def render(event, tmp_path, **options):
    out = tmp_path / "lembar.pdf"
    report = documents.sheet_pdf(event, out=out, **options)
    return out, report


def signature_slot_positions(path) -> dict[int, float]:
    """The horizontal position of each "N." label drawn in the signature column, by row number."""
    positions = {}

    def visit(text, cm, tm, font, size):
        if match := re.fullmatch(r"(\d+)\.", text.strip()):
            positions[int(match[1])] = tm[4]

    for page in PdfReader(path).pages:
        page.extract_text(visitor_text=visit)
    return positions


def test_a_200_attendee_sheet_numbers_every_page_and_lists_everyone(tmp_path):
    event = EventFactory()
    attendees = AttendeeFactory.create_batch(200, event=event)
    out, report = render(event, tmp_path, signed=False)

    pages = pdfs.pages_text(out)
    assert report.pages == len(pages)
    assert 8 <= len(pages) <= 14  # about 20 rows a page after the heading
    for number, text in enumerate(pages, start=1):
        assert f"Halaman {number} dari {len(pages)}" in text
        assert f"Kode kegiatan: {event.code}" in text
        assert "Tanda Tangan" in text  # the table header repeats on every page
    text = "\n".join(pages)
    for attendee in attendees:
        assert attendee.full_name in text
        assert documents.format_identity(attendee.identity_kind, attendee.identity_number) in text
    assert sorted(signature_slot_positions(out)) == list(range(1, 201))


def test_odd_numbers_sign_on_the_left_half_and_even_on_the_right(tmp_path):
    event = EventFactory()
    AttendeeFactory.create_batch(6, event=event)
    positions = signature_slot_positions(render(event, tmp_path, signed=False)[0])
    left, right = {positions[n] for n in (1, 3, 5)}, {positions[n] for n in (2, 4, 6)}
    assert len(left) == 1 and len(right) == 1
    assert right.pop() - left.pop() > 50  # half of the 38 mm column, in CSS pixels


def test_the_heading_has_the_event_and_the_points(tmp_path):
    event = EventFactory(title="Sosialisasi Netralitas ASN Pilkada 2024", venue="Gedung Kesenian Baturaja")
    AttendeeFactory(event=event)
    text = pdfs.text(render(event, tmp_path, signed=False)[0])
    assert "DAFTAR HADIR DAN LEMBAR TANDA TANGAN" in text
    assert "Sosialisasi Netralitas ASN Pilkada 2024" in text
    assert "Gedung Kesenian Baturaja" in text
    assert event.organiser.name.upper() in text
    for point in event.declaration.points:
        assert point in text


def test_the_signed_sheet_draws_captured_signatures_and_leaves_the_rest_blank(tmp_path):
    event = EventFactory()
    drawn = PactFactory(with_signature=True, attendee__event=event, attendee__full_name="Andi, S.H.")
    PactFactory(attendee__event=event, attendee__full_name="Bunga, S.E.")  # signed on paper
    PactFactory(with_signature=True, withdrawn=True, attendee__event=event)
    AttendeeFactory(event=event, full_name="Citra, S.Pd.")

    blank, _ = render(event, tmp_path, signed=False)
    assert pdfs.image_count(blank) == 0

    signed, _ = render(event, tmp_path, signed=True)
    text = pdfs.text(signed)
    assert pdfs.image_count(signed) == 1  # the withdrawn pact's signature is not drawn
    assert drawn.signer_name in text and "Citra, S.Pd." in text
    assert "di kertas" in text


def test_a_missing_signature_file_leaves_the_cell_empty(tmp_path):
    event = EventFactory()
    pact = PactFactory(with_signature=True, attendee__event=event)
    pact.signature_print.storage.delete(pact.signature_print.name)
    pact.signature.storage.delete(pact.signature.name)
    out, _ = render(event, tmp_path, signed=True)
    assert pdfs.image_count(out) == 0
    assert pact.signer_name in pdfs.text(out)


def test_it_prints_one_agency_only(tmp_path):
    event = EventFactory()
    health, school = AgencyFactory(name="Dinas Kesehatan"), AgencyFactory(name="Dinas Pendidikan")
    AttendeeFactory(event=event, agency=health, full_name="dr. Rina Kusuma")
    AttendeeFactory(event=event, agency=school, full_name="Drs. Joko Widodo")
    text = pdfs.text(render(event, tmp_path, signed=False, agency=health)[0])
    assert "dr. Rina Kusuma" in text
    assert "Drs. Joko Widodo" not in text


def test_it_ends_with_the_witnesses(tmp_path):
    event = EventFactory()
    AttendeeFactory(event=event)
    WitnessFactory(event=event, name="H. Darmawan Putra, S.Sos.", title="Ketua Bawaslu Kabupaten OKU")
    WitnessFactory(
        event=event,
        role=Witness.Role.WITNESSES,
        name="Ir. Sri Wahyuni, M.M.",
        title="Sekretaris Daerah",
        identity_number="197001011990032001",
    )
    text = pdfs.text(render(event, tmp_path, signed=False)[0])
    assert "Mengetahui," in text and "Menyaksikan," in text
    assert "H. Darmawan Putra, S.Sos." in text and "Ketua Bawaslu Kabupaten OKU" in text
    assert "NIP. 197001011990032001" in text


def test_hostile_values_print_as_text(tmp_path):
    event = EventFactory(title='<img src="file:///etc/passwd">', venue="<b>Aula</b>")
    AttendeeFactory(event=event, full_name='<link rel="attachment" href="file:///etc/passwd">')
    out, _ = render(event, tmp_path, signed=True)
    text = "".join(pdfs.text(out).split())  # long values wrap in narrow columns
    assert '<imgsrc="file:///etc/passwd">' in text
    assert '<linkrel="attachment"href="file:///etc/passwd">' in text
    assert "<b>Aula</b>" in text
    assert set(PdfReader(out).attachments) == {"netralitas.json"}  # the registry's manifest, nothing fetched


def test_an_empty_event_still_gives_a_sheet(tmp_path):
    out, report = render(EventFactory(), tmp_path, signed=False)
    assert report.pages == 1
    assert "Belum ada peserta." in pdfs.text(out)


def test_the_sheet_is_not_blank(tmp_path):
    event = EventFactory()
    PactFactory.create_batch(3, with_signature=True, attendee__event=event)
    assert pdfs.ink_pixels(render(event, tmp_path, signed=True)[0], tmp_path) > 5000


def test_the_number_of_queries_does_not_grow_with_the_rows(tmp_path, django_assert_max_num_queries):
    small, large = EventFactory(), EventFactory()
    PactFactory.create_batch(2, with_signature=True, attendee__event=small)
    PactFactory.create_batch(12, with_signature=True, attendee__event=large)
    with CaptureQueriesContext(connection) as few:
        render(small, tmp_path, signed=True)
    with django_assert_max_num_queries(len(few)):
        render(large, tmp_path, signed=True)
    with django_assert_max_num_queries(len(few)):
        documents.pacts_pdf(large, out=tmp_path / "pakta.pdf")


def test_the_signed_sheet_draws_the_witnesses_signatures(tmp_path):
    event = EventFactory()
    AttendeeFactory(event=event)
    witness = WitnessFactory(event=event)
    witness.signature.save("saksi.png", ContentFile(signature_from_data_url(signature_data_url(7)).png))
    assert len(pdfs.all_images(render(event, tmp_path, signed=True)[0])) == 1
    assert pdfs.all_images(render(event, tmp_path, signed=False)[0]) == []
