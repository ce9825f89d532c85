"""In Chromium: a staff sign-in with the TOTP step, and pages that run under the Content-Security-Policy
without a single violation (every script and handler lives in static/js)."""

import base64

import pytest
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from events.models import Event, Regency
from events.services import regions_load
from pledges.services import pact_sign
from tests.factories import (
    AttendeeFactory,
    BawasluStaffFactory,
    EventFactory,
    InvitationFactory,
    UserFactory,
    signature_data_url,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _regions():
    if not Regency.objects.exists():  # an earlier transactional test flushed the migration's regions
        regions_load()


@pytest.fixture
def csp_violations(page: Page):
    """Chromium reports every blocked inline script, handler or style on the console."""
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


def _sign_in(page: Page, base: str, username: str) -> None:
    page.goto(base + "/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "rahasia-123")
    page.locator("main button[type=submit]").click()


def _code(secret: str, steps_ahead: int = 0) -> str:
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return str(totp(key, drift=steps_ahead)).zfill(6)


def test_staff_sign_in_with_an_authenticator_app(live_server, page: Page, settings, csp_violations):
    settings.OTP_REQUIRED = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp makes a second try after a wrong code wait a second
    staff = BawasluStaffFactory()

    # First sign-in: the password leads to enrolling an authenticator app, with a QR code and its secret.
    _sign_in(page, live_server.url, staff.username)
    expect(page.locator("h1")).to_have_text("Pasang aplikasi autentikator")
    expect(page.locator(".enrol-qr svg")).to_be_visible()
    secret = page.locator("[data-totp-secret]").inner_text()
    page.fill("input[name=token]", _code(secret))
    page.get_by_role("button", name="Konfirmasi").click()
    expect(page.locator("h1")).to_have_text("Area staf")

    # Next sign-in: password, then the code of the moment (a code is accepted once: take the next step's).
    page.locator("nav button", has_text="Keluar").click()
    _sign_in(page, live_server.url, staff.username)
    expect(page.locator("h1")).to_have_text("Kode autentikator")
    page.fill("input[name=token]", "000000" if _code(secret, 1) != "000000" else "111111")
    page.locator("main button[type=submit]").click()
    expect(page.locator(".invalid-feedback, .alert-danger").first).to_contain_text("Kode salah")
    page.fill("input[name=token]", _code(secret, 1))
    page.locator("main button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Area staf")
    assert csp_violations == []


def test_pages_run_under_the_csp_without_violations(live_server, page: Page, csp_violations):
    staff = BawasluStaffFactory()
    event = EventFactory(title="Apel Netralitas")
    invitation = InvitationFactory(event=event)
    attendee = AttendeeFactory(event=event, agency=invitation.agency)
    AttendeeFactory(event=event, agency=invitation.agency)
    pact = pact_sign(attendee=attendee, signature_data_url=signature_data_url())
    admin = UserFactory(is_superuser=True, is_staff=True)

    public = ["/", "/registri/", "/cakupan/?province=16", "/verifikasi/", f"/pakta/{pact.code}/"]
    public += [f"/tandatangan/{event.code}/"]
    for path in public:
        assert page.goto(live_server.url + path).ok, path

    # The language switch submits itself from static/js/site.js.
    page.goto(live_server.url + "/registri/")
    page.select_option("select[name=language]", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.select_option("select[name=language]", "id")
    expect(page.locator("html")).to_have_attribute("lang", "id")

    # The coverage charts draw (Chart.js from a static file, its data from json_script).
    page.goto(live_server.url + "/cakupan/")
    expect(page.locator("canvas[data-chart]").first).to_be_visible()

    _sign_in(page, live_server.url, staff.username)
    for path in [
        "/staf/",
        "/staf/kegiatan/",
        f"/staf/kegiatan/{event.pk}/",
        f"/proyektor/{event.pk}/",
        f"/kiosk/{event.pk}/",
        "/akun/kata-sandi/",
        f"/kiosk/{event.pk}/peserta/{attendee.pk + 1}/",
    ]:
        assert page.goto(live_server.url + path).ok, path
    expect(page.locator("canvas")).to_be_visible()  # the signature pad started

    # Closing signing asks first, from a data-confirm attribute instead of an onsubmit handler.
    page.goto(live_server.url + f"/staf/kegiatan/{event.pk}/")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Tutup penandatanganan").click()
    event.refresh_from_db()
    assert event.status == Event.Status.OPEN
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Tutup penandatanganan").click()
    expect(page.locator(".alert-success")).to_be_visible()
    event.refresh_from_db()
    assert event.status == Event.Status.CLOSED

    page.locator("nav button", has_text="Keluar").click()
    _sign_in(page, live_server.url, admin.username)
    for path in ["/admin/", "/admin/auth/user/", f"/admin/auth/user/{staff.pk}/change/"]:
        assert page.goto(live_server.url + path).ok, path
    assert csp_violations == []
