"""Every change to an event, its attendees, its declaration and its pacts is recorded with its author."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Event
from pledges import audit
from tests.factories import AttendeeFactory, BawasluStaffFactory, EventFactory, PactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = BawasluStaffFactory(first_name="Sari", last_name="Dewi")
    client.force_login(user)
    return user


def test_an_attendee_edit_is_recorded_with_the_user_and_the_field_diff(client, staff):
    attendee = AttendeeFactory(position="Staf")
    data = {
        "full_name": attendee.full_name,
        "identity_kind": attendee.identity_kind,
        "identity_number": attendee.identity_number,
        "position": "Kepala Seksi",
        "rank": attendee.rank,
        "agency": attendee.agency_id,
    }
    client.post(reverse("events:attendee_update", args=[attendee.pk]), data)
    record = attendee.history.first()
    assert record.history_user == staff
    assert record.position == "Kepala Seksi"
    response = client.get(reverse("events:history", args=[attendee.event_id]))
    entry = next(e for e in response.context["page"] if e.changes)
    assert entry.user == staff
    assert [(c.field, c.old, c.new) for c in entry.changes] == [("jabatan", "Staf", "Kepala Seksi")]
    assert "Sari Dewi" in response.text


def test_closing_signing_appears_in_the_trail(client, staff):
    event = EventFactory(status=Event.Status.OPEN)
    client.post(reverse("events:close_signing", args=[event.pk]))
    entries = audit.event_trail(event)
    assert entries[0].user == staff
    changed = {change.field for change in entries[0].changes}
    assert {"status", "ditutup pada", "ditutup oleh"} <= changed


def test_the_trail_covers_the_declaration_and_pacts(staff):
    pact = PactFactory()
    kinds = {entry.kind for entry in audit.event_trail(pact.event)}
    assert kinds == {"Kegiatan", "Peserta", "Naskah", "Pakta"}


def test_the_trail_hides_secrets(staff):
    event = EventFactory()
    event.title = "Baru"
    event.save()
    fields = {change.field for entry in audit.event_trail(event) for change in entry.changes}
    assert fields == {"judul"}


def test_the_history_page_issues_no_query_per_record(client, staff, django_assert_num_queries):
    event = EventFactory()
    AttendeeFactory(event=event)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("events:history", args=[event.pk]))
    for attendee in AttendeeFactory.create_batch(4, event=event):
        attendee.position = "Diubah"
        attendee.save()
    with django_assert_num_queries(len(few)):
        client.get(reverse("events:history", args=[event.pk]))


def test_staff_of_another_regency_cannot_read_the_trail(client):
    from tests.factories import regency

    event = EventFactory(regency=regency("16.02"))
    client.force_login(BawasluStaffFactory())
    assert client.get(reverse("events:history", args=[event.pk])).status_code == 404


def test_a_changed_agency_is_shown_by_name(staff):
    from tests.factories import AgencyFactory

    attendee = AttendeeFactory(agency=AgencyFactory(name="Dinas Lama"))
    attendee.agency = AgencyFactory(name="Dinas Baru")
    attendee.save()
    changes = [change for entry in audit.event_trail(attendee.event) for change in entry.changes]
    assert [(c.field, c.old, c.new) for c in changes] == [("instansi", "Dinas Lama", "Dinas Baru")]
