"""The office's electronic seal on issued documents, checked with pyHanko's own validator, and their PDF/A form.

The test CA, OCSP responder and timestamp authority run in-process (tests/pki.py); the transparency log is a
stand-in over a real Merkle tree (tests/stand_in_log.py).
"""

import base64
import json
import os
import re
import stat

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.urls import reverse
from pyhanko.sign.fields import SigSeedSubFilter
from pypdf import PdfReader

from pledges.pdf import archive, documents, seal
from pledges.pdf.public import public_copy_name
from pledges.services import pact_withdraw
from tests import pdfs
from tests.factories import AttendeeFactory, EventFactory, PactFactory, WitnessFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pact():
    return PactFactory(with_signature=True, attendee__full_name="Dr. Siti Aminah, S.Sos., M.Si.")


def render(pact, tmp_path, **options):
    out = tmp_path / "pakta.pdf"
    documents.declaration_pdf(pact, out=out, **options)
    return out


def office_roots(pki):
    return [pki.arch.get_cert("root")]


def seal_widget(path):
    """The seal's visible box: the signature field's widget on the first page."""
    annotations = [annotation.get_object() for annotation in PdfReader(path).pages[0]["/Annots"]]
    (widget,) = [annotation for annotation in annotations if annotation["/Subtype"] == "/Widget"]
    return widget


