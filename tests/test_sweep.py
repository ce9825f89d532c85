"""Files without a record are swept once they are an hour old; a crash mid-signing leaves nothing for good."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from neutrality.celery import app
from pledges import services
from pledges.errors import SigningError
from pledges.models import Pact
from pledges.sweep import media_sweep_orphans
from pledges.tasks import sweep_orphan_media
from tests.factories import AttendeeFactory, EventFactory, PactFactory, WitnessFactory, signature_data_url

pytestmark = pytest.mark.django_db

LATER = datetime.timedelta(hours=1, minutes=1)


def _stored(settings) -> set[str]:
    root = settings.MEDIA_ROOT
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def test_a_crash_between_the_files_and_the_pact_leaves_files_the_sweeper_removes(settings, monkeypatch):
    """A worker killed after writing the signature but before committing: no pact, two files, no cleanup
    in the request. The sweeper leaves them while the transaction might still be open, then removes them."""
    attendee = AttendeeFactory()

    def killed(pact):
        raise SystemExit("worker killed")

    monkeypatch.setattr(services, "_insert_pact", killed)
    monkeypatch.setattr(services, "_discard", lambda storage, names: None)  # a killed process cleans nothing
    with pytest.raises(SystemExit):
        services.pact_sign(attendee=attendee, signature_data_url=signature_data_url())
    assert not Pact.objects.exists()
    left = _stored(settings)
    assert len(left) == 2
    assert media_sweep_orphans() == []  # younger than an hour: perhaps a pact about to commit
    assert sorted(media_sweep_orphans(now=timezone.now() + LATER)) == sorted(left)
    assert _stored(settings) == set()


def test_files_of_pacts_witnesses_and_paper_sheets_stay(settings):
    event = EventFactory()
    pact = PactFactory(with_signature=True, attendee__event=event)
    witness = WitnessFactory(event=event)
    witness.signature.save("saksi.png", ContentFile(b"png"))
    sheet = event.paper_sheets.create(file=ContentFile(b"%PDF-1.4", name="scan.pdf"))
    month = timezone.now().strftime("%Y/%m")
    orphans = {
        default_storage.save(f"signatures/{month}/a.png", ContentFile(b"a")),
        default_storage.save(f"signatures/print/{month}/a.jpg", ContentFile(b"a")),
        default_storage.save(f"witnesses/{month}/a.png", ContentFile(b"a")),
        default_storage.save(f"sheets/{month}/a.pdf", ContentFile(b"a")),
    }
    kept = {pact.signature.name, pact.signature_print.name, witness.signature.name, sheet.file.name}
    assert set(media_sweep_orphans(now=timezone.now() + LATER)) == orphans
    assert _stored(settings) == kept


def test_a_refused_signing_leaves_nothing_behind(settings):
    attendee = AttendeeFactory()
    services.pact_sign(attendee=attendee, signature_data_url=signature_data_url())
    with pytest.raises(SigningError):
        services.pact_sign(attendee=attendee, signature_data_url=signature_data_url(1))
    assert len(_stored(settings)) == 2
    assert media_sweep_orphans(now=timezone.now() + LATER) == []


def test_the_periodic_tasks_are_on_the_beat_schedule():
    app.loader.import_default_modules()  # what a worker does at start: every app's tasks module
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert scheduled == {
        "pledges.tasks.sweep_orphan_media",
        "pledges.tasks.expire_document_jobs",
        "pledges.tasks.shred_personal_data",
        "accounts.tasks.clear_expired_sessions",
    }
    assert scheduled <= set(app.tasks)
    sweep_orphan_media.delay()  # runs at once in tests
