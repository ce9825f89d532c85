"""The browser's own check of a pact against the public log (WebCrypto in Chromium): it passes on a real pact
page and fails, in plain words, when the record was changed behind the log's back."""

import pytest
from playwright.sync_api import Page, expect

from pledges.models import Pact
from pledges.transparency.services import log_enqueue, log_sequence_all
from tests.factories import EventFactory, PactFactory, UserFactory
from tests.test_transparency_verify import owner_rights

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def logged(*pacts):
    for pact in pacts:
        log_enqueue(pact=pact, kind="pact")
    log_sequence_all()


def test_the_pact_page_checks_the_log_and_says_what_it_checked(live_server, page: Page):
    event = EventFactory()
    others = [PactFactory(attendee__event=event) for _ in range(4)]
    pact = PactFactory(attendee__event=event, attendee__full_name="Dr. Siti Aminah, S.Sos., M.Si.")
    logged(*others, pact)

    page.goto(f"{live_server.url}{pact.get_absolute_url()}")
    check = page.locator("#log-check")
    expect(check).to_have_attribute("data-result", "verified")
    expect(check).to_contain_text("Tercatat di log publik sebagai entri 4 dari 5.")
    expect(check).to_contain_text("tanda tangan Ed25519-nya sah")
    expect(check).to_contain_text("entri 4 termasuk dalam pohon 5 entri")
    expect(check).to_contain_text("sama dengan yang tercatat di log")
    expect(check).to_contain_text("Terverifikasi di peramban ini.")


def test_the_check_fails_when_the_name_was_edited_in_the_database(live_server, page: Page):
    pact = PactFactory(attendee__full_name="Dr. Siti Aminah, S.Sos., M.Si.")
    logged(pact)
    Pact.objects.filter(pk=pact.pk).update(signer_name="Orang Lain")

    page.goto(f"{live_server.url}{pact.get_absolute_url()}")
    check = page.locator("#log-check")
    expect(check).to_have_attribute("data-result", "failed")
    expect(check).to_contain_text("Pemeriksaan GAGAL")
    expect(check).to_contain_text("menampilkan nama yang berbeda dari yang tercatat di log")


def test_the_check_fails_on_a_tampered_leaf(live_server, page: Page):
    event = EventFactory()
    pacts = [PactFactory(attendee__event=event) for _ in range(3)]
    logged(*pacts)
    with owner_rights() as cursor:
        cursor.execute(
            'UPDATE transparency_logentry SET leaf = %s WHERE "index" = 1',
            [bytes(pacts[1].log_entries.get().leaf).replace(b'"method":"paper"', b'"method":"drawn"')],
        )

    page.goto(f"{live_server.url}{pacts[1].get_absolute_url()}")
    check = page.locator("#log-check")
    expect(check).to_have_attribute("data-result", "failed")
    expect(check).to_contain_text("Bukti inklusi entri 1 tidak cocok dengan checkpoint yang ditandatangani.")


def test_the_verify_answer_checks_a_pact_of_a_non_public_event_by_its_code_hash(live_server, page: Page):
    pact = PactFactory(attendee__event=EventFactory(is_public=False))
    logged(pact)
    from pledges.services import pact_withdraw

    pact_withdraw(pact=pact, user=UserFactory(), reason="Salah orang.")
    page.goto(f"{live_server.url}/verifikasi/{pact.code}/")
    check = page.locator("#log-check")
    expect(check).to_have_attribute("data-result", "verified")
    expect(check).to_contain_text("log hanya memuat sidik kode pakta, tanpa nama, dan sidik itu cocok")
    expect(check).to_contain_text("Penarikannya tercatat sebagai entri 1.")


def test_a_pact_not_yet_sequenced_is_being_recorded(live_server, page: Page, settings):
    settings.LOG_SEQUENCE_ON_COMMIT = False
    pact = PactFactory()
    log_enqueue(pact=pact, kind="pact")
    page.goto(f"{live_server.url}{pact.get_absolute_url()}")
    expect(page.locator("#log-check")).to_contain_text("Sedang dicatat di log publik")
