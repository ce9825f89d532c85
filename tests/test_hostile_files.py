"""Issue 15's hostile inputs, replayed one by one: each is refused with a message in the user's language and a
4xx status, and changes nothing (item 4). The walk over every form and endpoint is tests/test_hostile_inputs.py."""

import csv
import io
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from PIL import Image, ImageFile

from events.imports import IMPORT_CONTROL_CHARACTERS
from events.models import Attendee, Event
from events.pending import PendingImport
from pledges import errors
from pledges.models import Pact, PaperSheet
from pledges.pdf.documents import asset_roots
from pledges.pdf.fetcher import AssetFetcher, AssetRefused
from pledges.services import pact_withdraw
from pledges.signatures import png_data_url, scribble_png
from pledges.spreadsheets import neutralise
from tests.factories import (
    AgencyFactory,
    AttendeeFactory,
    EventFactory,
    PactFactory,
    signing_post,
)
from tests.pdfs import blank_pdf

pytestmark = pytest.mark.django_db


def _media_files(settings) -> list[str]:
    root = settings.MEDIA_ROOT
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


# --- NUL bytes ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/registri/?province=%00", "/cakupan/?province=%00", "/staf/naskah/?q=%00"])
def test_a_nul_byte_in_a_query_parameter_is_a_400_with_a_message(staff_client, path):
    """Before: 500 (PostgreSQL refuses NUL in a string literal)."""
    response = staff_client.get(path)
    assert response.status_code == 400
    assert "karakter kendali" in response.text


