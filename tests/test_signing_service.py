"""pact_sign and the content hash, below the views."""

import datetime
import io

import pytest
from django.utils import timezone
from PIL import Image

from events.models import Event
from pledges import errors
from pledges.clientdata import address_hash, user_agent_hash
from pledges.errors import SigningError
from pledges.models import Pact
from pledges.services import pact_sign, pact_withdraw
from tests.factories import AttendeeFactory, PactFactory, UserFactory, signature_data_url

pytestmark = pytest.mark.django_db


def _files(settings):
    root = settings.MEDIA_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_it_signs_and_keeps_the_attendee_as_they_were(settings):
    attendee = AttendeeFactory()
    pact = pact_sign(
        attendee=attendee, signature_data_url=signature_data_url(), ip="10.0.0.7", user_agent="Kiosk"
    )
    pact.refresh_from_db()
    assert pact.method == Pact.Method.DRAWN
    assert pact.status == Pact.Status.VALID
    assert pact.declaration == attendee.event.declaration
    assert (pact.signer_name, pact.signer_identity_number, pact.signer_agency) == (
        attendee.full_name,
        attendee.identity_number,
        attendee.agency.name,
    )
    assert pact.client_address_hmac == address_hash("10.0.0.7")
    assert pact.client_agent_hmac == user_agent_hash("Kiosk")
    assert pact.content_hash == pact.compute_content_hash()
    assert len(pact.code) == 10
    with pact.signature.open("rb") as handle:
        assert Image.open(io.BytesIO(handle.read())).format == "PNG"
    with pact.signature_print.open("rb") as handle:
        assert Image.open(io.BytesIO(handle.read())).format == "JPEG"
    assert len(_files(settings)) == 2
    # Editing the attendee later does not rewrite what was signed.
    attendee.full_name = "Nama Baru"
    attendee.save()
    pact.refresh_from_db()
    assert pact.signer_name != "Nama Baru"


def test_the_stored_hash_covers_the_stored_png(settings):
    import hashlib

    pact = pact_sign(attendee=AttendeeFactory(), signature_data_url=signature_data_url())
    with pact.signature.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == pact.signature_sha256


@pytest.mark.parametrize(
    ("status", "message"),
    [(Event.Status.CLOSED, errors.EVENT_NOT_OPEN), (Event.Status.DRAFT, errors.EVENT_NOT_OPEN)],
)
def test_it_refuses_an_event_that_is_not_open(settings, status, message):
    attendee = AttendeeFactory(event__status=status)
    with pytest.raises(SigningError) as caught:
        pact_sign(attendee=attendee, signature_data_url=signature_data_url())
    assert caught.value.message == message
    assert Pact.objects.count() == 0
    assert _files(settings) == []


def test_it_refuses_a_second_signature_and_writes_no_files(settings):
    attendee = AttendeeFactory()
    pact_sign(attendee=attendee, signature_data_url=signature_data_url(1))
    before = _files(settings)
    with pytest.raises(SigningError) as caught:
        pact_sign(attendee=attendee, signature_data_url=signature_data_url(2))
    assert caught.value.message == errors.ALREADY_SIGNED
    assert Pact.objects.count() == 1
    assert _files(settings) == before


def test_a_withdrawn_pact_cannot_be_signed_again(settings):
    attendee = AttendeeFactory()
    pact = pact_sign(attendee=attendee, signature_data_url=signature_data_url())
    pact_withdraw(pact=pact, user=UserFactory(), reason="Salah orang")
    with pytest.raises(SigningError) as caught:
        pact_sign(attendee=attendee, signature_data_url=signature_data_url())
    assert caught.value.message == errors.ALREADY_SIGNED
    assert Pact.objects.get().status == Pact.Status.WITHDRAWN


def test_a_bad_signature_leaves_nothing_behind(settings):
    with pytest.raises(SigningError) as caught:
        pact_sign(attendee=AttendeeFactory(), signature_data_url="data:image/png;base64,AAAA")
    assert caught.value.message == errors.SIGNATURE_NOT_PNG
    assert Pact.objects.count() == 0
    assert _files(settings) == []


