"""All of an event's signed declarations in one PDF."""

import pytest
from django.urls import reverse

from pledges.pdf import documents
from pledges.qr import absolute_url
from tests import pdfs
from tests.factories import AgencyFactory, EventFactory, PactFactory

pytestmark = pytest.mark.django_db


def render(event, tmp_path, **options):
    out = tmp_path / "pakta.pdf"
    return out, documents.pacts_pdf(event, out=out, **options)


def test_it_puts_every_valid_declaration_on_its_own_page(tmp_path):
    event = EventFactory()
    pacts = [PactFactory(with_signature=True, attendee__event=event) for _ in range(3)]
    withdrawn = PactFactory(withdrawn=True, attendee__event=event, attendee__full_name="Sudah Ditarik")
    out, report = render(event, tmp_path)

    pages = pdfs.pages_text(out)
    assert report.pages == len(pages) == 3
    assert pdfs.image_count(out) == 3
    for pact in pacts:
        [page] = [text for text in pages if pact.signer_name in text]
        assert pact.code in page
        assert documents.format_identity(pact.signer_identity_kind, pact.signer_identity_number) in page
    assert withdrawn.signer_name not in "".join(pages)
    assert set(pdfs.links(out)) == {
        absolute_url(reverse("pledges:verify_code", args=[p.code])) for p in pacts
    }


def test_chunks_rendered_in_parallel_are_merged_in_order(tmp_path, monkeypatch):
    monkeypatch.setattr(documents, "PACTS_CHUNK", (1, 2))  # at most two declarations a chunk
    event = EventFactory()
    agency = AgencyFactory()
    for letter in "ECADB":
        PactFactory(attendee__event=event, attendee__agency=agency, attendee__full_name=f"{letter}. Peserta")
    out, report = render(event, tmp_path, workers=2)
    assert report.chunks == 3
    names = [text.split("Nama : ")[1].split("\n")[0] for text in pdfs.pages_text(out)]
    assert names == ["A. Peserta", "B. Peserta", "C. Peserta", "D. Peserta", "E. Peserta"]


def test_it_prints_one_agency_only(tmp_path):
    event = EventFactory()
    health = AgencyFactory(name="Dinas Kesehatan")
    PactFactory(attendee__event=event, attendee__agency=health, attendee__full_name="dr. Rina Kusuma")
    PactFactory(attendee__event=event, attendee__full_name="Drs. Joko Susilo")
    text = pdfs.text(render(event, tmp_path, agency=health)[0])
    assert "dr. Rina Kusuma" in text
    assert "Drs. Joko Susilo" not in text


def test_an_event_without_pacts_says_so(tmp_path):
    out, report = render(EventFactory(), tmp_path)
    assert report.pages == 1
    assert "Belum ada pakta yang ditandatangani." in pdfs.text(out)