class TestSeal:
    def test_a_declaration_is_sealed_at_pades_b_lt_timestamped_with_revocation_data(
        self, office_seal, pact, tmp_path
    ):
        out = render(pact, tmp_path)
        (status,) = pdfs.seal_statuses(out, office_roots(office_seal))
        assert status.bottom_line and status.intact and status.valid and status.trusted
        assert status.signing_cert.subject.native["common_name"] == "Bawaslu Kabupaten Uji"
        assert status.timestamp_validity is not None and status.timestamp_validity.trusted
        reader = PdfReader(out)
        signature = reader.trailer["/Root"]["/AcroForm"]["/Fields"][0].get_object()["/V"]
        assert signature["/SubFilter"] == "/" + SigSeedSubFilter.PADES.value.lstrip("/")
        dss = reader.trailer["/Root"]["/DSS"]
        assert dss["/OCSPs"] or dss["/CRLs"]  # revocation data embedded: B-LT

    def test_without_a_timestamp_authority_the_development_seal_is_b_b(
        self, development_seal, pact, tmp_path
    ):
        out = render(pact, tmp_path)
        holder = seal.office_seal().certificate
        (status,) = pdfs.seal_statuses(out, [holder])
        assert status.bottom_line and status.trusted
        assert status.timestamp_validity is None
        assert "/DSS" not in PdfReader(out).trailer["/Root"]

    def test_the_visible_box_says_who_sealed_and_when_in_the_bottom_margin(self, office_seal, pact, tmp_path):
        out = render(pact, tmp_path)
        widget = seal_widget(out)
        left, bottom, right, top = (float(value) / pdfs.MM for value in widget["/Rect"])
        assert left > 19 and right < 126 and bottom > 2 and top < 12  # below the text, inside the margin
        # The appearance stream carries its text as ActualText, in PDF's octal string escapes.
        stream = widget["/AP"]["/N"].get_object().get_data().decode("latin-1")
        text = re.sub(r"\\(\d{3})", lambda match: chr(int(match.group(1), 8)), stream)
        assert "Disegel secara elektronik oleh Bawaslu Kabupaten Uji" in text
        assert "WIB" in text and "/verifikasi/" in text

    def test_every_issued_document_is_sealed_and_forms_to_fill_in_are_not(self, office_seal, tmp_path):
        event = EventFactory()
        pacts = [PactFactory(with_signature=True, attendee__event=event) for _ in range(2)]
        AttendeeFactory(event=event)
        WitnessFactory(event=event)
        issued = {
            "signer copy": lambda out: documents.declaration_pdf(pacts[0], out=out),
            "public copy": lambda out: documents.declaration_pdf(pacts[0], out=out, public=True),
            "signed sheet": lambda out: documents.sheet_pdf(event, out=out, signed=True, workers=1),
            "all pacts": lambda out: documents.pacts_pdf(event, out=out, workers=1),
        }
        for name, build in issued.items():
            out = tmp_path / f"{name}.pdf"
            report = build(out)
            (status,) = pdfs.seal_statuses(out, office_roots(office_seal))
            assert status.bottom_line, name
            assert report.seal is not None and report.seal.seal_seconds > 0
        forms = {
            "blank sheet": lambda out: documents.sheet_pdf(event, out=out, signed=False, workers=1),
            "blank declarations": lambda out: documents.blank_declarations_pdf(event, out=out, workers=1),
            "poster": lambda out: documents.poster_pdf(event, out=out),
        }
        for name, build in forms.items():
            out = tmp_path / f"{name}.pdf"
            assert build(out).seal is None, name
            assert pdfs.seal_statuses(out, office_roots(office_seal)) == [], name

    def test_a_signed_sheet_made_as_a_background_job_is_sealed_by_the_merge(
        self,
        office_seal,
        staff_client,
        django_capture_on_commit_callbacks,
        monkeypatch,
        tmp_path,
        transparency_log,
    ):
        from pledges import jobs
        from pledges.models import DocumentJob

        kind = DocumentJob.Kind.SIGNED_SHEET
        monkeypatch.setitem(jobs.INLINE_MAX_ROWS, kind, 2)  # a job from three rows on, in chunks of two
        monkeypatch.setitem(documents.JOB_CHUNK, kind, 2)
        event = EventFactory()
        for _ in range(3):
            transparency_log.append(PactFactory(with_signature=True, attendee__event=event))
        with django_capture_on_commit_callbacks(execute=True):
            response = staff_client.get(reverse("pledges:event_sheet", args=[event.pk]), {"signed": "1"})
        job = DocumentJob.objects.get(pk=int(re.search(r"/dokumen/(\d+)/", response.url)[1]))
        assert (job.status, job.chunks_total) == ("done", 2)
        path = pdfs.saved(staff_client.get(reverse("pledges:document_job_file", args=[job.pk])), tmp_path)
        (status,) = pdfs.seal_statuses(path, office_roots(office_seal))
        assert status.bottom_line
        assert (
            len(archive.read_entries({archive.LOG_NAME: PdfReader(path).attachments[archive.LOG_NAME][0]}))
            == 3
        )
        assert pdfs.pdfa_problems(path) == []

    def test_a_revoked_office_certificate_seals_nothing(
        self, office_seal, settings, pact, client, staff_user
    ):
        settings.SEAL_PKCS12_FILE = str(office_seal.pkcs12("office-revoked"))
        client.force_login(staff_user)
        response = client.get(reverse("pledges:receipt_pdf", args=[pact.code]))
        assert response.status_code == 503
        assert str(seal.SEAL_UNAVAILABLE) in response.text

    def test_a_timestamp_authority_that_does_not_answer_refuses_the_download(
        self, office_seal, settings, pact, client, staff_user
    ):
        silent = next(port for port in range(8149, 8139, -1) if str(port) not in office_seal.prefix)
        settings.SEAL_TSA_URL = f"http://127.0.0.1:{silent}/tsa"
        client.force_login(staff_user)
        response = client.get(reverse("pledges:receipt_pdf", args=[pact.code]))
        assert response.status_code == 503
        assert "data-seal-unavailable" in response.text


class TestArchivalForm:
    @pytest.mark.parametrize("sealed", [False, True])
    def test_a_declaration_is_pdf_a_3b(self, request, sealed, pact, tmp_path, transparency_log):
        if sealed:
            request.getfixturevalue("office_seal")
        transparency_log.append(pact)
        out = render(pact, tmp_path)
        assert pdfs.pdfa_problems(out) == []

    def test_merged_documents_stay_pdf_a_3b(self, office_seal, tmp_path, transparency_log, monkeypatch):
        event = EventFactory()
        for _ in range(3):
            transparency_log.append(PactFactory(with_signature=True, attendee__event=event))
        sheet = tmp_path / "sheet.pdf"
        documents.sheet_pdf(event, out=sheet, signed=True, workers=1)  # footers stamped over the pages
        assert pdfs.pdfa_problems(sheet) == []
        monkeypatch.setattr(documents, "PACTS_CHUNK", (1, 1))  # one declaration a chunk: three merged
        chunked = tmp_path / "pacts.pdf"
        assert documents.pacts_pdf(event, out=chunked, workers=2).chunks == 3
        assert pdfs.pdfa_problems(chunked) == []

    def test_the_structural_check_catches_what_breaks_pdf_a(self, pact, tmp_path):
        plain = tmp_path / "plain.pdf"
        from weasyprint import HTML

        HTML(string="<p>Bukan PDF/A</p>").write_pdf(plain)
        problems = pdfs.pdfa_problems(plain)
        assert "no PDF/A-3B identification in the XMP metadata" in problems
        assert "no PDF/A output intent with an ICC profile" in problems


