"""The offline kiosk in Chromium: signing with no network, a reload with no network, and the sync after."""

import json
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from events.models import Event, Regency
from events.services import regions_load
from pledges.models import OfflineSignature, Pact
from tests.factories import AttendeeFactory, BawasluStaffFactory, EventFactory, PactFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NAMES = ["Rina Marlina", "Bambang Supriadi", "Siti Aminah", "Yusuf Hamdani", "Dewi Lestari"]


@pytest.fixture(autouse=True)
def _regions():
    if not Regency.objects.exists():
        regions_load()


@pytest.fixture
def event():
    event = EventFactory()
    for name in NAMES:
        AttendeeFactory(event=event, full_name=name)
    return event


@pytest.fixture
def staff(event):
    return BawasluStaffFactory(membership__regency=event.regency, membership__province=event.province)


@pytest.fixture(autouse=True)
def _close_tablets(browser):
    """Each tablet's context polls the server every 20 s: close them all when the test ends."""
    yield
    for context in browser.contexts:
        context.close()


def open_kiosk(browser: Browser, live_server, staff, event) -> Page:
    """A tablet: its own browser context, signed in, the offline kiosk opened once with the network up."""
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    page.goto(live_server.url + "/masuk/")
    page.fill("input[name=username]", staff.username)
    page.fill("input[name=password]", "rahasia-123")
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/staf/**")
    page.goto(f"{live_server.url}/kiosk/{event.pk}/luring/")
    expect(page.locator("[data-kiosk-ready]")).to_be_attached(timeout=15_000)
    return page


def draw(page: Page) -> None:
    box = page.locator("[data-signature-canvas]").bounding_box()
    left, top = box["x"] + 30, box["y"] + box["height"] / 2
    page.mouse.move(left, top)
    page.mouse.down()
    for step in range(1, 13):
        page.mouse.move(left + step * (box["width"] - 60) / 12, top + (35 if step % 2 else -35), steps=2)
    page.mouse.up()


def sign(page: Page, name: str) -> str:
    """Find the name, draw, agree; returns the code the kiosk showed the signer."""
    page.fill("[data-search-input]", name.split()[0])
    page.get_by_role("button", name=name).click()
    draw(page)
    page.locator("[data-signature-submit]").click()
    code = page.locator("[data-pact-code]")
    expect(code).to_have_text(re.compile(r"^[2-9A-Z]{10}$"))
    text = code.inner_text()
    page.locator("[data-next]").click()
    return text


def test_five_people_sign_offline_survive_a_reload_and_arrive_once(browser, live_server, staff, event):
    page = open_kiosk(browser, live_server, staff, event)
    page.context.set_offline(True)
    codes = [sign(page, name) for name in NAMES]
    expect(page.locator("[data-queue-count]")).to_have_text("5")
    assert not Pact.objects.exists()

    page.reload()  # the tablet's browser restarted with no network: the worker serves the page
    expect(page.locator("[data-queue-count]")).to_have_text("5")
    expect(page.locator("[data-net-state]")).to_have_text("Luring")

    page.context.set_offline(False)
    page.locator("[data-sync-now]").click()
    expect(page.locator("[data-queue-count]")).to_have_text("0", timeout=30_000)
    expect(page.locator("[data-verdict=accepted]")).to_have_count(5)
    assert sorted(Pact.objects.values_list("code", flat=True)) == sorted(codes)
    assert Pact.objects.values("attendee").distinct().count() == 5
    assert OfflineSignature.objects.filter(verdict="accepted").count() == 5


def test_a_sync_cut_in_the_middle_loses_and_doubles_nothing(browser, live_server, staff, event):
    page = open_kiosk(browser, live_server, staff, event)
    page.context.set_offline(True)
    for name in NAMES:
        sign(page, name)
    sent = []

    def lose_the_third_answer(route):
        sent.append(route.request.post_data)
        if len(sent) == 3:
            route.fetch()  # the server records it, but the answer never reaches the tablet
            route.abort()
        else:
            route.continue_()

    page.route("**/luring/kirim/", lose_the_third_answer)
    page.context.set_offline(False)
    page.locator("[data-sync-now]").click()
    # The kiosk sends the third signature again (its answer was lost) and the server gives the same verdict.
    page.locator("[data-sync-now]").click()
    expect(page.locator("[data-queue-count]")).to_have_text("0", timeout=30_000)
    keys = [json.loads(body)["key"] for body in sent]
    assert len(keys) > len(set(keys)) == 5  # one signature went twice
    assert Pact.objects.count() == 5 and OfflineSignature.objects.count() == 5


def test_the_same_person_signed_offline_on_two_kiosks_gets_one_pact(browser, live_server, staff, event):
    first = open_kiosk(browser, live_server, staff, event)
    second = open_kiosk(browser, live_server, staff, event)
    for page in (first, second):
        page.context.set_offline(True)
        sign(page, "Siti Aminah")
    for page in (first, second):
        page.context.set_offline(False)
        page.locator("[data-sync-now]").click()
        expect(page.locator("[data-queue-count]")).to_have_text("0", timeout=30_000)
    expect(first.locator("[data-verdict=accepted]")).to_have_count(1)
    expect(second.locator("[data-verdict=refused]")).to_contain_text("sudah menandatangani")
    assert Pact.objects.count() == 1


def test_signatures_taken_after_the_event_closed_are_refused_with_the_reason(
    browser, live_server, staff, event
):
    page = open_kiosk(browser, live_server, staff, event)
    page.context.set_offline(True)
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CLOSED, signing_closed_at=timezone.now())
    sign(page, "Dewi Lestari")
    page.context.set_offline(False)
    page.locator("[data-sync-now]").click()
    expect(page.locator("[data-verdict=refused]")).to_contain_text("ditutup sebelum tanda tangan ini diambil")
    assert not Pact.objects.exists()
    expect(page.locator("[data-kiosk-message]")).to_contain_text("ditutup")  # and the list is gone
    expect(page.locator("[data-search-input]")).to_be_disabled()


def test_someone_who_signed_elsewhere_shows_as_signed_after_a_refresh(browser, live_server, staff, event):
    PactFactory(attendee=event.attendees.get(full_name="Yusuf Hamdani"))
    page = open_kiosk(browser, live_server, staff, event)
    page.fill("[data-search-input]", "Yusuf")
    expect(page.locator("[data-results]")).to_contain_text("Sudah menandatangani")
    expect(page.get_by_role("button", name="Yusuf Hamdani")).to_have_count(0)


def test_a_2000_person_kiosk_opens_from_its_cache_on_a_slow_line(browser, live_server, staff, event):
    """Functional only: bench/kiosk_offline.py measures how soon (a timed test would be flaky)."""
    from events.models import Attendee, random_code

    Attendee.objects.bulk_create(
        Attendee(
            event=event,
            full_name=f"Peserta {n:04d}",
            identity_kind="other",
            agency=event.organiser,
            personal_code=random_code(8),
        )
        for n in range(2_000)
    )
    page = open_kiosk(browser, live_server, staff, event)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 2000, "downloadThroughput": 50_000, "uploadThroughput": 50_000},
    )
    page.reload(wait_until="commit")
    page.fill("[data-search-input]", "Peserta 1999")
    expect(page.get_by_role("button", name="Peserta 1999")).to_be_visible()
