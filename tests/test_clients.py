"""The client's address behind reverse proxies (neutrality.clients.client_ip) and where it is used."""

import secrets

import pytest
from django.core.checks import run_checks
from django.test import RequestFactory
from django.urls import reverse

from neutrality.clients import client_ip
from pledges import throttle
from pledges.clientdata import address_hash
from pledges.models import Pact
from tests.factories import AttendeeFactory, EventFactory, signature_data_url

PROXY = "10.0.0.5"


def _ip(remote="203.0.113.7", forwarded=None) -> str:
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **headers))


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY, "192.168.100.0/24", "2001:db8::/32"]


def test_it_is_the_connection_address_without_trusted_proxies(settings):
    settings.TRUSTED_PROXIES = []
    assert _ip("203.0.113.7", forwarded="198.51.100.1") == "203.0.113.7"


def test_it_ignores_a_forwarded_header_from_an_untrusted_address(behind_proxy):
    assert _ip("203.0.113.7", forwarded="198.51.100.1") == "203.0.113.7"


def test_it_takes_the_forwarded_address_from_a_trusted_proxy(behind_proxy):
    assert _ip(PROXY, forwarded="198.51.100.1") == "198.51.100.1"


def test_it_takes_the_nearest_untrusted_entry_not_a_forged_left_one(behind_proxy):
    # The client wrote "1.1.1.1"; the proxy appended the address it really saw.
    assert _ip(PROXY, forwarded="1.1.1.1, 198.51.100.1") == "198.51.100.1"


def test_it_walks_back_through_a_chain_of_trusted_proxies(behind_proxy):
    assert _ip(PROXY, forwarded="1.1.1.1, 198.51.100.1, 192.168.100.20") == "198.51.100.1"


def test_it_stops_at_garbage_and_keeps_the_last_proxy(behind_proxy):
    assert _ip(PROXY, forwarded="198.51.100.1, not-an-address, 192.168.100.20") == "192.168.100.20"


def test_it_is_the_proxy_when_the_header_is_missing_or_empty(behind_proxy):
    assert _ip(PROXY) == PROXY
    assert _ip(PROXY, forwarded="") == PROXY


def test_it_is_the_furthest_proxy_when_every_entry_is_trusted(behind_proxy):
    assert _ip(PROXY, forwarded="192.168.100.9, 192.168.100.20") == "192.168.100.9"


def test_it_reads_ports_brackets_ipv6_and_mapped_ipv4(behind_proxy):
    assert _ip(PROXY, forwarded="198.51.100.1:51234") == "198.51.100.1"
    assert _ip(PROXY, forwarded="[2a00:1450::1]:443") == "2a00:1450::1"
    assert _ip("2001:db8::10", forwarded="2a00:1450::1") == "2a00:1450::1"
    assert _ip(f"::ffff:{PROXY}", forwarded="198.51.100.1") == "198.51.100.1"


def test_it_is_empty_for_an_unknown_connection(behind_proxy):
    assert _ip("", forwarded="198.51.100.1") == ""


def test_an_invalid_trusted_proxy_is_a_system_check_error(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "proxy.example"]
    assert [error.id for error in run_checks() if error.id.startswith("neutrality.")] == ["neutrality.E001"]


def _verify(client, **headers):
    return client.get(reverse("pledges:verify"), {"code": "2345678923"}, **headers)


@pytest.mark.django_db
def test_verification_limits_each_client_behind_the_proxy_not_the_proxy(client, settings, monkeypatch):
    settings.TRUSTED_PROXIES = [PROXY]
    settings.VERIFY_RATE_LIMIT = 2
    monkeypatch.setattr(throttle, "_clock", lambda: 1_800_000_030.0)
    first = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.1"}
    assert [_verify(client, **first).status_code for _ in range(3)] == [200, 200, 429]
    assert _verify(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 200


@pytest.mark.django_db
def test_a_forged_forwarded_header_does_not_escape_the_limit(client, settings, monkeypatch):
    settings.TRUSTED_PROXIES = [PROXY]
    settings.VERIFY_RATE_LIMIT = 2
    monkeypatch.setattr(throttle, "_clock", lambda: 1_800_000_030.0)
    statuses = [
        _verify(client, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(3)
    ]
    # Through the proxy, the client's own entry is the right-most: a forged one to its left changes nothing.
    through_proxy = [
        _verify(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.8").status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]
    assert through_proxy == [200, 200, 429]


@pytest.mark.django_db
def test_a_pact_records_the_client_behind_the_proxy(staff_client, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    event = EventFactory()
    attendee = AttendeeFactory(event=event)
    staff_client.post(
        reverse("pledges:kiosk_sign", args=[event.pk, attendee.pk]),
        {"signature": signature_data_url(), "idempotency_key": secrets.token_hex(16)},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="1.1.1.1, 198.51.100.23",
    )
    # The pact keeps a keyed hash of the address, never the address itself.
    assert Pact.objects.get().client_address_hmac == address_hash("198.51.100.23")
