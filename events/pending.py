"""Uploaded attendee lists waiting for the user's confirmation, in private files.

They hold identity numbers, phones and e-mails, so they live in ``ATTENDEE_IMPORT_DIR`` under the project's
data directory (never a shared ``/tmp``, never under ``MEDIA_ROOT``): the folder is mode 0700 and each file
0600, whatever the umask. A file goes on commit, on cancel, when the same user uploads again, and once
``RETENTION_PENDING_IMPORT_HOURS`` have passed (refused on load, removed by the next upload and by the
retention run).
"""

import json
import os
import re
import secrets
import time
from pathlib import Path

from django.conf import settings

from events.imports import IMPORT_EXPIRED, AttendeeImportError
from events.models import Event

TOKEN = re.compile(r"[0-9a-f]{32}")
FOLDER_MODE = 0o700
FILE_MODE = 0o600


def private_folder() -> Path:
    """The pending-imports folder, created if missing, its mode put right if someone loosened it."""
    folder = Path(settings.ATTENDEE_IMPORT_DIR)
    folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    if folder.stat().st_mode & 0o777 != FOLDER_MODE:
        folder.chmod(FOLDER_MODE)
    return folder


def _write_private(path: Path, text: str) -> None:
    """Create the file with mode 0600 from the start (no window in which the umask's mode applies)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)


def _max_age() -> float:
    return settings.RETENTION_PENDING_IMPORT_HOURS * 3600


def expired_files(*, now: float | None = None) -> list[Path]:
    """Pending imports older than the retention period, oldest first."""
    folder = Path(settings.ATTENDEE_IMPORT_DIR)
    if not folder.is_dir():
        return []
    cutoff = (now or time.time()) - _max_age()
    found = [(path.stat().st_mtime, path) for path in folder.glob("*.json")]
    return [path for mtime, path in sorted(found) if mtime < cutoff]


def remove_expired(*, now: float | None = None) -> list[str]:
    """Delete the expired pending imports; their names, for the retention report."""
    removed = []
    for path in expired_files(now=now):
        path.unlink(missing_ok=True)
        removed.append(path.name)
    return removed


class PendingImport:
    """The parsed rows of one upload, waiting for the user's confirmation, in a private file."""

    SESSION_KEY = "attendee_import"

    def __init__(self, session):
        self.session = session

    def save(self, *, event: Event, filename: str, records: list[dict]) -> None:
        self.discard()
        remove_expired()
        token = secrets.token_hex(16)
        _write_private(private_folder() / f"{token}.json", json.dumps(records))
        self.session[self.SESSION_KEY] = {"token": token, "event": event.pk, "filename": filename}

    def _path(self) -> Path | None:
        pending = self.session.get(self.SESSION_KEY)
        if not pending or not TOKEN.fullmatch(str(pending.get("token", ""))):
            return None
        return Path(settings.ATTENDEE_IMPORT_DIR) / f"{pending['token']}.json"

    def load(self, event: Event) -> tuple[str, list[dict]]:
        pending = self.session.get(self.SESSION_KEY)
        path = self._path()
        if path is None or pending["event"] != event.pk or not path.exists():
            raise AttendeeImportError(IMPORT_EXPIRED)
        if path.stat().st_mtime < time.time() - _max_age():
            self.discard()
            raise AttendeeImportError(IMPORT_EXPIRED)
        return pending["filename"], json.loads(path.read_text(encoding="utf-8"))

    def discard(self) -> None:
        path = self._path()
        self.session.pop(self.SESSION_KEY, None)
        if path is not None:
            path.unlink(missing_ok=True)
