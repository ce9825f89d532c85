"""A signer's address and browser are stored only as keyed hashes (issue 16, minimal storage)."""

import pytest
from django.db import connection
from django.urls import reverse

from pledges import shredder
from pledges.clientdata import address_hash, user_agent_hash
from pledges.models import Pact
from pledges.services import pact_sign
from tests.factories import AttendeeFactory, UserFactory, signature_data_url, signing_post

pytestmark = pytest.mark.django_db

ADDRESS, AGENT = "203.0.113.77", "Mozilla/5.0 (Linux; Android 14) PonselRahasia/1.0"


def test_the_same_device_gives_the_same_hash_and_another_device_another():
    first, second, elsewhere = AttendeeFactory(), AttendeeFactory(), AttendeeFactory()
    a = pact_sign(attendee=first, signature_data_url=signature_data_url(), ip=ADDRESS, user_agent=AGENT)
    b = pact_sign(attendee=second, signature_data_url=signature_data_url(1), ip=ADDRESS, user_agent=AGENT)
    c = pact_sign(
        attendee=elsewhere, signature_data_url=signature_data_url(2), ip="198.51.100.1", user_agent=AGENT
    )
    assert a.same_device_as(b)
    assert not a.same_device_as(c)
    assert a.client_agent_hmac == c.client_agent_hmac and a.client_address_hmac != c.client_address_hmac


def test_the_hash_is_keyed_not_a_plain_digest(settings):
    import hashlib

    assert address_hash(ADDRESS) != hashlib.sha256(ADDRESS.encode()).hexdigest()
    before = address_hash(ADDRESS)
    settings.SECRET_KEY = "another-secret-key"
    assert address_hash(ADDRESS) != before


def test_a_key_of_its_own_survives_a_secret_key_rotation(settings):
    settings.CLIENT_HMAC_KEY = "a-separate-client-key"
    before = address_hash(ADDRESS)
    settings.SECRET_KEY = "rotated-secret-key"
    assert address_hash(ADDRESS) == before


def test_addresses_and_agents_hash_apart():
    assert address_hash("x") != user_agent_hash("x")
    assert address_hash("") == "" and address_hash("unknown") == "" and user_agent_hash("  ") == ""


def _every_stored_value() -> bytes:
    """Every column of every table, as text: what someone with a copy of the database would read."""
    dump = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - known table names
            dump += [repr(row) for row in cursor.fetchall()]
    return "\n".join(dump).encode()


def test_no_table_holds_an_address_or_user_agent_in_clear_after_signing_signing_in_and_shredding(client):
    attendee = AttendeeFactory()
    staff = UserFactory(is_superuser=True, is_staff=True)
    client.post(
        reverse("login"),
        {"username": staff.username, "password": "rahasia-123"},
        REMOTE_ADDR=ADDRESS,
        HTTP_USER_AGENT=AGENT,
    )
    client.post(
        reverse("pledges:kiosk_sign", args=[attendee.event.pk, attendee.pk]),
        signing_post(),
        REMOTE_ADDR=ADDRESS,
        HTTP_USER_AGENT=AGENT,
    )
    client.post(reverse("login"), {"username": "nobody", "password": "x"}, REMOTE_ADDR=ADDRESS)
    assert Pact.objects.get().client_address_hmac == address_hash(ADDRESS)
    for _run in range(2):
        stored = _every_stored_value()
        assert address_hash(ADDRESS).encode() in stored  # the dump does read the pacts and the access log
        assert ADDRESS.encode() not in stored
        assert b"PonselRahasia" not in stored
        shredder.shred()
