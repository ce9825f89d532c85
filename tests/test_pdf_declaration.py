"""The declaration of one attendee (Pakta Integritas), rendered with WeasyPrint and read back with pypdf."""

import pytest
import segno
from django.urls import reverse
from pypdf import PdfReader

from events.models import Event
from pledges.pdf import documents
from pledges.qr import absolute_url
from tests import pdfs
from tests.factories import AttendeeFactory, DeclarationFactory, EventFactory, PactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pact():
    return PactFactory(
        with_signature=True,
        attendee__full_name="Dr. Siti Aminah, S.Sos., M.Si.",
        attendee__identity_number="198503122010012001",
        attendee__rank="Pembina (IV/a)",
        attendee__position="Kepala Bidang Pembinaan",
        attendee__agency__name="Dinas Pendidikan",
        attendee__event__organiser__name="Bawaslu Kabupaten Ogan Komering Ulu",
        attendee__event__organiser__address="Jl. Dr. Moh. Hatta No. 5, Baturaja",
        attendee__event__organiser__phone="(0735) 320123",
    )


def render(pact, tmp_path, **options):
    out = tmp_path / "pakta.pdf"
    report = documents.declaration_pdf(pact, out=out, **options)
    return out, report


def test_it_prints_the_letterhead_the_signer_and_every_point(pact, tmp_path):
    out, report = render(pact, tmp_path)
    text = pdfs.text(out)
    assert report.pages == 1
    assert "BAWASLU KABUPATEN OGAN KOMERING ULU" in text
    assert "Jl. Dr. Moh. Hatta No. 5, Baturaja" in text
    assert "Yang bertanda tangan di bawah ini" in text
    assert "Dr. Siti Aminah, S.Sos., M.Si." in text
    assert "19850312 201001 2 001" in text
    for detail in ("Pembina (IV/a)", "Kepala Bidang Pembinaan", "Dinas Pendidikan"):
        assert detail in text
    for point in pact.declaration.points:
        assert point in text
    assert pact.declaration.place_date_line in text


def test_it_draws_the_signature_and_links_the_verification_page(pact, tmp_path):
    out, _ = render(pact, tmp_path)
    verify_url = absolute_url(reverse("pledges:verify_code", args=[pact.code]))
    assert pdfs.image_count(out) == 1
    assert verify_url in pdfs.links(out)
    assert pact.code in pdfs.text(out)


def test_the_qr_code_encodes_the_verification_url(pact, tmp_path):
    out, _ = render(pact, tmp_path)
    verify_url = absolute_url(reverse("pledges:verify_code", args=[pact.code]))
    [printed] = pdfs.qr_codes(out)
    expected = segno.make(verify_url, error="m")
    modules = [[bool(bit) for bit in row] for row in expected.matrix_iter(scale=1, border=2)]
    pixels = printed.convert("L").load()
    assert [[pixels[x, y] < 128 for x in range(printed.width)] for y in range(printed.height)] == modules


def test_the_public_copy_masks_the_identity_number(pact, tmp_path):
    out, _ = render(pact, tmp_path, public=True)
    text = pdfs.text(out)
    assert "************** 2001" in text
    assert "198503122010012001" not in text.replace(" ", "")


def test_a_withdrawn_pact_is_marked_and_its_public_copy_has_no_signature(tmp_path):
    pact = PactFactory(with_signature=True, withdrawn=True)
    out, _ = render(pact, tmp_path, public=True)
    assert "DITARIK" in pdfs.text(out)
    assert pdfs.image_count(out) == 0


def test_a_paper_pact_says_so_instead_of_an_image(tmp_path):
    out, _ = render(PactFactory(), tmp_path)
    assert "Ditandatangani di atas kertas" in pdfs.text(out)
    assert pdfs.image_count(out) == 0


def test_blank_declarations_have_a_meterai_box_and_no_verification_code(tmp_path):
    event = EventFactory()
    AttendeeFactory(event=event, full_name="Ir. Bambang Suryadi, M.T.")
    AttendeeFactory(event=event, full_name="Hj. Nurhayati, S.Pd.I.")
    out = tmp_path / "blanko.pdf"
    report = documents.blank_declarations_pdf(event, out=out)
    pages = pdfs.pages_text(out)
    assert report.pages == len(pages) == 2
    assert any("Ir. Bambang Suryadi, M.T." in page for page in pages)
    assert all("Meterai" in page and "Kode verifikasi" not in page for page in pages)
    assert pdfs.links(out) == []


def test_hostile_names_and_declaration_text_print_as_text(tmp_path):
    hostile = '<img src="file:///etc/passwd">'
    declaration = DeclarationFactory(
        points=[f'</li><link rel="attachment" href="file:///etc/passwd">{hostile}']
    )
    pact = PactFactory(
        attendee__full_name=f"Budi {hostile}",
        attendee__event__declaration=declaration,
        attendee__event__title="<script>alert(1)</script>",
    )
    out, _ = render(pact, tmp_path)
    text = pdfs.text(out)
    assert f"Budi {hostile}" in text
    assert '<link rel="attachment" href="file:///etc/passwd">' in text
    assert pdfs.image_count(out) == 0
    # Only the registry's own manifest is embedded: the hostile `rel=attachment` link fetched nothing.
    assert set(PdfReader(out).attachments) == {"netralitas.json"}


def test_it_uses_the_events_paper_size(tmp_path):
    a4 = PactFactory()
    f4 = PactFactory(attendee__event=EventFactory(paper_size=Event.PaperSize.F4))
    assert pdfs.page_size_mm(render(a4, tmp_path)[0]) == (210, 297)
    assert pdfs.page_size_mm(render(f4, tmp_path)[0]) == (215, 330)


def test_the_rendered_page_is_not_blank(pact, tmp_path):
    out, _ = render(pact, tmp_path)
    assert pdfs.ink_pixels(out, tmp_path) > 2000


def test_a_code_full_of_kerning_pairs_prints_letter_for_letter(tmp_path):
    pact = PactFactory(code="WAVAYTAVAW")
    out, _ = render(pact, tmp_path)
    assert "Kode verifikasi: WAVAYTAVAW" in pdfs.text(out)
