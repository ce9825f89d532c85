"""Pending imports are private files under the data directory, gone after commit, cancel or expiry."""

import io
import os
import stat

import pytest
from django.urls import reverse

from events import pending
from events.models import Event
from events.pending import PendingImport
from tests.factories import AgencyFactory, EventFactory

pytestmark = pytest.mark.django_db

PNS = "198503122010012001"


@pytest.fixture
def event():
    event = EventFactory(status=Event.Status.DRAFT)
    AgencyFactory(name="Dinas Pendidikan", regency=event.regency)
    return event


@pytest.fixture
def folder(settings):
    return settings.ATTENDEE_IMPORT_DIR


def upload(client, event):
    file = io.BytesIO(f"nama,nip,instansi,hp\nAndi,{PNS},Dinas Pendidikan,081234567890\n".encode())
    file.name = "peserta.csv"
    return client.post(reverse("events:import", args=[event.pk]), {"file": file})


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_it_keeps_the_upload_in_a_folder_only_the_site_can_read(client, staff, event, folder):
    old_umask = os.umask(0o022)  # the usual umask would make new files world-readable
    try:
        upload(client, event)
    finally:
        os.umask(old_umask)
    [file] = list(folder.glob("*.json"))
    assert mode(folder) == 0o700
    assert mode(file) == 0o600
    assert PNS in file.read_text()


def test_it_tightens_a_folder_someone_opened_up(client, staff, event, folder):
    folder.mkdir(parents=True)
    folder.chmod(0o755)
    upload(client, event)
    assert mode(folder) == 0o700


def test_it_lives_under_the_data_directory_never_in_the_shared_temp_folder(settings):
    from neutrality import settings as project

    assert project.ATTENDEE_IMPORT_DIR == project.DATA_DIR / "imports"
    assert not str(project.ATTENDEE_IMPORT_DIR).startswith("/tmp")


def test_committing_removes_the_file(client, staff, event, folder):
    upload(client, event)
    client.post(reverse("events:import_preview", args=[event.pk]), {"rows": ["2"]})
    assert event.attendees.count() == 1
    assert not list(folder.glob("*.json"))


def test_cancelling_removes_the_file_and_imports_nothing(client, staff, event, folder):
    upload(client, event)
    response = client.post(reverse("events:import_cancel", args=[event.pk]))
    assert response.status_code == 302
    assert not list(folder.glob("*.json"))
    assert PendingImport.SESSION_KEY not in client.session
    assert not event.attendees.exists()


def test_cancel_takes_a_post_only(client, staff, event, folder):
    upload(client, event)
    assert client.get(reverse("events:import_cancel", args=[event.pk])).status_code == 405
    assert len(list(folder.glob("*.json"))) == 1


def test_an_expired_upload_is_refused_and_removed(client, staff, event, folder, settings):
    upload(client, event)
    [file] = list(folder.glob("*.json"))
    hours = settings.RETENTION_PENDING_IMPORT_HOURS
    past = file.stat().st_mtime - hours * 3600 - 1
    os.utime(file, (past, past))
    response = client.get(reverse("events:import_preview", args=[event.pk]), follow=True)
    assert "Pratinjau impor sudah tidak tersedia" in response.text
    assert not file.exists()


def test_expired_files_are_listed_and_removed_by_age(folder, settings):
    folder.mkdir(parents=True)
    fresh, stale = folder / ("a" * 32 + ".json"), folder / ("b" * 32 + ".json")
    fresh.write_text("[]")
    stale.write_text("[]")
    os.utime(stale, (0, 0))
    assert pending.expired_files() == [stale]
    assert pending.remove_expired() == [stale.name]
    assert fresh.exists() and not stale.exists()
    assert pending.remove_expired() == []
