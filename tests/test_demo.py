import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from events.models import Agency, Attendee, Event, Membership
from pledges.demo import DEMO_ADMIN, DEMO_STAFF

pytestmark = pytest.mark.django_db


def counts():
    return (
        Agency.objects.count(),
        Event.objects.count(),
        Attendee.objects.count(),
        get_user_model().objects.count(),
    )


def test_load_demo_creates_events_attendees_and_accounts(capsys):
    call_command("load_demo")
    assert Event.objects.count() == 2
    assert Attendee.objects.count() > 10
    assert Membership.objects.get(user__username=DEMO_STAFF).regency_id == "16.01"
    assert get_user_model().objects.get(username=DEMO_ADMIN).is_superuser
    assert "password" in capsys.readouterr().out


def test_load_demo_is_idempotent(capsys):
    call_command("load_demo")
    before = counts()
    password_hash = get_user_model().objects.get(username=DEMO_ADMIN).password
    call_command("load_demo")
    assert counts() == before
    assert get_user_model().objects.get(username=DEMO_ADMIN).password == password_hash
    assert "already present" in capsys.readouterr().out


def test_demo_attendees_have_valid_identity_numbers():
    call_command("load_demo")
    for attendee in Attendee.objects.all():
        attendee.full_clean()


def test_the_closed_demo_event_has_drawn_and_paper_pacts_once():
    from pledges.models import Pact

    call_command("load_demo")
    closed = Event.objects.get(status=Event.Status.CLOSED)
    pacts = Pact.objects.filter(event=closed)
    assert pacts.filter(method=Pact.Method.DRAWN).count() >= 3
    assert pacts.filter(method=Pact.Method.PAPER).count() == 1
    for pact in pacts:
        assert pact.content_hash == pact.compute_content_hash()
    drawn = pacts.filter(method=Pact.Method.DRAWN).first()
    assert drawn.signature and drawn.signature_print
    assert drawn.signed_at.date() == closed.starts_at.date()
    total = Pact.objects.count()
    call_command("load_demo")
    assert Pact.objects.count() == total
