"""Signature images for documents, read through Django's storage (a local folder or object storage).

A render never opens media on a disk: the few files a document draws are read here, in the process that builds
the document, and handed to the renderer as bytes (see `pledges.pdf.fetcher`).
"""

import logging
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage

logger = logging.getLogger(__name__)

# Object storage answers each read in milliseconds, not microseconds: a chunk's few hundred images are read
# side by side.
REMOTE_READERS = 16


def media_url(name: str) -> str:
    """The URL a document names a stored file by; the fetcher maps it back to the bytes it was handed."""
    return f"{settings.SITE_URL}{settings.MEDIA_URL}{name}"


def _read(name: str) -> bytes | None:
    try:
        with default_storage.open(name, "rb") as handle:
            return handle.read()
    except (FileNotFoundError, OSError):
        return None


def read_media(names: Iterable[str | None]) -> dict[str, bytes]:
    """The stored files' bytes by name. A lost file is left out (and logged): its document gets an empty
    signature space rather than failing."""
    wanted = sorted({name for name in names if name})
    if isinstance(default_storage, FileSystemStorage) or len(wanted) < 2:
        contents = [_read(name) for name in wanted]
    else:
        with ThreadPoolExecutor(min(REMOTE_READERS, len(wanted))) as pool:
            contents = list(pool.map(_read, wanted))
    found = {}
    for name, content in zip(wanted, contents, strict=True):
        if content is None:
            logger.warning("Signature image missing from storage: %s", name)
        else:
            found[name] = content
    return found
