"""The kiosk at the venue: staff in scope, or an OPD head for their own agency's people."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Event
from pledges import errors
from pledges.clientdata import address_hash, user_agent_hash
from pledges.models import Pact
from tests.factories import (
    AttendeeFactory,
    BawasluStaffFactory,
    EventFactory,
    InvitationFactory,
    OpdHeadFactory,
    PactFactory,
    regency,
    signing_post,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return EventFactory()


def _sign_url(event, attendee):
    return reverse("pledges:kiosk_sign", args=[event.pk, attendee.pk])


def test_staff_find_an_attendee_by_name_or_last_digits(staff_client, event):
    rina = AttendeeFactory(event=event, full_name="Rina Marlina, S.Pd.", identity_number="198503122010012001")
    AttendeeFactory(event=event, full_name="Bambang Supriadi")
    url = reverse("pledges:kiosk", args=[event.pk])
    by_name = staff_client.get(url, {"q": "marlina"})
    assert by_name.status_code == 200
    assert "Rina Marlina" in by_name.text and "Bambang" not in by_name.text
    by_digits = staff_client.get(url, {"q": "2001"})
    assert "Rina Marlina" in by_digits.text and "Bambang" not in by_digits.text
    assert _sign_url(event, rina) in by_digits.text
    # The hall sees the kiosk: never a full NIP.
    assert "198503122010012001" not in by_digits.text


def test_the_search_costs_the_same_number_of_queries_for_many_matches(
    staff_client, event, django_assert_num_queries
):
    url = reverse("pledges:kiosk", args=[event.pk])
    AttendeeFactory(event=event, full_name="Peserta A")
    staff_client.get(url, {"q": "peserta"})  # warm the session
    with CaptureQueriesContext(connection) as one_match:
        staff_client.get(url, {"q": "peserta"})
    expected = len(one_match.captured_queries)  # read now: every request clears the connection's query log
    AttendeeFactory.create_batch(8, event=event)
    with django_assert_num_queries(expected):
        staff_client.get(url, {"q": "peserta"})


def test_an_attendee_signs_at_the_kiosk_and_it_clears_for_the_next(staff_client, staff_user, event):
    attendee = AttendeeFactory(event=event)
    page = staff_client.get(_sign_url(event, attendee))
    assert page.status_code == 200
    assert event.declaration.points[0] in page.text
    assert "signature_pad.umd.min.js" in page.text
    response = staff_client.post(
        _sign_url(event, attendee),
        signing_post(),
        HTTP_USER_AGENT="Tablet Kiosk",
        REMOTE_ADDR="10.1.2.3",
    )
    pact = Pact.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("pledges:kiosk_done", args=[event.pk, pact.code])
    assert pact.collected_by == staff_user
    assert pact.client_agent_hmac == user_agent_hash("Tablet Kiosk")
    assert pact.client_address_hmac == address_hash("10.1.2.3")
    done = staff_client.get(response.url)
    assert pact.code in done.text
    assert reverse("pledges:kiosk", args=[event.pk]) in done.text


def test_signing_twice_at_the_kiosk_gets_a_friendly_page(staff_client, event):
    attendee = AttendeeFactory(event=event)
    staff_client.post(_sign_url(event, attendee), signing_post(1))
    again = staff_client.post(_sign_url(event, attendee), signing_post(2))
    assert again.status_code == 409
    assert str(errors.ALREADY_SIGNED) in again.text
    assert Pact.objects.count() == 1


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ("not a data url", errors.SIGNATURE_NOT_PNG),
        ("data:image/svg+xml;base64,PHN2Zy8+", errors.SIGNATURE_NOT_PNG),
    ],
)
def test_a_bad_signature_is_refused_on_the_form(staff_client, event, posted, message):
    attendee = AttendeeFactory(event=event)
    response = staff_client.post(_sign_url(event, attendee), signing_post(signature=posted))
    assert response.status_code == 400
    assert str(message) in response.text
    assert Pact.objects.count() == 0


def test_an_empty_post_is_refused(staff_client, event):
    attendee = AttendeeFactory(event=event)
    response = staff_client.post(_sign_url(event, attendee), signing_post(signature=""))
    assert "Bubuhkan tanda tangan" in response.text
    assert Pact.objects.count() == 0


def test_a_closed_event_refuses_at_the_kiosk(staff_client):
    event = EventFactory(status=Event.Status.CLOSED)
    attendee = AttendeeFactory(event=event)
    response = staff_client.post(_sign_url(event, attendee), signing_post())
    assert str(errors.EVENT_NOT_OPEN) in response.text
    assert Pact.objects.count() == 0


def test_a_missing_csrf_token_is_refused(staff_user, event):
    attendee = AttendeeFactory(event=event)
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    response = client.post(_sign_url(event, attendee), signing_post())
    assert response.status_code == 403
    assert Pact.objects.count() == 0


def test_an_oversized_post_is_refused_before_anything_is_read(staff_client, event):
    attendee = AttendeeFactory(event=event)
    response = staff_client.post(
        _sign_url(event, attendee), signing_post(signature="data:image/png;base64," + "A" * 5_000_000)
    )
    assert response.status_code == 400
    assert Pact.objects.count() == 0


def test_the_kiosk_needs_a_login_and_the_scope(client, event):
    url = reverse("pledges:kiosk", args=[event.pk])
    assert client.get(url).status_code == 302
    elsewhere = BawasluStaffFactory(membership__regency=regency("16.02"))
    client.force_login(elsewhere)
    assert client.get(url).status_code == 404


def test_an_opd_head_signs_their_own_people_only(client, event):
    head = OpdHeadFactory()
    agency = head.membership.agency
    InvitationFactory(event=event, agency=agency)
    own = AttendeeFactory(event=event, agency=agency, full_name="Staf Sendiri")
    other = AttendeeFactory(event=event, full_name="Staf Lain")
    client.force_login(head)
    results = client.get(reverse("pledges:kiosk", args=[event.pk]), {"q": "staf"})
    assert "Staf Sendiri" in results.text and "Staf Lain" not in results.text
    assert client.get(_sign_url(event, other)).status_code == 404
    assert client.post(_sign_url(event, other), signing_post()).status_code == 404
    response = client.post(_sign_url(event, own), signing_post())
    assert response.status_code == 302
    pact = Pact.objects.get()
    assert pact.attendee == own and pact.collected_by == head


def test_an_opd_head_sees_who_already_signed(client, event):
    head = OpdHeadFactory()
    InvitationFactory(event=event, agency=head.membership.agency)
    PactFactory(
        attendee__event=event, attendee__agency=head.membership.agency, attendee__full_name="Sudah Teken"
    )
    client.force_login(head)
    response = client.get(reverse("pledges:kiosk", args=[event.pk]), {"q": "teken"})
    assert "Sudah menandatangani" in response.text


def test_the_kiosk_says_at_once_when_someone_already_signed(staff_client, event):
    pact = PactFactory(attendee__event=event)
    response = staff_client.get(_sign_url(event, pact.attendee))
    assert response.status_code == 409
    assert str(errors.ALREADY_SIGNED) in response.text
    assert "data-signature-canvas" not in response.text


def test_the_kiosk_says_at_once_when_signing_is_closed(staff_client):
    event = EventFactory(status=Event.Status.CLOSED)
    response = staff_client.get(_sign_url(event, AttendeeFactory(event=event)))
    assert str(errors.EVENT_NOT_OPEN) in response.text
    assert "data-signature-canvas" not in response.text


def test_the_event_page_offers_the_signing_tools(staff_client, event):
    from pledges.attendance import attendance_code

    page = staff_client.get(reverse("events:detail", args=[event.pk]))
    for name in [
        "pledges:kiosk",
        "pledges:projector",
        "pledges:paper",
        "pledges:witnesses",
        "pledges:event_poster",
    ]:
        assert reverse(name, args=[event.pk]) in page.text
    assert reverse("pledges:sign", args=[event.code]) in page.text
    code = attendance_code(event)
    assert f"{code[:4]} {code[4:]}" in page.text


def test_an_opd_head_gets_only_the_kiosk_from_the_panel(event):
    from django.template.loader import render_to_string

    html = render_to_string(
        "pledges/includes/event_signing_panel.html", {"event": event, "can_manage": False}
    )
    assert reverse("pledges:kiosk", args=[event.pk]) in html
    assert reverse("pledges:projector", args=[event.pk]) not in html
    assert reverse("pledges:sign", args=[event.code]) not in html


def test_a_request_without_an_address_still_signs(staff_client, event):
    attendee = AttendeeFactory(event=event)
    response = staff_client.post(_sign_url(event, attendee), signing_post(), REMOTE_ADDR="")
    assert response.status_code == 302
    assert Pact.objects.get().client_address_hmac == ""
