"""Checking an uploaded PDF on the public verification page and through the JSON API: genuine documents pass,
tampered ones are refused with the reason, junk gets a 4xx."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pypdf import PdfReader, PdfWriter

from pledges import throttle
from pledges.models import Pact
from pledges.pdf import archive, documents, sandbox
from pledges.services import pact_withdraw
from tests import pdfs
from tests.factories import PactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pact(transparency_log):
    pact = PactFactory(with_signature=True, attendee__full_name="Dr. Siti Aminah, S.Sos., M.Si.")
    transparency_log.append(PactFactory())
    transparency_log.append(pact)
    return pact


def downloaded(client, pact) -> bytes:
    """The signer's declaration, as the browser that signed it downloads it."""
    session = client.session
    session["signed_pacts"] = [pact.code]
    session.save()
    response = client.get(reverse("pledges:receipt_pdf", args=[pact.code]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def rendered(pact, tmp_path, **options) -> bytes:
    out = tmp_path / "pakta.pdf"
    documents.declaration_pdf(pact, out=out, **options)
    return out.read_bytes()


def upload(client, data: bytes, name="pakta.pdf"):
    return client.post(
        reverse("pledges:verify_pdf"), {"file": SimpleUploadedFile(name, data, "application/pdf")}
    )


def api(client, data: bytes):
    return client.post(
        reverse("pledges:api_verify_pdf"), {"file": SimpleUploadedFile("pakta.pdf", data, "application/pdf")}
    )


def problems(response) -> set[str]:
    return {problem["code"] for problem in response.json()["problems"]}


# --- Ways of tampering -------------------------------------------------------------------------------------------


def one_byte_changed(data: bytes) -> bytes:
    """One byte of the sealed revision changed: inside the first content stream, so the file still parses."""
    position = data.index(b"stream\n") + len(b"stream\n") + 5
    return data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1 :]


def resaved_with_pypdf(data: bytes) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def leaf_swapped(data: bytes, code: str, leaf: bytes) -> bytes:
    """An incremental update that replaces the embedded leaf, leaving the sealed revision untouched."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    names = writer.root["/Names"]["/EmbeddedFiles"]["/Names"]
    for position in range(0, len(names), 2):
        if names[position] == archive.leaf_name(code):
            spec_ref = names.raw_get(position + 1)
            spec = spec_ref.get_object()
            stream = writer.add_object(
                generic.StreamObject(
                    {generic.pdf_name("/Type"): generic.pdf_name("/EmbeddedFile")}, stream_data=leaf
                )
            )
            spec["/EF"] = generic.DictionaryObject(
                {generic.pdf_name("/F"): stream, generic.pdf_name("/UF"): stream}
            )
            writer.mark_update(spec_ref)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


# --- Genuine documents -------------------------------------------------------------------------------------------


class TestGenuine:
    def test_a_downloaded_declaration_validates_in_pyhanko_and_on_the_verify_page(
        self, office_seal, client, pact, tmp_path
    ):
        data = downloaded(client, pact)
        path = tmp_path / "unduhan.pdf"
        path.write_bytes(data)
        (status,) = pdfs.seal_statuses(path, [office_seal.arch.get_cert("root")])
        assert status.bottom_line and status.timestamp_validity.trusted
        response = upload(client, data)
        assert response.status_code == 200
        assert 'data-outcome="genuine"' in response.text
        assert "Bawaslu Kabupaten Uji" in response.text and "Otoritas Cap Waktu Uji" in response.text
        assert "PAdES B-LT" in response.text
        assert "tercatat, bukti inklusi sah" in response.text
        assert 'data-problem="' not in response.text

    def test_the_json_api_gives_the_same_verdict_in_both_languages(self, office_seal, client, pact):
        response = api(client, downloaded(client, pact))
        assert response.status_code == 200
        verdict = response.json()
        assert verdict["outcome"] == "genuine"
        assert verdict["summary"]["id"].startswith("Asli") and verdict["summary"]["en"].startswith("Genuine")
        assert verdict["seal"]["trusted"] and verdict["seal"]["office_certificate"]
        assert verdict["seal"]["level"] == "B-LT"
        assert verdict["seal"]["timestamp"]["trusted"]
        assert verdict["document"] == archive.SIGNER_COPY
        (checked,) = verdict["pacts"]
        assert checked == {
            "code": pact.code,
            "status": "valid",
            "logged": True,
            "in_log": True,
            "proof_valid": True,
            "text_matches": True,
            "withdrawn_at": None,
        }

    def test_the_api_refuses_a_raw_body_as_every_non_form_post_is(self, client, pact, tmp_path):
        data = rendered(pact, tmp_path)
        response = client.post(reverse("pledges:api_verify_pdf"), data=data, content_type="application/pdf")
        assert response.status_code == 415

    def test_the_development_seal_is_b_b_and_trusted_while_it_is_configured(
        self, development_seal, client, pact, tmp_path
    ):
        verdict = api(client, rendered(pact, tmp_path)).json()
        assert verdict["outcome"] == "genuine"
        assert verdict["seal"]["level"] == "B-B" and verdict["seal"]["timestamp"] is None

    def test_a_sealed_signed_sheet_checks_every_row(
        self, office_seal, client, pact, tmp_path, transparency_log
    ):
        others = [PactFactory(with_signature=True, attendee__event=pact.event) for _ in range(3)]
        for other in others:
            transparency_log.append(other)
        out = tmp_path / "lembar.pdf"
        documents.sheet_pdf(pact.event, out=out, signed=True, workers=1)
        verdict = api(client, out.read_bytes()).json()
        assert verdict["outcome"] == "genuine"
        assert verdict["document"] == archive.SHEET
        assert {checked["code"] for checked in verdict["pacts"]} == {
            pact.code,
            *(other.code for other in others),
        }
        assert all(checked["in_log"] and checked["text_matches"] for checked in verdict["pacts"])

    def test_a_withdrawn_pact_is_genuine_but_withdrawn(self, office_seal, client, pact, tmp_path):
        pact_withdraw(pact=pact, user=None, reason="Salah orang.")
        response = upload(client, rendered(pact, tmp_path, public=True))
        assert 'data-outcome="withdrawn"' in response.text
        assert 'data-problem="pact_withdrawn"' in response.text


# --- Tampered, untrusted, unsealed, foreign ------------------------------------------------------------------------


class TestRefused:
    def test_one_changed_byte_breaks_the_seal(self, office_seal, client, pact):
        response = upload(client, one_byte_changed(downloaded(client, pact)))
        assert response.status_code == 200
        assert 'data-outcome="tampered"' in response.text
        assert 'data-problem="seal_broken"' in response.text
        assert "isi berkas telah diubah setelah disegel" in response.text

    def test_a_copy_resaved_by_another_tool_is_refused(self, office_seal, client, pact):
        response = api(client, resaved_with_pypdf(downloaded(client, pact)))
        assert response.json()["outcome"] == "tampered"
        assert "seal_broken" in problems(response)

    def test_a_swapped_leaf_is_caught_by_the_seal_and_by_the_log(
        self, office_seal, client, pact, transparency_log
    ):
        other = PactFactory()
        forged = transparency_log.append(other)
        response = api(client, leaf_swapped(downloaded(client, pact), pact.code, forged))
        verdict = response.json()
        assert verdict["outcome"] == "tampered"
        assert {"seal_modified", "leaf_not_in_log", "proof_invalid"} <= problems(response)
        assert verdict["pacts"][0]["in_log"] is False

    def test_without_a_seal_a_swapped_leaf_is_still_caught_by_the_log(
        self, client, pact, tmp_path, transparency_log
    ):
        forged = transparency_log.append(PactFactory())
        response = api(client, leaf_swapped(rendered(pact, tmp_path), pact.code, forged))
        assert response.json()["outcome"] == "tampered"
        assert {"no_seal", "leaf_not_in_log", "proof_invalid"} <= problems(response)

    def test_text_that_is_not_the_record_is_caught(self, client, pact, tmp_path):
        data = rendered(pact, tmp_path)
        Pact.objects.filter(pk=pact.pk).update(signer_name="Orang Lain, S.H.")  # the record says otherwise
        response = api(client, data)
        assert response.json()["outcome"] == "tampered"
        assert "text_mismatch" in problems(response)
        assert response.json()["pacts"][0]["text_matches"] is False

    def test_an_unsealed_document_that_matches_the_record_says_it_is_unsealed(self, client, pact, tmp_path):
        response = upload(client, rendered(pact, tmp_path))
        assert 'data-outcome="unsealed"' in response.text
        assert 'data-problem="no_seal"' in response.text

    def test_a_seal_by_a_certificate_the_registry_does_not_trust(
        self, settings, development_seal, office_seal, client, pact, tmp_path
    ):
        settings.SEAL_PKCS12_FILE = str(development_seal)
        settings.SEAL_PKCS12_PASSWORD = "uji-pengembangan"
        settings.SEAL_TSA_URL = ""
        foreign_seal = rendered(pact, tmp_path)
        settings.SEAL_PKCS12_FILE = str(office_seal.pkcs12("office"))
        settings.SEAL_PKCS12_PASSWORD = "uji-segel"
        response = api(client, foreign_seal)
        assert response.json()["outcome"] == "untrusted"
        assert "seal_untrusted" in problems(response)

    def test_a_pdf_from_elsewhere_is_not_ours(self, client, tmp_path):
        from weasyprint import HTML

        response = api(client, HTML(string="<h1>PAKTA INTEGRITAS</h1>").write_pdf())
        assert response.json()["outcome"] == "foreign"
        assert {"no_seal", "no_manifest"} <= problems(response)


# --- Junk and limits --------------------------------------------------------------------------------------------


class TestJunk:
    def test_a_file_that_is_not_a_pdf_gets_400_with_the_reason(self, client):
        response = upload(client, b"GIF89a bukan pdf", name="gambar.pdf")
        assert response.status_code == 400
        assert "bukan PDF yang dapat dibaca" in response.text
        response = api(client, b"%PDF-1.7\n garbage without any structure")
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "not_pdf"
        assert response.json()["error"]["en"]

    def test_an_encrypted_pdf_is_refused(self, client):
        writer = PdfWriter()
        writer.add_blank_page(100, 100)
        writer.encrypt("rahasia")
        output = io.BytesIO()
        writer.write(output)
        response = api(client, output.getvalue())
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "encrypted"

    def test_nothing_sent_is_a_400(self, client):
        assert client.post(reverse("pledges:verify_pdf")).status_code == 400
        response = client.post(reverse("pledges:api_verify_pdf"))
        assert response.status_code == 400 and response.json()["error"]["code"] == "missing"

    def test_a_file_over_the_limit_is_refused_before_it_is_read(self, settings, client, pact, tmp_path):
        settings.VERIFY_PDF_MAX_BYTES = 1024
        data = rendered(pact, tmp_path)
        response = upload(client, data)
        assert response.status_code == 413
        assert "melebihi" in response.text
        assert api(client, data).status_code == 413

    def test_checks_are_rate_limited_per_address(self, settings, client, monkeypatch):
        monkeypatch.setattr(throttle, "_clock", lambda: 1_000_000.0)
        settings.VERIFY_PDF_RATE_LIMIT = 2
        for _ in range(2):
            assert api(client, b"junk").status_code == 400
        assert api(client, b"junk").status_code == 429
        assert upload(client, b"junk").status_code == 429

    def test_the_page_form_is_csrf_protected_and_the_api_is_not(self, client, pact, tmp_path):
        strict = Client(enforce_csrf_checks=True)
        data = rendered(pact, tmp_path)
        assert upload(strict, data).status_code == 403
        assert api(strict, data).status_code == 200

    def test_a_reader_that_runs_past_its_deadline_is_killed(self, pact, tmp_path):
        with pytest.raises(sandbox.Unreadable) as refused:
            sandbox.inspect_in_sandbox(rendered(pact, tmp_path), [], timeout=0.001)
        assert refused.value.reason == "too_complex"

    def test_the_verify_page_offers_the_upload(self, client):
        response = client.get(reverse("pledges:verify"))
        assert 'enctype="multipart/form-data"' in response.text
        assert reverse("pledges:verify_pdf") in response.text
