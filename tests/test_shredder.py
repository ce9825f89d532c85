"""The retention schedule: each rule on the database (live rows and history) and on disk, the dry run, and a
second run that finds nothing."""

import datetime
import os

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from events import services as event_services
from events.models import Attendee, Event
from events.retention import SHREDDED
from pledges import shredder
from pledges.clientdata import address_hash, user_agent_hash
from pledges.models import AccessRecord, Pact
from tests.factories import AttendeeFactory, EventFactory, PactFactory, UserFactory, WitnessFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def days_ago(days: float) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days)


def closed_event(days: float) -> Event:
    return EventFactory(
        status=Event.Status.CLOSED, signing_closed_at=days_ago(days), starts_at=days_ago(days + 1)
    )


def rows(outcomes, rule: str) -> dict:
    return next(outcome for outcome in outcomes if outcome.rule == rule).rows


def files(outcomes, rule: str) -> list[str]:
    return next(outcome for outcome in outcomes if outcome.rule == rule).files


def with_contact(event) -> Attendee:
    attendee = AttendeeFactory(event=event, phone="081234567890", email="siti@example.org")
    attendee.position = "Kepala Seksi"  # a second history row, which holds the contact data too
    attendee.save()
    return attendee


class TestContactData:
    def test_it_removes_phone_and_email_from_the_row_and_its_history_after_the_period(self, settings):
        old = with_contact(closed_event(settings.RETENTION_CONTACT_DAYS + 1))
        outcomes = shredder.shred(now=NOW)
        old.refresh_from_db()
        assert (old.phone, old.email) == ("", "")
        assert set(old.history.values_list("phone", "email")) == {("", "")}
        assert rows(outcomes, "contact") == {"attendees": 1, "attendee history rows": 2}

    def test_it_keeps_them_while_the_period_runs(self, settings):
        recent = with_contact(closed_event(settings.RETENTION_CONTACT_DAYS - 1))
        still_open = with_contact(EventFactory())
        shredder.shred(now=NOW)
        for attendee in (recent, still_open):
            attendee.refresh_from_db()
            assert attendee.phone == "081234567890"
            assert set(attendee.history.values_list("email", flat=True)) == {"siti@example.org"}

    def test_an_event_never_closed_counts_from_its_end(self, settings):
        forgotten = EventFactory(
            status=Event.Status.OPEN, starts_at=days_ago(settings.RETENTION_CONTACT_DAYS + 2)
        )
        attendee = with_contact(forgotten)
        shredder.shred(now=NOW)
        attendee.refresh_from_db()
        assert attendee.phone == ""


class TestPersonalCodes:
    def test_a_code_used_by_signing_goes_from_the_row_and_its_history(self):
        signed = PactFactory().attendee
        waiting = AttendeeFactory(event=signed.event)
        shredder.shred(now=NOW)
        signed.refresh_from_db()
        waiting.refresh_from_db()
        assert signed.personal_code is None
        assert set(signed.history.values_list("personal_code", flat=True)) == {None}
        assert waiting.personal_code and waiting.history.get().personal_code == waiting.personal_code

    def test_unused_codes_go_some_days_after_signing_closed(self, settings):
        old = AttendeeFactory(event=closed_event(settings.RETENTION_CLOSED_CODES_DAYS + 1))
        recent = AttendeeFactory(event=closed_event(settings.RETENTION_CLOSED_CODES_DAYS - 1))
        shredder.shred(now=NOW)
        old.refresh_from_db()
        recent.refresh_from_db()
        assert old.personal_code is None and recent.personal_code

    def test_reopening_a_closed_event_gives_its_list_new_codes(self, settings):
        event = closed_event(settings.RETENTION_CLOSED_CODES_DAYS + 1)
        attendee = AttendeeFactory(event=event)
        shredder.shred(now=NOW)
        event_services.event_reopen_signing(event=event, user=UserFactory(is_superuser=True))
        attendee.refresh_from_db()
        assert attendee.personal_code and len(attendee.personal_code) == 8

    def test_an_attendee_without_a_code_still_saves_without_getting_one(self):
        attendee = PactFactory().attendee
        shredder.shred(now=NOW)
        attendee.refresh_from_db()
        attendee.position = "Sekretaris"
        attendee.save()
        attendee.refresh_from_db()
        assert attendee.personal_code is None


class TestClientData:
    def test_the_hashes_go_from_pacts_and_their_history_after_the_period(self, settings):
        hashes = {"client_address_hmac": address_hash("10.1.1.1"), "client_agent_hmac": user_agent_hash("UA")}
        old = PactFactory(signed_at=days_ago(settings.RETENTION_CLIENT_DAYS + 1), **hashes)
        recent = PactFactory(signed_at=days_ago(settings.RETENTION_CLIENT_DAYS - 1), **hashes)
        outcomes = shredder.shred(now=NOW)
        old.refresh_from_db()
        recent.refresh_from_db()
        assert (old.client_address_hmac, old.client_agent_hmac) == ("", "")
        assert set(old.history.values_list("client_address_hmac", "client_agent_hmac")) == {("", "")}
        assert recent.client_address_hmac == hashes["client_address_hmac"]
        assert recent.history.get().client_agent_hmac == hashes["client_agent_hmac"]
        assert rows(outcomes, "client_data") == {"pacts": 1, "pact history rows": 1}

    def test_the_pact_itself_stays_with_its_public_fields_and_commitment(self, settings):
        pact = PactFactory(with_signature=True, signed_at=days_ago(settings.RETENTION_CLIENT_DAYS + 1))
        before = Pact.objects.values().get(pk=pact.pk)
        shredder.shred(now=NOW)
        after = Pact.objects.values().get(pk=pact.pk)
        assert {k: v for k, v in after.items() if not k.startswith("client_")} == {
            k: v for k, v in before.items() if not k.startswith("client_")
        }
        assert Pact.objects.get(pk=pact.pk).content_hash_matches


