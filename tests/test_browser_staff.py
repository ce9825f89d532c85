"""A staff member's whole preparation in Chromium: sign in, create an event, import a list, open signing."""

import pytest
from playwright.sync_api import Page, expect

from events.models import Agency, Event
from pledges.services import declaration_default
from tests.factories import AgencyFactory, BawasluStaffFactory, ElectionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIST = (
    "Daftar Hadir Sosialisasi Netralitas ASN;;;\n"
    "Nama;NIP;Jabatan;Instansi/OPD\n"
    "Rina Marlina, S.Pd.;198503122010012001;Kepala Bidang;Dinas Pendidikan\n"
    "Yusuf Hidayat, S.Kom.;199002252024211013;Pranata Komputer;Dinas Pendidikan\n"
    "Angka Rusak;1,98503122010011E+17;Staf;Dinas Pendidikan\n"
)


def test_staff_prepare_an_event_and_open_signing(live_server, page: Page, tmp_path):
    staff = BawasluStaffFactory()
    AgencyFactory(name="Bawaslu Kabupaten Ogan Komering Ulu", kind=Agency.Kind.BAWASLU)
    AgencyFactory(name="Dinas Pendidikan")
    ElectionFactory()
    declaration_default()
    list_file = tmp_path / "peserta.csv"
    list_file.write_bytes(LIST.encode("cp1252"))

    page.goto(live_server.url + "/masuk/")
    page.fill("input[name=username]", staff.username)
    page.fill("input[name=password]", "rahasia-123")
    page.locator("main button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Area staf")

    page.get_by_role("link", name="Kegiatan baru").click()
    page.fill("#id_title", "Sosialisasi Netralitas ASN Kecamatan")
    page.select_option("#id_election", label="Pilkada Serentak 2024")
    page.fill("#id_venue", "Aula Kecamatan Baturaja Timur")
    page.fill("#id_starts_at", "2026-12-01T08:00")
    page.fill("#id_ends_at", "2026-12-01T11:00")
    page.select_option("#id_declaration", index=1)
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator("h1")).to_have_text("Sosialisasi Netralitas ASN Kecamatan")

    page.get_by_role("link", name="Impor CSV/XLSX").click()
    page.set_input_files("#id_file", str(list_file))
    page.get_by_role("button", name="Periksa berkas").click()
    expect(page.locator("h1")).to_have_text("Pratinjau impor")
    expect(page.locator("tbody tr")).to_have_count(3)
    expect(page.locator("tbody tr.table-danger")).to_contain_text("NIP rusak oleh Excel")
    page.get_by_role("button", name="Impor baris yang dicentang").click()
    expect(page.locator(".alert-success")).to_contain_text("2 peserta diimpor")
    expect(page.get_by_text("Yusuf Hidayat, S.Kom.")).to_be_visible()

    page.get_by_role("button", name="Buka penandatanganan").click()
    expect(page.locator(".alert-success")).to_contain_text("Penandatanganan dibuka.")
    event = Event.objects.get(title="Sosialisasi Netralitas ASN Kecamatan")
    assert event.status == Event.Status.OPEN
    assert event.attendees.count() == 2
