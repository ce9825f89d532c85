"""An attendee signs at the kiosk in Chromium: find the name, draw with the mouse, confirm."""

import io

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from events.models import Regency
from events.services import regions_load
from pledges.models import Pact
from tests.factories import AttendeeFactory, BawasluStaffFactory, EventFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _regions():
    if not Regency.objects.exists():  # an earlier transactional test flushed the migration's regions
        regions_load()


def _draw(page: Page, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    left, top = box["x"] + 30, box["y"] + box["height"] / 2
    page.mouse.move(left, top)
    page.mouse.down()
    for step in range(1, 13):
        x = left + step * (box["width"] - 60) / 12
        y = top + (35 if step % 2 else -35)
        page.mouse.move(x, y, steps=2)
    page.mouse.up()


def test_an_attendee_signs_at_the_kiosk_with_the_mouse(live_server, page: Page):
    staff = BawasluStaffFactory()
    event = EventFactory()
    AttendeeFactory(event=event, full_name="Rina Marlina, S.Pd.", identity_number="198503122010012001")
    AttendeeFactory(event=event, full_name="Bambang Supriadi")

    page.goto(live_server.url + "/masuk/")
    page.fill("input[name=username]", staff.username)
    page.fill("input[name=password]", "rahasia-123")
    page.locator("main button[type=submit]").click()

    page.goto(f"{live_server.url}/kiosk/{event.pk}/")
    page.fill("input[name=q]", "2001")
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Rina Marlina").click()

    expect(page.locator("form[data-signature-ready]")).to_be_attached()  # the pad is listening
    submit = page.locator("[data-signature-submit]")
    expect(submit).to_be_disabled()  # an empty pad cannot be sent
    _draw(page, "[data-signature-canvas]")
    expect(submit).to_be_enabled()
    page.locator("[data-signature-clear]").click()
    expect(submit).to_be_disabled()
    _draw(page, "[data-signature-canvas]")
    submit.click()

    expect(page.locator("h1")).to_contain_text("Terima kasih, Rina Marlina")
    pact = Pact.objects.get()
    expect(page.locator("[data-pact-code]")).to_have_text(pact.code)
    assert pact.method == Pact.Method.DRAWN and pact.collected_by == staff
    with pact.signature.open("rb") as handle:
        drawn = Image.open(io.BytesIO(handle.read()))
    assert drawn.getbbox() is not None  # the strokes made it into the image

    page.get_by_role("link", name="Peserta berikutnya").click()
    expect(page.locator("input[name=q]")).to_be_focused()
