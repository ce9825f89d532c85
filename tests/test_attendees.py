"""Adding and correcting attendees, and how closing signing freezes the list."""

import pytest
from django.urls import reverse

from events import services
from events.models import Attendee, Event
from tests.factories import (
    AgencyFactory,
    AttendeeFactory,
    EventFactory,
    InvitationFactory,
    OpdHeadFactory,
    PactFactory,
)

pytestmark = pytest.mark.django_db

NIP = "198503122010012001"
PPPK = "199002252024211013"


def person(agency, **overrides):
    data = {
        "full_name": "Rina Marlina, S.Pd.",
        "identity_kind": Attendee.IdentityKind.PNS,
        "identity_number": "1985 0312 2010 01 2 001",
        "position": "Kepala Bidang",
        "rank": "Penata (III/c)",
        "agency": agency.pk,
        "phone": "",
        "email": "",
    }
    return {**data, **overrides}


def test_staff_add_an_attendee_and_the_agency_is_invited(client, staff):
    event = EventFactory()
    agency = AgencyFactory()
    response = client.post(reverse("events:attendee_create", args=[event.pk]), person(agency))
    assert response.status_code == 302
    attendee = event.attendees.get()
    assert attendee.identity_number == NIP
    assert event.invitations.filter(agency=agency).exists()


def test_a_bad_nip_is_refused_with_the_validators_message(client, staff):
    event = EventFactory()
    response = client.post(
        reverse("events:attendee_create", args=[event.pk]), person(AgencyFactory(), identity_number=PPPK)
    )
    assert "NIP: kode 21 pada digit ke-13 dan ke-14 menandai NI PPPK, bukan NIP PNS." in response.text
    assert not event.attendees.exists()


def test_the_same_number_twice_in_an_event_is_refused(client, staff):
    event = EventFactory()
    AttendeeFactory(event=event, identity_number=NIP)
    response = client.post(reverse("events:attendee_create", args=[event.pk]), person(AgencyFactory()))
    assert "Nomor identitas ini sudah terdaftar pada kegiatan ini." in response.text
    assert event.attendees.count() == 1


def test_staff_delete_an_unsigned_attendee_but_not_a_signed_one(client, staff):
    attendee = AttendeeFactory()
    client.post(reverse("events:attendee_delete", args=[attendee.pk]))
    assert not Attendee.objects.filter(pk=attendee.pk).exists()
    pact = PactFactory()
    response = client.post(reverse("events:attendee_delete", args=[pact.attendee.pk]), follow=True)
    assert str(services.ATTENDEE_HAS_PACT) in response.text
    assert Attendee.objects.filter(pk=pact.attendee.pk).exists()


def test_closing_signing_blocks_attendee_edits_for_staff(client, staff):
    attendee = AttendeeFactory(event__status=Event.Status.CLOSED)
    url = reverse("events:attendee_update", args=[attendee.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, person(attendee.agency, full_name="Diubah"))
    assert response.status_code == 403
    assert client.get(reverse("events:attendee_create", args=[attendee.event_id])).status_code == 403
    attendee.refresh_from_db()
    assert attendee.full_name != "Diubah"
    with pytest.raises(services.EventError, match=str(services.EVENT_CLOSED)):
        services.attendee_update(attendee=attendee, full_name="Diubah")


@pytest.fixture
def head_and_event(client):
    head = OpdHeadFactory()
    event = EventFactory(status=Event.Status.OPEN)
    InvitationFactory(event=event, agency=head.membership.agency)
    client.force_login(head)
    return head, event


def opd_person(**overrides):
    data = {
        "full_name": "Yusuf Hidayat",
        "identity_kind": Attendee.IdentityKind.PPPK,
        "identity_number": PPPK,
        "position": "Pranata Komputer",
        "rank": "PPPK IX",
    }
    return {**data, **overrides}


def test_an_opd_head_adds_their_own_staff_while_signing_is_open(client, head_and_event):
    head, event = head_and_event
    other_agency = AgencyFactory()
    response = client.post(
        reverse("events:attendee_create", args=[event.pk]), {**opd_person(), "agency": other_agency.pk}
    )
    assert response.status_code == 302
    assert response.url == reverse("events:opd_home")
    assert event.attendees.get().agency == head.membership.agency


def test_an_opd_head_corrects_their_own_staff(client, head_and_event):
    head, event = head_and_event
    attendee = AttendeeFactory(event=event, agency=head.membership.agency, position="Staf")
    client.post(
        reverse("events:attendee_update", args=[attendee.pk]),
        opd_person(
            full_name=attendee.full_name,
            identity_kind="pns",
            identity_number=attendee.identity_number,
            position="Kasubag",
        ),
    )
    attendee.refresh_from_db()
    assert attendee.position == "Kasubag"
    assert attendee.agency == head.membership.agency


def test_an_opd_head_cannot_edit_once_signing_is_closed(client, head_and_event):
    head, event = head_and_event
    attendee = AttendeeFactory(event=event, agency=head.membership.agency)
    event.status = Event.Status.CLOSED
    event.save()
    assert client.get(reverse("events:attendee_update", args=[attendee.pk])).status_code == 403
    assert client.get(reverse("events:attendee_create", args=[event.pk])).status_code == 403


def test_an_opd_head_cannot_add_to_a_draft_or_uninvited_event(client, head_and_event):
    head, event = head_and_event
    draft = EventFactory(status=Event.Status.DRAFT)
    InvitationFactory(event=draft, agency=head.membership.agency)
    assert client.get(reverse("events:attendee_create", args=[draft.pk])).status_code == 403
    assert client.get(reverse("events:attendee_create", args=[EventFactory().pk])).status_code == 404


def test_an_opd_head_lands_on_their_page_after_login(client):
    head = OpdHeadFactory()
    response = client.post(
        reverse("login"), {"username": head.username, "password": "rahasia-123"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("events:opd_home")


def test_the_opd_page_issues_no_query_per_event_or_attendee(
    client, head_and_event, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    head, event = head_and_event
    AttendeeFactory(event=event, agency=head.membership.agency)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("events:opd_home"))
    for _ in range(3):
        other = EventFactory()
        InvitationFactory(event=other, agency=head.membership.agency)
        PactFactory(attendee=AttendeeFactory(event=other, agency=head.membership.agency))
    with django_assert_num_queries(len(few)):
        response = client.get(reverse("events:opd_home"))
    assert len(response.context["page"].object_list) == 4