def test_files_are_removed_when_the_row_cannot_be_saved(settings, monkeypatch):
    from pledges import services

    def fail(pact):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "_insert_pact", fail)
    with pytest.raises(RuntimeError):
        pact_sign(attendee=AttendeeFactory(), signature_data_url=signature_data_url())
    assert _files(settings) == []


def test_a_code_collision_gets_a_fresh_code(monkeypatch):
    taken = PactFactory().code
    codes = iter([taken, "ZZZZZZZZZZ"])
    monkeypatch.setattr("pledges.services.new_pact_code", lambda: next(codes))
    pact = pact_sign(attendee=AttendeeFactory(), signature_data_url=signature_data_url())
    assert pact.code == "ZZZZZZZZZZ"


# --- the content hash -------------------------------------------------------------------------------------


def _pact():
    return PactFactory.build(
        attendee=AttendeeFactory(),
        signed_at=datetime.datetime(2024, 11, 1, 9, 30, tzinfo=datetime.UTC),
        signature_sha256="a" * 64,
        method=Pact.Method.DRAWN,
    )


def test_the_hash_is_stable():
    pact = _pact()
    assert pact.compute_content_hash() == pact.compute_content_hash()
    # The same instant in another time zone is the same content.
    same = _pact()
    same.attendee, same.event, same.declaration = pact.attendee, pact.event, pact.declaration
    same.signer_name, same.signer_identity_number = pact.signer_name, pact.signer_identity_number
    same.signer_agency, same.signer_position, same.signer_rank = (
        pact.signer_agency,
        pact.signer_position,
        pact.signer_rank,
    )
    same.signed_at = pact.signed_at.astimezone(timezone.get_fixed_timezone(420))
    same.content_salt = pact.content_salt
    assert same.compute_content_hash() == pact.compute_content_hash()


def test_the_same_content_under_another_salt_commits_to_another_value():
    pact = _pact()
    before = pact.compute_content_hash()
    pact.content_salt = "00" * 32
    assert pact.compute_content_hash() != before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("signer_name", "Orang Lain"),
        ("signer_identity_kind", "pppk"),
        ("signer_identity_number", "198503122010012999"),
        ("signer_position", "Kepala Seksi"),
        ("signer_rank", "Pembina (IV/a)"),
        ("signer_agency", "Dinas Lain"),
        ("method", Pact.Method.PAPER),
        ("signed_at", datetime.datetime(2024, 11, 1, 9, 30, 1, tzinfo=datetime.UTC)),
        ("signature_sha256", "b" * 64),
    ],
)
def test_the_hash_changes_when_a_signed_field_changes(field, value):
    pact = _pact()
    before = pact.compute_content_hash()
    setattr(pact, field, value)
    assert pact.compute_content_hash() != before


def test_the_hash_changes_with_the_declaration_text_version_and_event():
    pact = _pact()
    before = pact.compute_content_hash()
    pact.declaration.points = [*pact.declaration.points, "Butir tambahan."]
    assert pact.compute_content_hash() != before
    pact = _pact()
    before = pact.compute_content_hash()
    pact.declaration.version = 2
    assert pact.compute_content_hash() != before
    pact = _pact()
    before = pact.compute_content_hash()
    pact.event_id += 1000
    assert pact.compute_content_hash() != before


def test_a_verifier_holding_the_salt_can_recompute_the_commitment_from_the_payload():
    import hashlib
    import hmac
    import json

    pact = _pact()
    canonical = json.dumps(pact.content_payload(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    expected = hmac.new(bytes.fromhex(pact.content_salt), canonical.encode(), hashlib.sha256).hexdigest()
    assert expected == pact.compute_content_hash()
    assert len(pact.content_salt) == 64 and pact.content_salt != _pact().content_salt
