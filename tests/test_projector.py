"""The hall's screen: declaration, QR code, attendance code and a live count."""

import pytest
from django.urls import reverse

from pledges.attendance import attendance_code
from pledges.services import pact_sign
from tests.factories import AttendeeFactory, EventFactory, OpdHeadFactory, PactFactory, signature_data_url

pytestmark = pytest.mark.django_db


def test_the_projector_shows_the_declaration_the_qr_and_the_code(staff_client):
    event = EventFactory()
    AttendeeFactory.create_batch(3, event=event)
    page = staff_client.get(reverse("pledges:projector", args=[event.pk]))
    assert page.status_code == 200
    assert event.declaration.points[0] in page.text
    assert reverse("pledges:projector_qr", args=[event.pk]) in page.text
    assert reverse("pledges:sign", args=[event.code]) in page.text
    code = attendance_code(event)
    assert f"{code[:4]} {code[4:]}" in page.text
    assert reverse("pledges:projector_status", args=[event.pk]) in page.text
    assert "projector.js" in page.text
    assert 'class="navbar' not in page.text  # no controls on the wall


def test_the_count_moves_when_a_pact_is_signed(staff_client):
    event = EventFactory()
    attendees = AttendeeFactory.create_batch(3, event=event)
    url = reverse("pledges:projector_status", args=[event.pk])
    before = staff_client.get(url).json()
    assert (before["signed"], before["invited"]) == (0, 3)
    assert before["attendance_code"] == attendance_code(event)
    pact_sign(attendee=attendees[0], signature_data_url=signature_data_url())
    after = staff_client.get(url).json()
    assert (after["signed"], after["invited"]) == (1, 3)


def test_withdrawn_pacts_do_not_count(staff_client):
    event = EventFactory()
    PactFactory(attendee__event=event, withdrawn=True)
    assert staff_client.get(reverse("pledges:projector_status", args=[event.pk])).json()["signed"] == 0


def test_the_projector_is_for_staff_in_scope(client):
    event = EventFactory()
    assert client.get(reverse("pledges:projector_status", args=[event.pk])).status_code == 302
    client.force_login(OpdHeadFactory())
    assert client.get(reverse("pledges:projector", args=[event.pk])).status_code == 404