class TestEmbeddedLogEntries:
    def test_the_leaf_and_its_proof_against_the_checkpoint_are_embedded(
        self, pact, tmp_path, transparency_log
    ):
        PactFactory()  # the log holds others too: the proof is a real path
        others = [PactFactory() for _ in range(4)]
        for other in others[:2]:
            transparency_log.append(other)
        leaf = transparency_log.append(pact)
        transparency_log.append(others[2])
        files = PdfReader(render(pact, tmp_path)).attachments
        assert files[archive.leaf_name(pact.code)] == [leaf]
        proof = json.loads(files[archive.proof_name(pact.code)][0])
        assert (proof["leaf_index"], proof["tree_size"]) == (2, 4)
        _, size, root = archive.checkpoint_root(proof["checkpoint"])
        path = [base64.b64decode(node) for node in proof["inclusion_proof"]]
        assert size == 4
        assert archive.inclusion_root(leaf=leaf, index=2, size=4, proof=path) == root
        manifest = json.loads(files[archive.MANIFEST_NAME][0])
        assert manifest["document"] == archive.SIGNER_COPY
        assert manifest["pacts"] == [pact.code]
        assert manifest["log_entries"] == [{"code": pact.code, "entry": "pact"}]

    def test_a_sheet_carries_all_its_entries_in_one_log_file(self, tmp_path, transparency_log):
        event = EventFactory()
        pacts = [PactFactory(with_signature=True, attendee__event=event) for _ in range(3)]
        leaves = {pact.code: transparency_log.append(pact) for pact in pacts[:2]}
        out = tmp_path / "lembar.pdf"
        documents.sheet_pdf(event, out=out, signed=True, workers=1)
        files = {name: contents[0] for name, contents in PdfReader(out).attachments.items()}
        assert set(files) == {archive.MANIFEST_NAME, archive.LOG_NAME}
        entries = archive.read_entries(files)
        assert {code: entry.leaf for (code, _), entry in entries.items()} == leaves
        for entry in entries.values():
            _, _, root = archive.checkpoint_root(entry.checkpoint)
            assert (
                archive.inclusion_root(leaf=entry.leaf, index=entry.leaf_index, size=3, proof=entry.proof)
                != root
            )
            assert (
                archive.inclusion_root(leaf=entry.leaf, index=entry.leaf_index, size=2, proof=entry.proof)
                == root
            )
        assert sorted(json.loads(files[archive.MANIFEST_NAME])["pacts"]) == sorted(
            pact.code for pact in pacts
        )

    def test_a_pact_not_yet_logged_carries_the_manifest_alone(self, pact, tmp_path, transparency_log):
        files = PdfReader(render(pact, tmp_path)).attachments
        assert set(files) == {archive.MANIFEST_NAME}
        assert json.loads(files[archive.MANIFEST_NAME][0])["log_entries"] == []

    def test_a_withdrawn_pacts_public_copy_carries_its_withdrawal_entry_too(
        self, pact, tmp_path, transparency_log
    ):
        transparency_log.append(pact)
        pact_withdraw(pact=pact, user=None, reason="Salah orang.")
        transparency_log.append(pact, kind="withdrawal")
        files = PdfReader(render(pact, tmp_path, public=True)).attachments
        assert archive.leaf_name(pact.code, "withdrawal") in files
        assert archive.proof_name(pact.code, "withdrawal") in files

    @pytest.mark.parametrize("size", range(1, 18))
    def test_inclusion_proofs_verify_for_every_leaf_of_small_trees(self, size):
        from tests.stand_in_log import inclusion_path, tree_root

        leaves = [f"daun {n}".encode() for n in range(size)]
        root = tree_root(leaves)
        for index, leaf in enumerate(leaves):
            path = inclusion_path(index, leaves)
            assert archive.inclusion_root(leaf=leaf, index=index, size=size, proof=path) == root
            assert archive.inclusion_root(leaf=leaf + b"!", index=index, size=size, proof=path) != root
            if size > 1:
                assert (
                    archive.inclusion_root(leaf=leaf, index=(index + 1) % size, size=size, proof=path) != root
                )


