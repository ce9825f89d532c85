"""Removing media files nothing refers to: what a crash between writing a signature and committing its pact
leaves behind.

Signing writes the files first and inserts the pact after, in one transaction, so a committed pact always has
its files; a worker killed in between leaves files without a pact. They are removed once older than
`ORPHAN_MEDIA_AGE`: a younger file may belong to a pact whose transaction is still open.
"""

import datetime
import logging

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from events.models import Witness
from pledges.models import Pact, PaperSheet

logger = logging.getLogger(__name__)

# Folders (upload_to prefixes) and the columns that refer to files in them.
REFERENCES = {
    "signatures/print/": [(Pact, "signature_print")],
    "signatures/": [(Pact, "signature")],
    "witnesses/": [(Witness, "signature")],
    "sheets/": [(PaperSheet, "file")],
}
BATCH = 500


def _months(now: datetime.datetime, count: int) -> list[str]:
    """The current month and the ones before it, as upload_to's %Y/%m folders."""
    year, month = now.year, now.month
    months = []
    for _ in range(count):
        months.append(f"{year:04d}/{month:02d}/")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months


def _files(folder: str) -> list[str]:
    try:
        _dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return []
    return [f"{folder}{name}" for name in files]


def _referenced(prefix: str, names: list[str]) -> set[str]:
    found = set()
    for model, column in REFERENCES[prefix]:
        found.update(model.objects.filter(**{f"{column}__in": names}).values_list(column, flat=True))
    return found


def _all_months(prefix: str) -> list[str]:
    """Every %Y/%m/ upload folder under a prefix (the daily retention run looks at all of them)."""
    try:
        years, _files_here = default_storage.listdir(prefix)
    except FileNotFoundError:
        return []
    return [
        f"{year}/{month}/"
        for year in sorted(years)
        if year.isdigit()
        for month in sorted(default_storage.listdir(f"{prefix}{year}/")[0])
    ]


def media_sweep_orphans(
    *, months: int | None = 2, now: datetime.datetime | None = None, dry_run: bool = False
) -> list[str]:
    """Delete unreferenced signature, witness and scan files older than ORPHAN_MEDIA_AGE in the last `months`
    upload folders, or in all of them with `months=None` (orphans are made at upload time, or when an event
    goes with its witnesses). Returns the names deleted, or with `dry_run` the names it would delete."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.ORPHAN_MEDIA_AGE)
    deleted = []
    for prefix in REFERENCES:
        for month in _months(now, months) if months else _all_months(prefix):
            names = _files(prefix + month)
            for start in range(0, len(names), BATCH):
                batch = names[start : start + BATCH]
                referenced = _referenced(prefix, batch)
                for name in batch:
                    if name in referenced or default_storage.get_modified_time(name) >= cutoff:
                        continue
                    if not dry_run:
                        default_storage.delete(name)
                    deleted.append(name)
    if deleted and not dry_run:
        logger.warning("Removed %d media files no record refers to: %s", len(deleted), ", ".join(deleted))
    return deleted