def test_the_refusal_speaks_english_to_an_english_reader(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/registri/?province=%00")
    assert response.status_code == 400 and "control characters" in response.text


def test_a_nul_byte_in_a_utf16_csv_import_is_refused(staff_client, settings):
    """Before: 500 ("line contains NUL")."""
    event = EventFactory(status=Event.Status.DRAFT)
    AgencyFactory(name="Dinas Pendidikan", regency=event.regency)
    text = "nama,nip,instansi\nRina\x00 Marlina,198503122010012001,Dinas Pendidikan\n"
    upload = SimpleUploadedFile("peserta.csv", text.encode("utf-16"))
    response = staff_client.post(reverse("events:import", args=[event.pk]), {"file": upload})
    assert response.status_code == 400
    assert str(IMPORT_CONTROL_CHARACTERS) in response.text
    assert PendingImport.SESSION_KEY not in staff_client.session
    assert not Attendee.objects.exists()


# --- Withdrawal reason -------------------------------------------------------------------------------------


def test_a_withdrawal_reason_over_the_history_column_is_refused_and_the_pact_stays_valid(staff_client):
    """Before: a reason over 100 characters answered 500 and left the pact valid."""
    pact = PactFactory()
    history = pact.history.count()
    response = staff_client.post(reverse("pledges:withdraw", args=[pact.code]), {"reason": "x" * 101})
    assert response.status_code == 400
    assert "paling panjang 100 karakter" in response.text
    pact.refresh_from_db()
    assert pact.status == Pact.Status.VALID and pact.history.count() == history


def test_the_service_refuses_a_long_reason_on_its_own(staff_user):
    pact = PactFactory()
    with pytest.raises(errors.SigningError):
        pact_withdraw(pact=pact, user=staff_user, reason="x" * 101)
    assert pact_withdraw(pact=pact, user=staff_user, reason="x" * 100).status == Pact.Status.WITHDRAWN


# --- XLSX bomb ---------------------------------------------------------------------------------------------


def _xlsx_bomb(inflated: int) -> bytes:
    """A workbook whose sheet inflates to `inflated` bytes of whitespace (the issue's was 2 GiB in 2 MB)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            chunk = b" " * 1_048_576
            for _mb in range(inflated // len(chunk)):
                sheet.write(chunk)
    return out.getvalue()


@pytest.mark.parametrize("inflated", [64 * 1_048_576, 8 * 1_048_576])
def test_an_xlsx_that_inflates_enormously_is_refused_before_it_is_opened(staff_client, inflated):
    """Before: accepted after 21 s at 2.2 GB of memory. Too big in total, or too dense an entry."""
    event = EventFactory(status=Event.Status.DRAFT)
    bomb = _xlsx_bomb(inflated)
    assert len(bomb) < 2 * 1_048_576
    started = time.process_time()
    response = staff_client.post(
        reverse("events:import", args=[event.pk]), {"file": SimpleUploadedFile("peserta.xlsx", bomb)}
    )
    assert time.process_time() - started < 2
    assert response.status_code == 400
    assert "terlalu besar setelah dibuka" in response.text
    assert PendingImport.SESSION_KEY not in staff_client.session


# --- Truncated PNG signature -------------------------------------------------------------------------------


@pytest.fixture
def weasyprint_loaded(monkeypatch):
    """What importing WeasyPrint does to the whole process."""
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)


def test_a_truncated_png_signature_is_refused_even_with_pillows_flag_on(client, weasyprint_loaded, settings):
    """Before: stored as half a signature."""
    from pledges.attendance import attendance_code

    event = EventFactory()
    attendee = AttendeeFactory(event=event)
    whole = scribble_png(3)
    client.post(
        reverse("pledges:sign", args=[event.code]),
        {"identity_number": attendee.identity_number, "attendance_code": attendance_code(event)},
    )
    for cut in (len(whole) - 20, len(whole) // 2):
        response = client.post(
            reverse("pledges:sign_confirm", args=[event.code]),
            signing_post(signature=png_data_url(whole[:cut])),
        )
        assert response.status_code == 400
        assert str(errors.SIGNATURE_NOT_PNG) in response.text
    assert not Pact.objects.exists() and _media_files(settings) == []


def test_a_png_with_a_corrupted_chunk_or_data_after_its_end_is_refused(weasyprint_loaded):
    from pledges.signatures import signature_from_data_url

    whole = bytearray(scribble_png(4))
    corrupted = bytes(whole[:60]) + bytes([whole[60] ^ 0xFF]) + bytes(whole[61:])
    for data in (corrupted, bytes(whole) + b"<html>"):
        with pytest.raises(errors.SigningError):
            signature_from_data_url(png_data_url(data))
    assert signature_from_data_url(png_data_url(bytes(whole))).size == (600, 200)


# --- Scans -------------------------------------------------------------------------------------------------


def _record_paper(client, event, attendee, name, content):
    return client.post(
        reverse("pledges:paper", args=[event.pk]),
        {"attendees": [attendee.pk], "scan": SimpleUploadedFile(name, content)},
    )


def _jpeg(cut: int = 0) -> bytes:
    out = io.BytesIO()
    Image.new("L", (300, 400), 240).save(out, format="JPEG")
    return out.getvalue()[: -cut or None]


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.4\n<html><script>alert(1)</script></html>",
        b"%PDF-1.7\n" + b"0" * 200,
        scribble_png(1)[:-30],
        _jpeg(cut=200),
    ],
    ids=["pdf-header-then-html", "pdf-header-then-junk", "truncated-png", "truncated-jpeg"],
)
def test_a_scan_is_parsed_not_sniffed(staff_client, settings, weasyprint_loaded, content):
    """Before: `%PDF-1.4\\n<html>…` was stored as a scanned PDF."""
    event = EventFactory(status=Event.Status.CLOSED)
    attendee = AttendeeFactory(event=event)
    response = _record_paper(staff_client, event, attendee, "lembar.pdf", content)
    assert response.status_code == 400
    assert "harus PDF, JPEG atau PNG" in response.text
    assert not PaperSheet.objects.exists() and not Pact.objects.exists() and _media_files(settings) == []


@pytest.mark.parametrize(
    ("name", "content", "suffix"),
    [
        ("lembar.html", blank_pdf(), ".pdf"),
        ("lembar", blank_pdf(), ".pdf"),
        ("../../../etc/lembar.png.html", scribble_png(2), ".png"),
        ("foto.pdf", _jpeg(), ".jpg"),
    ],
)
def test_a_scan_is_stored_under_a_random_name_with_the_extension_of_its_parsed_kind(
    staff_client, settings, name, content, suffix
):
    """Before: a file named `.html` kept no extension, and the name's extension was believed."""
    event = EventFactory(status=Event.Status.CLOSED)
    attendee = AttendeeFactory(event=event)
    assert _record_paper(staff_client, event, attendee, name, content).status_code == 302
    stored = PaperSheet.objects.get().file.name
    assert stored.startswith("sheets/") and stored.endswith(suffix) and ".." not in stored
    assert "etc" not in stored and "html" not in stored


# --- The PDF fetcher ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/media/signatures/../sheets/scan.png",
        "/media/signatures/..%2fsheets/scan.png",
        "/media/signatures/./../sheets/scan.png",
        "/media/signatures//scan.png",
        "/media/witnesses/..\\sheets\\scan.png",
    ],
)
def test_the_pdf_fetcher_refuses_a_walk_out_of_the_signature_folder(settings, path):
    """Before: `signatures/../sheets/` was followed and the scan read."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    settings.SITE_URL = "http://127.0.0.1:8000"
    default_storage.save("sheets/scan.png", ContentFile(scribble_png(5)))
    with pytest.raises(AssetRefused):
        AssetFetcher(asset_roots()).fetch(f"http://127.0.0.1:8000{path}")


# --- Formulas ----------------------------------------------------------------------------------------------


def test_the_public_csv_neutralises_formulas(client):
    """Before: written raw, so a walk-in named =HYPERLINK("http://…") became a live link in Excel."""
    PactFactory(signer_name='=HYPERLINK("http://evil.example/","klik")', signer_position="Staf;@SUM(A1)")
    response = client.get(reverse("pledges:registry_csv"))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["name"] == '\'=HYPERLINK("http://evil.example/","klik")'
    assert rows[0]["position"] == "Staf;'@SUM(A1)"


def test_the_staff_export_neutralises_formulas_after_a_separator(staff_client):
    """Before: only the first character was checked, so `Budi;=1+1` was a formula in a `;`-separated Excel."""
    event = EventFactory()
    AttendeeFactory(event=event, full_name="Budi;=1+1", position="Staf, -2+3")
    csv_text = staff_client.get(reverse("events:export", args=[event.pk, "csv"])).content.decode("utf-8-sig")
    assert "Budi;'=1+1" in csv_text and "Staf, '-2+3" in csv_text
    for line in csv_text.splitlines():
        for separator in (",", ";"):
            assert not any(cell.strip().startswith(("=", "+", "-", "@")) for cell in line.split(separator))
    xlsx = staff_client.get(reverse("events:export", args=[event.pk, "xlsx"])).content
    sheet = load_workbook(io.BytesIO(xlsx)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row if cell.value]
    assert "Budi;'=1+1" in values
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("a|@x", "a|'@x"),
        ("a\t+1", "a\t'+1"),
        ("a\n-1", "a\n'-1"),
        ("x;  =1", "x;  '=1"),
        ("\tx", "'\tx"),
        ("Rina\x00\x07 Marlina", "Rina Marlina"),
        ("Dr. Siti, S.Sos.", "Dr. Siti, S.Sos."),
        ("2024-11-27 10:00", "2024-11-27 10:00"),
        (None, ""),
    ],
)
def test_every_cell_is_neutralised_cell_by_cell(value, safe):
    assert neutralise(value) == safe


# --- Statuses ------------------------------------------------------------------------------------------------


def test_a_refused_signature_answers_400_not_200(staff_client):
    """Before: refusals of a signature answered 200."""
    event = EventFactory()
    attendee = AttendeeFactory(event=event)
    response = staff_client.post(
        reverse("pledges:kiosk_sign", args=[event.pk, attendee.pk]),
        signing_post(signature="data:image/png;base64,AAAA"),
    )
    assert response.status_code == 400
    assert not Pact.objects.exists()
    assert (
        staff_client.post(
            reverse("pledges:kiosk_sign", args=[event.pk, attendee.pk]), signing_post()
        ).status_code
        == 302
    )


# --- Error pages ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_error_pages_are_styled_in_both_languages(client, settings, language):
    from django.test import Client

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    not_found = client.get("/pakta/TIDAKADA00/")
    assert not_found.status_code == 404 and "site.css" in not_found.text
    expected = {"id": "Halaman tidak ditemukan", "en": "Page not found"}[language]
    assert expected in not_found.text
    csrf = Client(enforce_csrf_checks=True)
    csrf.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    refused = csrf.post(reverse("login"), {"username": "x", "password": "y"})
    assert refused.status_code == 403 and "site.css" in refused.text
    assert {"id": "Formulir ini tidak dapat diterima", "en": "This form cannot be accepted"}[
        language
    ] in refused.text


def test_the_500_page_renders_without_a_request_context(settings):
    from django.test import RequestFactory
    from django.utils import translation

    from neutrality.views import server_error

    settings.TEMPLATES[0]["OPTIONS"]["context_processors"] = ["no.such.processor"]  # would fail if used
    for language, heading in (("id", "Terjadi kesalahan di server"), ("en", "A server error occurred")):
        with translation.override(language):
            response = server_error(RequestFactory().get("/registri/"))
        assert response.status_code == 500
        assert heading in response.content.decode() and "site.css" in response.content.decode()


def test_a_view_that_crashes_gets_the_styled_500_page(client, monkeypatch):
    from pledges.views import registry

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(registry, "coverage_cached", broken)
    client.raise_request_exception = False
    response = client.get(reverse("pledges:coverage"))
    assert response.status_code == 500 and "Terjadi kesalahan di server" in response.text


@pytest.mark.parametrize(("template", "status"), [("400.html", 400), ("403.html", 403), ("429.html", 429)])
def test_the_other_error_templates_extend_the_site(client, template, status):
    from django.template.loader import render_to_string

    page = render_to_string(template)
    assert "site.css" in page and str(status) in page