class TestPublicCopies:
    """The stored public copy (pledges/pdf/public.py) is sealed, and made afresh when how it is sealed changes."""

    def test_the_stored_public_copy_is_sealed(self, office_seal, client, pact, tmp_path):
        url = reverse("pledges:pact_pdf", args=[pact.code])
        first = b"".join(client.get(url).streaming_content)
        assert b"".join(client.get(url).streaming_content) == first  # served as stored
        path = tmp_path / "copy.pdf"
        path.write_bytes(first)
        (status,) = pdfs.seal_statuses(path, office_roots(office_seal))
        assert status.bottom_line

    def test_a_log_entry_logged_since_makes_a_fresh_copy_that_carries_it(
        self, client, pact, transparency_log
    ):
        url = reverse("pledges:pact_pdf", args=[pact.code])
        client.get(url)
        unlogged = public_copy_name(pact)
        transparency_log.append(pact)
        client.get(url)
        assert public_copy_name(pact) != unlogged
        with default_storage.open(public_copy_name(pact), "rb") as copy:
            assert archive.leaf_name(pact.code) in PdfReader(copy).attachments

    def test_another_certificate_makes_a_fresh_copy(self, settings, development_seal, office_seal, pact):
        sealed_by_office = public_copy_name(pact)
        settings.SEAL_PKCS12_FILE = str(development_seal)
        settings.SEAL_PKCS12_PASSWORD = "uji-pengembangan"
        assert public_copy_name(pact) != sealed_by_office


class TestStaffPage:
    def test_it_says_who_seals(self, office_seal, staff_client, pact):
        pact.event.invitations.create(agency=pact.agency)
        response = staff_client.get(pact.event.get_absolute_url())
        assert 'data-seal="sealed"' in response.text
        assert "Bawaslu Kabupaten Uji" in response.text and "PAdES B-LT" in response.text

    def test_without_a_certificate_it_says_documents_go_out_unsealed(self, staff_client, pact):
        response = staff_client.get(pact.event.get_absolute_url())
        assert 'data-seal="unsealed"' in response.text

    def test_a_certificate_that_cannot_be_read_is_reported(self, settings, staff_client, pact, tmp_path):
        settings.SEAL_PKCS12_FILE = str(tmp_path / "hilang.p12")
        response = staff_client.get(pact.event.get_absolute_url())
        assert 'data-seal="broken"' in response.text
        assert "hilang.p12" in response.text


class TestKeygen:
    def test_it_writes_a_pkcs12_readable_by_its_owner_only(self, tmp_path, monkeypatch):
        monkeypatch.setenv("SEAL_PKCS12_PASSWORD", "rahasia-uji")
        out = tmp_path / "segel" / "dev.p12"
        call_command("seal_keygen", out=out, stdout=open(os.devnull, "w"))  # noqa: SIM115
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
        loaded = seal._load_seal(str(out), "rahasia-uji", "", "", "", "", "", ())
        assert loaded.certificate.self_signed != "no"
        assert loaded.certificate.public_key.algorithm == "rsa"

    def test_it_refuses_the_repository_and_an_existing_file(self, tmp_path, settings):
        with pytest.raises(CommandError, match="inside the repository"):
            call_command("seal_keygen", out=settings.BASE_DIR / "segel.p12")
        existing = tmp_path / "ada.p12"
        existing.write_bytes(b"x")
        with pytest.raises(CommandError, match="exists"):
            call_command("seal_keygen", out=existing)
