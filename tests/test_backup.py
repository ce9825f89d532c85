"""manage.py backup / restore: a data set survives the round trip into an empty database, file for file.

The round trip runs on the suite's database (SQLite in one CI run, PostgreSQL in the other). The restore and the
read-back run as separate processes, as an operator would run them on a new machine.
"""

import datetime
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from pledges.models import Pact, PaperSheet
from pledges.signatures import signature_from_data_url
from tests.factories import AttendeeFactory, EventFactory, PactFactory, WitnessFactory, signature_data_url

# The restored side is read in its own process by the same function as this side.
READ_BACK = "import json; from tests.test_backup import database_state; print(json.dumps(database_state()))"


def _data_set():
    """Pacts drawn on screen (PNG and print JPEG each), a withdrawn one, a paper pact with its scan, a witness."""
    event = EventFactory()
    for n in range(4):
        PactFactory(attendee=AttendeeFactory(event=event), with_signature=True, signed_at=_at(n))
    PactFactory(attendee=AttendeeFactory(event=event), with_signature=True, withdrawn=True)
    sheet = PaperSheet(event=event)
    sheet.file.save("scan.pdf", io.BytesIO(b"%PDF-1.4 scanned sheet"), save=True)
    witness = WitnessFactory(event=event)
    witness.signature.save("witness.png", io.BytesIO(signature_from_data_url(signature_data_url(99)).png))


def _at(n: int) -> datetime.datetime:
    return timezone.now().replace(microsecond=0) - datetime.timedelta(minutes=n)


def database_state() -> dict:
    """Row counts of every model, each pact's stored and recomputed hash, each media file's SHA-256."""
    root = Path(settings.MEDIA_ROOT)
    return {
        "counts": {m._meta.label: m._default_manager.count() for m in apps.get_models()},
        "hashes": {p.code: [p.content_hash, p.compute_content_hash()] for p in Pact.objects.all()},
        "media": {
            str(f.relative_to(root)): hashlib.sha256(f.read_bytes()).hexdigest()
            for f in root.rglob("*")
            if f.is_file()
        },
    }


def _manage(*args: str, database_url: str, media_root: Path) -> str:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "neutrality.settings",
        "SECRET_KEY": "test-only",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media_root),
    }
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def empty_database(tmp_path):
    """A database URL with nothing in it, of the suite's own kind."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    params = connection.settings_dict
    name = f"{params['NAME']}_restored"[:63]
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    password = f":{params['PASSWORD']}" if params["PASSWORD"] else ""
    yield f"postgres://{params['USER']}{password}@{params['HOST']}:{params['PORT'] or 5432}/{name}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_every_row_hash_and_file_into_an_empty_database(tmp_path, empty_database):
    _data_set()
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=archive, stdout=io.StringIO())
    before = database_state()

    restored_media = tmp_path / "restored-media"
    _manage("restore", str(archive), database_url=empty_database, media_root=restored_media)
    output = _manage("shell", "-c", READ_BACK, database_url=empty_database, media_root=restored_media)
    after = json.loads(output.strip().splitlines()[-1])

    assert before["counts"]["pledges.Pact"] == 5 and len(before["media"]) == 12
    assert after["counts"] == before["counts"]
    assert after["hashes"] == before["hashes"]
    assert all(stored == recomputed for stored, recomputed in after["hashes"].values())
    assert after["media"] == before["media"]


@pytest.mark.django_db(transaction=True)
def test_the_archive_lists_a_file_the_database_names_but_storage_lost(tmp_path):
    pact = PactFactory(with_signature=True)
    Path(pact.signature.path).unlink()
    archive = tmp_path / "backup.tar.gz"
    errors = io.StringIO()
    call_command("backup", output=archive, stdout=io.StringIO(), stderr=errors)
    with tarfile.open(archive) as opened:
        manifest = json.load(opened.extractfile("manifest.json"))
    assert manifest["missing_media"] == [pact.signature.name]
    assert pact.signature_print.name in manifest["media"]
    assert pact.signature.name in errors.getvalue()


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_restore_into_a_database_that_is_not_empty(tmp_path, settings):
    PactFactory(with_signature=True)
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=archive, stdout=io.StringIO())
    settings.MEDIA_ROOT = tmp_path / "other-media"
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive))
    assert not settings.MEDIA_ROOT.exists()


@pytest.mark.django_db(transaction=True)
def test_it_refuses_a_damaged_archive_before_writing_anything(tmp_path):
    PactFactory(with_signature=True)
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=archive, stdout=io.StringIO())
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source:
            data = source.extractfile(member).read()
            if member.name.startswith("media/signatures/") and member.name.endswith(".png"):
                data = data[:-1] + bytes([data[-1] ^ 1])
            target.addfile(member, io.BytesIO(data))
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(damaged))


def test_it_refuses_a_file_that_is_not_a_backup(tmp_path, db):
    bogus = tmp_path / "notes.tar.gz"
    bogus.write_bytes(b"not an archive")
    with pytest.raises(CommandError, match="not a readable backup"):
        call_command("restore", str(bogus))


@pytest.mark.django_db(transaction=True)
def test_a_failed_backup_leaves_no_half_archive(tmp_path, monkeypatch):
    PactFactory(with_signature=True)
    backups = tmp_path / "backups"
    backups.mkdir()

    def broken_disk(*args, **kwargs):
        raise OSError("I/O error")

    monkeypatch.setattr(FileSystemStorage, "open", broken_disk)
    with pytest.raises(OSError, match="I/O error"):
        call_command("backup", output=backups / "backup.tar.gz", stdout=io.StringIO())
    assert list(backups.iterdir()) == []


def test_it_refuses_an_output_folder_that_does_not_exist(tmp_path, db):
    with pytest.raises(CommandError, match="is not a folder"):
        call_command("backup", output=tmp_path / "missing" / "backup.tar.gz")
