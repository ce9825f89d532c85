"""Staff create, edit, delete events, open and close signing, and see them on the dashboard."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Agency, Event
from pledges import services as pledge_services
from pledges.models import Pact, with_counts
from tests.factories import (
    AgencyFactory,
    AttendeeFactory,
    BawasluStaffFactory,
    ElectionFactory,
    EventFactory,
    PactFactory,
    regency,
)

pytestmark = pytest.mark.django_db


def event_form_data(**overrides):
    organiser = AgencyFactory(kind=Agency.Kind.BAWASLU)
    data = {
        "title": "Apel Ikrar Netralitas ASN",
        "kind": Event.Kind.APEL,
        "election": ElectionFactory().pk,
        "regency": "16.01",
        "venue": "Lapangan Merdeka",
        "starts_at": "2026-12-01T08:00",
        "ends_at": "2026-12-01T11:00",
        "organiser": organiser.pk,
        "declaration": "",
        "is_public": "on",
        "paper_size": Event.PaperSize.A4,
    }
    return {**data, **overrides}


def test_staff_create_an_event_in_their_regency(client, staff):
    response = client.post(reverse("events:create"), event_form_data())
    event = Event.objects.get(title="Apel Ikrar Netralitas ASN")
    assert response.status_code == 302
    assert response.url == reverse("events:detail", args=[event.pk])
    assert event.regency_id == "16.01" and event.province_id == "16"
    assert event.status == Event.Status.DRAFT
    assert event.created_by == staff


def test_regency_staff_cannot_place_an_event_in_another_regency(client, staff):
    client.post(reverse("events:create"), event_form_data(regency="16.02"))
    assert Event.objects.get().regency_id == "16.01"


def test_the_event_form_refuses_an_end_before_the_start(client, staff):
    response = client.post(reverse("events:create"), event_form_data(ends_at="2026-12-01T07:00"))
    assert response.status_code == 400
    assert "Waktu selesai harus setelah waktu mulai." in response.text
    assert not Event.objects.exists()


def test_staff_edit_an_event(client, staff):
    event = EventFactory(status=Event.Status.DRAFT)
    data = event_form_data(title="Judul Baru", organiser=event.organiser_id, declaration=event.declaration_id)
    response = client.post(reverse("events:update", args=[event.pk]), data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Judul Baru"


def test_a_signed_events_declaration_cannot_be_swapped():
    pact = PactFactory()
    other = type(pact.declaration).objects.create(title="Lain", opening="x", points=["a"])
    with pytest.raises(services.EventError, match=str(pledge_services.EVENT_DECLARATION_SIGNED)):
        pledge_services.event_update(event=pact.event, user=None, declaration=other)


def test_staff_delete_a_draft_event(client, staff):
    event = EventFactory(status=Event.Status.DRAFT)
    response = client.post(reverse("events:delete", args=[event.pk]))
    assert response.status_code == 302
    assert not Event.objects.filter(pk=event.pk).exists()


def test_an_event_that_is_no_longer_a_draft_is_not_deleted(client, staff):
    event = EventFactory(status=Event.Status.OPEN)
    response = client.post(reverse("events:delete", args=[event.pk]), follow=True)
    assert str(services.EVENT_DELETE_NOT_DRAFT) in response.text
    assert Event.objects.filter(pk=event.pk).exists()


def test_a_draft_event_with_pacts_is_not_deleted():
    pact = PactFactory(attendee__event__status=Event.Status.DRAFT)
    with pytest.raises(services.EventError, match=str(services.EVENT_DELETE_HAS_PACTS)):
        services.event_delete(event=pact.event, user=None)


def test_opening_signing_needs_a_declaration(client, staff):
    event = EventFactory(status=Event.Status.DRAFT, declaration=None)
    response = client.post(reverse("events:open_signing", args=[event.pk]), follow=True)
    assert str(services.EVENT_OPEN_NEEDS_DECLARATION) in response.text
    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT


def test_staff_open_signing(client, staff):
    event = EventFactory(status=Event.Status.DRAFT)
    client.post(reverse("events:open_signing", args=[event.pk]))
    event.refresh_from_db()
    assert event.status == Event.Status.OPEN
    assert event.signing_opened_at is not None


def test_signing_actions_refuse_get(client, staff):
    event = EventFactory(status=Event.Status.DRAFT)
    assert client.get(reverse("events:open_signing", args=[event.pk])).status_code == 405
    assert client.get(reverse("events:close_signing", args=[event.pk])).status_code == 405


def test_closing_signing_records_when_and_by_whom(client, staff):
    event = EventFactory(status=Event.Status.OPEN)
    client.post(reverse("events:close_signing", args=[event.pk]))
    event.refresh_from_db()
    assert event.status == Event.Status.CLOSED
    assert event.signing_closed_by == staff
    assert event.signing_closed_at is not None


def test_closing_is_final_for_staff(client, staff):
    event = EventFactory(status=Event.Status.CLOSED)
    response = client.post(reverse("events:reopen_signing", args=[event.pk]), follow=True)
    assert str(services.EVENT_REOPEN_ADMIN_ONLY) in response.text
    response = client.post(reverse("events:open_signing", args=[event.pk]), follow=True)
    assert str(services.EVENT_CLOSED) in response.text
    event.refresh_from_db()
    assert event.status == Event.Status.CLOSED


def test_an_administrator_reopens_a_closed_event(client, admin_user):
    event = EventFactory(status=Event.Status.CLOSED, signing_closed_at=timezone.now())
    client.force_login(admin_user)
    client.post(reverse("events:reopen_signing", args=[event.pk]))
    event.refresh_from_db()
    assert event.status == Event.Status.OPEN
    assert event.signing_closed_at is None
    assert event.history.filter(status=Event.Status.CLOSED).exists()


def test_a_closed_event_cannot_be_edited(client, staff):
    event = EventFactory(status=Event.Status.CLOSED)
    data = event_form_data(title="Judul Baru", organiser=event.organiser_id, declaration=event.declaration_id)
    response = client.post(reverse("events:update", args=[event.pk]), data, follow=True)
    assert str(services.EVENT_CLOSED) in response.text
    event.refresh_from_db()
    assert event.title != "Judul Baru"


def test_staff_invite_an_agency_and_create_a_missing_one(client, staff):
    event = EventFactory()
    agency = AgencyFactory()
    client.post(reverse("events:invitation_add", args=[event.pk]), {"agencies": [agency.pk]})
    client.post(
        reverse("events:agency_add", args=[event.pk]),
        {"agency-name": "Dinas  Perikanan", "agency-kind": Agency.Kind.DINAS},
    )
    invited = set(event.invited_agencies.values_list("name", flat=True))
    assert invited == {agency.name, "Dinas Perikanan"}
    assert Agency.objects.get(name="Dinas Perikanan").regency_id == event.regency_id


def test_an_agency_from_another_regency_cannot_be_invited(client, staff):
    event = EventFactory()
    elsewhere = AgencyFactory(regency=regency("16.02"))
    client.post(reverse("events:invitation_add", args=[event.pk]), {"agencies": [elsewhere.pk]})
    assert not event.invitations.exists()


def signed(event, method):
    return PactFactory(attendee=AttendeeFactory(event=event), method=method)


def test_the_dashboard_counts_invited_and_signed_attendees(client, staff):
    event = EventFactory(starts_at=timezone.now() + datetime.timedelta(days=2))
    AttendeeFactory.create_batch(3, event=event)
    signed(event, Pact.Method.DRAWN)
    signed(event, Pact.Method.DRAWN)
    signed(event, Pact.Method.PAPER)
    counted = with_counts(Event.objects.all()).get(pk=event.pk)
    assert (counted.invited_count, counted.drawn_count, counted.paper_count, counted.unsigned_count) == (
        6,
        2,
        1,
        3,
    )
    response = client.get(reverse("events:dashboard"))
    assert event.title in response.text


def test_the_dashboard_splits_upcoming_and_past_events(client, staff):
    EventFactory(title="Acara Mendatang", starts_at=timezone.now() + datetime.timedelta(days=3))
    EventFactory(title="Acara Lampau", starts_at=timezone.now() - datetime.timedelta(days=30))
    response = client.get(reverse("events:dashboard"))
    assert [event.title for event in response.context["upcoming"]] == ["Acara Mendatang"]
    assert [event.title for event in response.context["past"]] == ["Acara Lampau"]


@pytest.mark.parametrize("name", ["events:dashboard", "events:list"])
def test_event_lists_issue_no_query_per_row(client, staff, django_assert_num_queries, name):
    def add_event():
        event = EventFactory()
        signed(event, Pact.Method.DRAWN)
        AttendeeFactory(event=event)

    add_event()
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(name))
    for _ in range(4):
        add_event()
    with django_assert_num_queries(len(few)):
        response = client.get(reverse(name))
    assert response.status_code == 200


def test_the_event_detail_page_issues_no_query_per_attendee(client, staff, django_assert_num_queries):
    event = EventFactory()
    signed(event, Pact.Method.PAPER)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("events:detail", args=[event.pk]))
    AttendeeFactory.create_batch(5, event=event)
    signed(event, Pact.Method.DRAWN)
    with django_assert_num_queries(len(few)):
        client.get(reverse("events:detail", args=[event.pk]))


def test_the_event_list_searches_and_filters(client, staff):
    EventFactory(title="Rakor Pengawasan", kind=Event.Kind.RAKOR, status=Event.Status.DRAFT)
    EventFactory(title="Apel Ikrar", kind=Event.Kind.APEL, status=Event.Status.OPEN)
    response = client.get(reverse("events:list"), {"q": "rakor"})
    assert [event.title for event in response.context["page"]] == ["Rakor Pengawasan"]
    response = client.get(reverse("events:list"), {"status": "open"})
    assert [event.title for event in response.context["page"]] == ["Apel Ikrar"]


def test_the_detail_page_includes_the_signing_and_documents_panels(client, staff):
    event = EventFactory()
    response = client.get(reverse("events:detail", args=[event.pk]))
    names = [template.name for template in response.templates]
    assert "pledges/includes/event_signing_panel.html" in names
    assert "pledges/includes/event_documents_panel.html" in names
    assert response.context["can_manage"] is True


def test_staff_land_on_the_dashboard_after_login(client):
    user = BawasluStaffFactory()
    response = client.post(
        reverse("login"), {"username": user.username, "password": "rahasia-123"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("events:dashboard")


def test_an_administrator_creates_a_provincial_event(client, admin_user):
    client.force_login(admin_user)
    client.post(reverse("events:create"), event_form_data(province="32", regency=""))
    event = Event.objects.get()
    assert (event.province_id, event.regency_id) == ("32", None)


def test_provincial_staff_create_events_in_a_regency_of_their_province_only(client):
    from tests.factories import provincial_staff

    client.force_login(provincial_staff("16"))
    client.post(reverse("events:create"), event_form_data(regency="16.02"))
    response = client.post(reverse("events:create"), event_form_data(title="Di Jawa Barat", regency="32.04"))
    assert Event.objects.get().regency_id == "16.02"
    assert "regency" in response.context["form"].errors


def test_provincial_staff_filter_their_events_by_regency(client):
    from tests.factories import provincial_staff

    EventFactory(title="Di OKU", regency=regency("16.01"))
    EventFactory(title="Di OKI", regency=regency("16.02"))
    client.force_login(provincial_staff("16"))
    response = client.get(reverse("events:list"), {"regency": "16.02"})
    assert [event.title for event in response.context["page"]] == ["Di OKI"]
