import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_home_page_shows_the_site_title_in_chromium(live_server, page: Page):
    page.goto(live_server.url)
    expect(page.locator("h1")).to_contain_text("Registri Pakta Integritas Netralitas ASN")
    expect(page.locator(".navbar-brand")).to_have_text("Netralitas")
