import pytest
from playwright.sync_api import Page, expect

from tests.factories import AgencyFactory, EventFactory, PactFactory, regency

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_filters_by_regency_opens_a_pact_and_verifies_its_code(live_server, page: Page):
    oku = PactFactory(attendee__full_name="Dr. Siti Aminah, S.Sos., M.Si.")
    PactFactory(attendee__full_name="Bambang Supriadi, S.K.M.", attendee__event=oku.event)
    bandung = regency("32.04")
    PactFactory(
        attendee__full_name="Rina Marlina, S.Pd.",
        attendee__event=EventFactory(regency=bandung),
        attendee__agency=AgencyFactory(regency=bandung),
    )

    page.goto(live_server.url)
    page.get_by_role("navigation").get_by_role("link", name="Registri").click()
    expect(page.locator("#registry-table tbody tr")).to_have_count(3)

    page.get_by_label("Provinsi").select_option(label="Sumatera Selatan")
    page.get_by_label("Kabupaten/kota").select_option(label="Kabupaten Ogan Komering Ulu")
    expect(page.locator("#registry-table tbody tr")).to_have_count(2)
    expect(page.locator("#registry-table")).not_to_contain_text("Rina Marlina")

    page.get_by_role("link", name="Dr. Siti Aminah, S.Sos., M.Si.").click()
    expect(page.locator('[data-status="valid"]')).to_be_visible()
    expect(page.locator("#signer")).to_contain_text(f"************** {oku.signer_identity_number[-4:]}")
    expect(page.locator("body")).not_to_contain_text(oku.signer_identity_number)

    typed = f"{oku.code[:5].lower()}-{oku.code[5:]}"
    page.get_by_role("navigation").get_by_role("link", name="Verifikasi").click()
    page.get_by_label("Kode verifikasi").fill(typed)
    page.get_by_role("button", name="Periksa", exact=True).click()
    expect(page.locator('[data-answer="genuine"]')).to_contain_text("Dr. Siti Aminah, S.Sos., M.Si.")

    page.get_by_label("Kode verifikasi").fill("2345678923")
    page.get_by_role("button", name="Periksa", exact=True).click()
    expect(page.locator('[data-answer="unknown"]')).to_contain_text("Tidak ada pakta dengan kode ini")
