"""How soon the offline kiosk of a 2,000-attendee event is usable on Chromium's "Slow 3G" profile (prints figures).

Usable means: the search box answers a name from the attendee list. Two cases: a tablet that opened the kiosk
once before (the service worker and IndexedDB hold the page and the list: the case the README describes for a
venue), and a tablet's very first visit over the slow line. Runs a throw-away SQLite database and a local
server on a free loopback port: `SECRET_KEY=bench .venv/bin/python bench/kiosk_offline.py`.
"""

import os
import tempfile
import time

from benchsetup import django_setup

os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="netralitas-bench-media-")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop runs in this thread
os.environ.setdefault("DEBUG", "1")  # static files from the finders, as in the tests: no collectstatic needed
django_setup("kiosk-offline")

from django.contrib.staticfiles.handlers import StaticFilesHandler  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test.testcases import LiveServerThread  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

ATTENDEES = 2_000
# Chromium DevTools' "Slow 3G": 2 s round trip, 50 kB/s each way.
SLOW_3G = {"offline": False, "latency": 2000, "downloadThroughput": 50_000, "uploadThroughput": 50_000}


def seed():
    from events.models import Attendee, random_code
    from tests.factories import AgencyFactory, BawasluStaffFactory, EventFactory

    event = EventFactory()
    agency = AgencyFactory(regency=event.regency)
    Attendee.objects.bulk_create(
        Attendee(
            event=event,
            full_name=f"Peserta Nomor {n:04d}",
            identity_kind="other",
            position="Analis",
            agency=agency,
            personal_code=random_code(8),
        )
        for n in range(ATTENDEES)
    )
    staff = BawasluStaffFactory(membership__regency=event.regency, membership__province=event.province)
    return event, staff


def time_to_usable(page, url) -> float:
    started = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=120_000)
    page.locator("[data-search-input]:enabled").wait_for(timeout=120_000)
    page.fill("[data-search-input]", "Nomor 1999")
    page.get_by_role("button", name="Peserta Nomor 1999").wait_for(timeout=120_000)
    return time.perf_counter() - started


def main():
    call_command("migrate", verbosity=0)
    event, staff = seed()
    server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    base = f"http://127.0.0.1:{server.port}"
    kiosk = f"{base}/kiosk/{event.pk}/luring/"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for case in ("first visit", "opened once before"):
            context = browser.new_context()
            page = context.new_page()
            page.goto(base + "/masuk/")
            page.fill("input[name=username]", staff.username)
            page.fill("input[name=password]", "rahasia-123")
            page.locator("main button[type=submit]").click()
            page.wait_for_url("**/staf/**")
            if case == "opened once before":
                page.goto(kiosk)
                page.locator("[data-kiosk-ready]").wait_for(state="attached", timeout=60_000)
                page.goto(base + "/")
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", SLOW_3G)
            seconds = time_to_usable(page, kiosk)
            print(f"kiosk of {ATTENDEES:,} attendees on Slow 3G, {case:>18}: usable after {seconds:5.2f} s")
            context.close()
        browser.close()
    server.terminate()


if __name__ == "__main__":
    main()
