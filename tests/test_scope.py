"""Who sees and changes which events and attendees: one user on each side of every boundary."""

import pytest
from django.urls import reverse

from events import access
from events.models import Attendee, Event
from tests.factories import (
    AttendeeFactory,
    BawasluStaffFactory,
    EventFactory,
    InvitationFactory,
    OpdHeadFactory,
    UserFactory,
    provincial_staff,
    regency,
)

pytestmark = pytest.mark.django_db

OKU = "16.01"  # Sumatera Selatan
OKI = "16.02"  # Sumatera Selatan, a neighbouring regency
BANDUNG = "32.04"  # Jawa Barat


@pytest.fixture
def events():
    return {
        "oku": EventFactory(regency=regency(OKU)),
        "oki": EventFactory(regency=regency(OKI)),
        "bandung": EventFactory(regency=regency(BANDUNG)),
    }


def detail(client, user, event):
    client.force_login(user)
    return client.get(reverse("events:detail", args=[event.pk]))


def test_regency_staff_see_their_regency_event(client, events):
    assert detail(client, BawasluStaffFactory(), events["oku"]).status_code == 200


def test_regency_staff_get_404_for_a_neighbouring_regency(client, events):
    assert detail(client, BawasluStaffFactory(), events["oki"]).status_code == 404


def test_provincial_staff_see_every_regency_of_their_province(client, events):
    staff = provincial_staff("16")
    assert detail(client, staff, events["oku"]).status_code == 200
    assert detail(client, staff, events["oki"]).status_code == 200


def test_provincial_staff_get_404_for_another_province(client, events):
    assert detail(client, provincial_staff("16"), events["bandung"]).status_code == 404


def test_an_administrator_sees_every_event(client, admin_user, events):
    for event in events.values():
        assert detail(client, admin_user, event).status_code == 200


def test_a_user_without_a_role_gets_403_on_the_dashboard_and_404_on_an_event(client, events):
    outsider = UserFactory()
    client.force_login(outsider)
    assert client.get(reverse("events:dashboard")).status_code == 403
    assert detail(client, outsider, events["oku"]).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(client, events):
    response = client.get(reverse("events:detail", args=[events["oku"].pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_event_list_holds_only_the_users_scope(client, events):
    client.force_login(BawasluStaffFactory())
    response = client.get(reverse("events:list"))
    assert events["oku"].title in response.text
    assert events["oki"].title not in response.text
    assert events["bandung"].title not in response.text


def test_regency_staff_cannot_change_a_neighbouring_regencys_event(client, events):
    client.force_login(BawasluStaffFactory())
    response = client.post(reverse("events:close_signing", args=[events["oki"].pk]))
    assert response.status_code == 404
    events["oki"].refresh_from_db()
    assert events["oki"].status == Event.Status.OPEN


def test_an_opd_head_sees_only_events_their_agency_is_invited_to(client, events):
    head = OpdHeadFactory()
    InvitationFactory(event=events["oku"], agency=head.membership.agency)
    client.force_login(head)
    response = client.get(reverse("events:opd_home"))
    assert events["oku"].title in response.text
    assert events["oki"].title not in response.text
    assert detail(client, head, events["oki"]).status_code == 404


def test_an_opd_head_cannot_manage_an_invited_event(client, events):
    head = OpdHeadFactory()
    InvitationFactory(event=events["oku"], agency=head.membership.agency)
    client.force_login(head)
    assert client.get(reverse("events:update", args=[events["oku"].pk])).status_code == 403
    assert client.post(reverse("events:close_signing", args=[events["oku"].pk])).status_code == 403
    assert client.get(reverse("events:history", args=[events["oku"].pk])).status_code == 403
    assert client.get(reverse("events:export", args=[events["oku"].pk, "csv"])).status_code == 403
    assert client.get(reverse("events:dashboard")).status_code == 403


def test_an_opd_head_sees_only_their_own_agencys_attendees(client, events):
    head = OpdHeadFactory()
    event = events["oku"]
    InvitationFactory(event=event, agency=head.membership.agency)
    own = AttendeeFactory(event=event, agency=head.membership.agency, full_name="Pegawai Sendiri")
    other = AttendeeFactory(event=event, full_name="Pegawai Dinas Lain")
    assert list(Attendee.objects.visible_to(head)) == [own]
    client.force_login(head)
    response = client.get(reverse("events:opd_home"))
    assert "Pegawai Sendiri" in response.text
    assert "Pegawai Dinas Lain" not in response.text
    assert client.get(reverse("events:attendee_update", args=[other.pk])).status_code == 404
    assert client.get(reverse("events:attendee_update", args=[own.pk])).status_code == 200


def test_staff_attendee_pages_follow_the_event_scope(client, events):
    outside = AttendeeFactory(event=events["oki"])
    inside = AttendeeFactory(event=events["oku"])
    client.force_login(BawasluStaffFactory())
    assert client.get(reverse("events:attendee_update", args=[outside.pk])).status_code == 404
    assert client.get(reverse("events:attendee_update", args=[inside.pk])).status_code == 200


def test_the_scope_helpers_limit_choices_to_the_office(events):
    staff = BawasluStaffFactory()
    assert list(access.regencies_for(staff).values_list("code", flat=True)) == [OKU]
    assert set(access.regencies_for(provincial_staff("16")).values_list("province_id", flat=True)) == {"16"}
    assert not access.regencies_for(UserFactory()).exists()