class TestDeletedAttendees:
    def test_their_history_rows_lose_every_personal_field(self):
        event = EventFactory(status=Event.Status.DRAFT)
        gone = with_contact(event)
        gone_pk, number = gone.pk, gone.identity_number
        kept = with_contact(event)
        event_services.attendee_delete(attendee=gone)
        outcomes = shredder.shred(now=NOW)
        history = Attendee.history.filter(id=gone_pk)
        assert history.count() == 3  # created, changed, deleted: the trail stays, the person goes
        for row in history:
            assert row.full_name == SHREDDED
            assert (row.identity_number, row.phone, row.email, row.position, row.rank) == ("",) * 5
            assert row.personal_code is None
        assert not Attendee.history.filter(identity_number=number).exists()
        assert kept.history.filter(phone="081234567890").count() == 2
        assert rows(outcomes, "deleted_attendees") == {"attendee history rows": 3}


class TestOnDisk:
    def test_expired_pending_imports_go_and_fresh_ones_stay(self, settings):
        folder = settings.ATTENDEE_IMPORT_DIR
        folder.mkdir(parents=True)
        stale, fresh = folder / ("1" * 32 + ".json"), folder / ("2" * 32 + ".json")
        for path in (stale, fresh):
            path.write_text('[{"identity_number": "198503122010011001"}]')
        age = (settings.RETENTION_PENDING_IMPORT_HOURS + 1) * 3600
        os.utime(stale, (NOW.timestamp() - age,) * 2)
        outcomes = shredder.shred(now=NOW)
        assert not stale.exists() and fresh.exists()
        assert files(outcomes, "pending_imports") == [stale.name]

    def test_files_no_record_names_go_once_old_enough(self, settings):
        pact = PactFactory(with_signature=True)
        event = EventFactory(status=Event.Status.DRAFT)
        witness = WitnessFactory(event=event)
        witness.signature.save("saksi.png", ContentFile(b"\x89PNG fake"), save=True)
        orphan = settings.MEDIA_ROOT / witness.signature.name
        event_services.event_delete(event=event, user=None)
        assert orphan.exists()  # deleting the event left its witness's signature behind
        written = timezone.now()
        too_young = shredder.shred(now=written)
        assert orphan.exists() and files(too_young, "orphan_files") == []
        later = written + datetime.timedelta(seconds=settings.ORPHAN_MEDIA_AGE + 1)
        outcomes = shredder.shred(now=later)
        assert not orphan.exists()
        assert files(outcomes, "orphan_files") == [witness.signature.name]
        assert (settings.MEDIA_ROOT / pact.signature.name).exists()
        assert (settings.MEDIA_ROOT / pact.signature_print.name).exists()


def test_expired_sessions_go_and_live_ones_stay():
    expired, live = SessionStore(), SessionStore()
    for session in (expired, live):
        session["signed_pacts"] = ["ABCDEFGH23"]
        session.create()
    Session.objects.filter(session_key=expired.session_key).update(expire_date=days_ago(1))
    outcomes = shredder.shred(now=NOW)
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
    assert rows(outcomes, "sessions") == {"sessions": 1}


def _everything_due(settings):
    with_contact(closed_event(settings.RETENTION_CONTACT_DAYS + 1))
    PactFactory(
        signed_at=days_ago(settings.RETENTION_CLIENT_DAYS + 1), client_agent_hmac=user_agent_hash("UA")
    )
    gone = AttendeeFactory(event=EventFactory(status=Event.Status.DRAFT))
    event_services.attendee_delete(attendee=gone)


def test_a_dry_run_lists_what_would_go_and_removes_nothing(settings):
    _everything_due(settings)
    before = list(Attendee.history.values()) + list(Pact.history.values()) + list(Attendee.objects.values())
    outcomes = shredder.shred(dry_run=True, now=NOW)
    assert sum(outcome.total for outcome in outcomes) > 0
    assert (
        list(Attendee.history.values()) + list(Pact.history.values()) + list(Attendee.objects.values())
        == before
    )
    assert not AccessRecord.objects.exists()


def test_a_second_run_removes_nothing(settings):
    _everything_due(settings)
    first = shredder.shred(now=NOW)
    assert rows(first, "contact")["attendees"] == 1
    assert sum(outcome.total for outcome in first) > 0
    assert sum(outcome.total for outcome in shredder.shred(now=NOW)) == 0
    assert sum(outcome.total for outcome in shredder.shred(dry_run=True, now=NOW)) == 0


def test_each_run_is_recorded_in_the_access_log(settings):
    _everything_due(settings)
    shredder.shred(now=NOW)
    record = AccessRecord.objects.get()
    assert record.action == AccessRecord.Action.SHRED
    assert "contact 3" in record.target  # one attendee and its two history rows


def test_the_command_reports_and_its_dry_run_says_would(settings, capsys):
    _everything_due(settings)
    call_command("shred", "--dry-run")
    dry = capsys.readouterr().out
    assert "contact: would remove 1 attendees, 2 attendee history rows" in dry
    assert Attendee.objects.exclude(phone="").count() == 1
    call_command("shred")
    out = capsys.readouterr().out
    assert "contact: removed 1 attendees, 2 attendee history rows" in out
    assert Attendee.objects.exclude(phone="").count() == 0
    call_command("shred")
    assert "Removed 0 items in all." in capsys.readouterr().out
