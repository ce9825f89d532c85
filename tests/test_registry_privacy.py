"""No public page or export shows more of a signer than the README promises (UU 27/2022)."""

import pytest
from django.urls import reverse

from pledges.clientdata import address_hash, user_agent_hash
from tests.factories import AttendeeFactory, PactFactory

pytestmark = pytest.mark.django_db

PHONE, EMAIL, IP, AGENT = (
    "081234567890",
    "siti.aminah@example.org",
    "10.1.2.3",
    "Mozilla/5.0 (RahasiaPeramban)",
)


@pytest.fixture
def pact():
    attendee = AttendeeFactory(phone=PHONE, email=EMAIL, full_name="Siti Aminah, S.Sos.")
    return PactFactory(
        attendee=attendee,
        client_address_hmac=address_hash(IP),
        client_agent_hmac=user_agent_hash(AGENT),
        method="drawn",
        withdrawal_reason="",
    )


def public_urls(pact) -> list[str]:
    return [
        reverse("home"),
        reverse("pledges:registry"),
        f"{reverse('pledges:registry')}?regency=16.01&agency={pact.agency_id}&q=siti",
        pact.get_absolute_url(),
        f"{reverse('pledges:verify')}?code={pact.code}",
        reverse("pledges:verify_code", args=[pact.code]),
        reverse("pledges:coverage"),
        reverse("pledges:registry_csv"),
        reverse("pledges:api_pacts"),
    ]


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_no_public_page_or_export_holds_the_full_number_phone_email_or_private_pact_fields(client, pact):
    private = (pact.client_address_hmac, pact.client_agent_hmac, pact.content_salt)
    for url in public_urls(pact):
        response = client.get(url)
        assert response.status_code == 200, url
        content = body(response)
        for secret in (pact.signer_identity_number, PHONE, EMAIL, *private):
            assert secret.encode() not in content, (url, secret)


def test_every_page_that_names_the_signer_shows_only_the_last_four_digits(client, pact):
    masked = f"************** {pact.signer_identity_number[-4:]}".encode()
    for url in [pact.get_absolute_url(), reverse("pledges:verify_code", args=[pact.code])]:
        assert masked in client.get(url).content, url
    assert masked in body(client.get(reverse("pledges:registry_csv")))
    assert masked in client.get(reverse("pledges:api_pacts")).content
