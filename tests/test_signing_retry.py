"""A signer never loses a receipt: the same signing form posted again gets its pact back, not "already signed"."""

import secrets

import pytest
from django.urls import reverse

from events.models import Event
from pledges import errors
from pledges.attendance import attendance_code
from pledges.forms import SigningForm
from pledges.models import Pact
from pledges.services import pact_sign
from pledges.views.signing import IDENTITY_SESSION_KEY
from tests.factories import AttendeeFactory, EventFactory, signature_data_url, signing_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def attendee():
    return AttendeeFactory(identity_number="198503122010012001")


def _kiosk_url(attendee):
    return reverse("pledges:kiosk_sign", args=[attendee.event.pk, attendee.pk])


def test_every_signing_form_carries_its_own_key(staff_client, attendee):
    first, second = (staff_client.get(_kiosk_url(attendee)).text for _ in range(2))
    keys = [SigningForm().initial["idempotency_key"], SigningForm().initial["idempotency_key"]]
    assert keys[0] != keys[1] and len(keys[0]) == 32
    assert 'name="idempotency_key"' in first and first != second


def test_the_kiosk_form_posted_again_shows_the_same_pact(staff_client, attendee):
    form = signing_post()
    first = staff_client.post(_kiosk_url(attendee), form)
    again = staff_client.post(_kiosk_url(attendee), form)
    pact = Pact.objects.get()
    assert first.status_code == again.status_code == 302
    assert again.url == first.url == reverse("pledges:kiosk_done", args=[attendee.event.pk, pact.code])
    # Another form for the same person is a second signature: refused.
    other = staff_client.post(_kiosk_url(attendee), signing_post(1))
    assert other.status_code == 409 and str(errors.ALREADY_SIGNED) in other.text


def _identified(client, attendee):
    response = client.post(
        reverse("pledges:sign", args=[attendee.event.code]),
        {"identity_number": attendee.identity_number, "attendance_code": attendance_code(attendee.event)},
    )
    assert response.status_code == 302


def test_a_phone_whose_answer_was_lost_gets_its_receipt_on_retry(client, attendee):
    """The pact committed but the server died before answering, so the session never heard of it."""
    _identified(client, attendee)
    form = signing_post()
    pact = pact_sign(
        attendee=attendee, signature_data_url=form["signature"], idempotency_key=form["idempotency_key"]
    )
    response = client.post(reverse("pledges:sign_confirm", args=[attendee.event.code]), form)
    assert response.status_code == 302 and response.url == reverse("pledges:receipt", args=[pact.code])
    receipt = client.get(response.url)
    assert receipt.status_code == 200 and pact.code in receipt.text
    assert client.get(reverse("pledges:receipt_pdf", args=[pact.code])).status_code == 200
    assert Pact.objects.count() == 1 and IDENTITY_SESSION_KEY not in client.session


def test_the_retry_works_after_the_identity_expired_and_signing_closed(client, attendee):
    _identified(client, attendee)
    form = signing_post()
    assert client.post(reverse("pledges:sign_confirm", args=[attendee.event.code]), form).status_code == 302
    pact = Pact.objects.get()
    session = client.session
    session.flush()  # a new session: only the form in the page is left
    Event.objects.filter(pk=attendee.event.pk).update(status=Event.Status.CLOSED)
    response = client.post(reverse("pledges:sign_confirm", args=[attendee.event.code]), form)
    assert response.url == reverse("pledges:receipt", args=[pact.code])
    assert client.get(response.url).status_code == 200


def test_the_same_key_gets_the_same_pact_from_the_service_even_once_signing_closed(attendee):
    key = secrets.token_hex(16)
    pact = pact_sign(attendee=attendee, signature_data_url=signature_data_url(), idempotency_key=key)
    Event.objects.filter(pk=attendee.event.pk).update(status=Event.Status.CLOSED)
    assert pact_sign(attendee=attendee, signature_data_url=signature_data_url(), idempotency_key=key) == pact
    assert Pact.objects.get().idempotency_key == key


def test_a_key_cannot_sign_for_someone_else(attendee):
    from pledges.errors import SigningError

    key = secrets.token_hex(16)
    pact_sign(attendee=attendee, signature_data_url=signature_data_url(), idempotency_key=key)
    other = AttendeeFactory(event=attendee.event)
    with pytest.raises(SigningError) as refused:
        pact_sign(attendee=other, signature_data_url=signature_data_url(), idempotency_key=key)
    assert refused.value.message == errors.SIGNING_FORM_USED
    assert Pact.objects.count() == 1


def test_a_form_without_its_key_is_refused_with_a_message(staff_client, attendee):
    response = staff_client.post(_kiosk_url(attendee), {"signature": signature_data_url()})
    assert response.status_code == 400
    assert "Muat ulang halaman" in response.text
    assert not Pact.objects.exists()


def test_a_tampered_key_is_refused(staff_client):
    attendee = AttendeeFactory(event=EventFactory())
    response = staff_client.post(_kiosk_url(attendee), signing_post(idempotency_key="x' OR 1=1"))
    assert response.status_code == 400 and not Pact.objects.exists()
