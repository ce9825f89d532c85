"""A published `content_hash` reveals nothing: the NIP behind it cannot be found by trying the NIP space.

Everything in a pact's payload but the NIP's first 14 digits is public (name, agency, event, time, method, the
declaration, the signature image's hash, and the NIP's last four digits). A NIP's first 14 digits are a birth
date and an appointment month: the attacker below tries every combination within a year and a half of the real
ones (about 14,000 candidates; the whole plausible space is some 10^7, seconds of work for a plain hash).
"""

import datetime
import hashlib
import hmac
import json

import pytest
from django.urls import reverse

from pledges.attendance import attendance_code
from pledges.models import Pact
from tests.factories import AttendeeFactory, PactFactory, signing_post

pytestmark = pytest.mark.django_db

NIP = "198503122010011001"  # born 12 March 1985, appointed January 2010, male, sequence 001


def candidates(last_four: str):
    """NIPs an attacker would try: birth dates around 1985 and appointment months around 2010."""
    day = datetime.date(1984, 9, 1)
    while day <= datetime.date(1985, 9, 1):
        for year in (2009, 2010):
            for month in range(1, 13):
                yield f"{day:%Y%m%d}{year}{month:02d}{last_four}"
        day += datetime.timedelta(days=1)


def public_payload(pact: Pact, number: str) -> bytes:
    payload = pact.content_payload()
    payload["signer"]["identity_number"] = number
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def brute_force(pact: Pact, published: str, scheme) -> str | None:
    for number in candidates(pact.signer_identity_number[-4:]):
        if scheme(public_payload(pact, number)) == published:
            return number
    return None


def unsalted(canonical: bytes) -> str:
    return hashlib.sha256(canonical).hexdigest()


def salted(salt: str, canonical: bytes) -> str:
    return hmac.new(bytes.fromhex(salt), canonical, hashlib.sha256).hexdigest()


@pytest.fixture
def pact():
    return PactFactory(with_signature=True, attendee=AttendeeFactory(identity_number=NIP))


def test_the_search_space_holds_the_real_nip(pact):
    numbers = list(candidates("1001"))
    assert NIP in numbers and len(numbers) > 8_000


def test_the_old_unsalted_hash_gives_the_nip_away(pact):
    assert brute_force(pact, unsalted(pact.canonical_content()), unsalted) == NIP


def test_the_salted_commitment_does_not(pact):
    assert pact.content_hash == pact.compute_content_hash()
    assert brute_force(pact, pact.content_hash, unsalted) is None
    # Nor does guessing an empty or all-zero salt help: the salt is 256 random bits.
    for salt in ("", "00" * 32):
        assert brute_force(pact, pact.content_hash, lambda canonical, s=salt: salted(s, canonical)) is None


def test_the_holder_of_the_salt_can_open_the_commitment(pact):
    assert salted(pact.content_salt, pact.canonical_content()) == pact.content_hash


def test_a_pact_signed_on_a_phone_gets_a_commitment_its_receipt_shows_but_never_its_salt(client):
    attendee = AttendeeFactory(identity_number=NIP)
    event = attendee.event
    client.post(
        reverse("pledges:sign", args=[event.code]),
        {"identity_number": NIP, "attendance_code": attendance_code(event)},
    )
    response = client.post(reverse("pledges:sign_confirm", args=[event.code]), signing_post())
    pact = Pact.objects.get()
    assert pact.content_hash_matches and len(pact.content_salt) == 64
    receipt = client.get(response.url).text
    assert pact.content_hash in receipt
    assert pact.content_salt not in receipt
