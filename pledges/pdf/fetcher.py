"""The only way a PDF render reads anything: our own static files and the signature images it was handed.

WeasyPrint follows every URL a document names (images, stylesheets, `rel=attachment` links, which it embeds
into the PDF). Whatever a template prints is escaped, but the fetcher is the wall behind that: a URL that is
not one of our assets stops the render instead of being read.

This module does not import Django: rendering workers run it in separate processes, given an `AssetRoots`
built once from the settings by the parent. Media (signatures) is never read from a disk here: the parent reads
the few files a document draws through Django's storage (local folder or object storage) and hands their bytes
over with the document.
"""

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

CONTENT_TYPES = {
    ".css": "text/css",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".ttf": "font/ttf",
    ".woff2": "font/woff2",
}


# The QR codes documents generate are embedded as tiny 1-bit PNGs (far quicker to draw than an SVG path); a
# data URL reads nothing from disk or network, and other kinds of data (HTML, SVG with links) stay refused.
PNG_DATA_URL = "data:image/png;base64,"


class AssetRefused(FatalURLFetchingError):
    """A document asked for something that is not one of our assets: the render stops."""


@dataclass(frozen=True)
class AssetRoots:
    """Where the site's URLs for static files live on disk, and which media URLs a document may name.

    `base_url` is the site's own address: documents link relative URLs against it, and only URLs under it are
    mapped to assets (never fetched over the network). Media is narrowed to the folders documents draw from.
    """

    base_url: str
    static_prefix: str
    static_dirs: tuple[Path, ...]
    media_prefix: str
    media_folders: tuple[str, ...]

    def locate(self, url: str) -> tuple[str, str]:
        """What one of our asset URLs names: ("static", path on disk) or ("media", storage name).

        Raises AssetRefused for anything else, FileNotFoundError for a static file that is missing. Either
        stops the render: documents only name files they checked exist.
        """
        parts = urlsplit(url)
        base = urlsplit(self.base_url)
        if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or parts.query or parts.fragment:
            raise AssetRefused(f"Not one of the site's assets: {url}")
        path = unquote(parts.path)
        # No "..", ".", empty or backslashed segment: `signatures/../sheets/` must not reach the scans.
        if any(segment in ("", ".", "..") or "\\" in segment for segment in path.split("/")[1:]):
            raise AssetRefused(f"Not a plain path: {url}")
        if Path(path).suffix.lower() not in CONTENT_TYPES:
            raise AssetRefused(f"Not a kind of file documents use: {url}")
        if path.startswith(self.media_prefix):
            name = path.removeprefix(self.media_prefix)
            if not name.startswith(self.media_folders) or ".." in name.split("/"):
                raise AssetRefused(f"Not one of the site's assets: {url}")
            return "media", name
        if not path.startswith(self.static_prefix):
            raise AssetRefused(f"Not one of the site's assets: {url}")
        name = path.removeprefix(self.static_prefix)
        for root in self.static_dirs:
            root = root.resolve()
            candidate = (root / name).resolve()
            if not candidate.is_relative_to(root):
                raise AssetRefused(f"Outside the asset folders: {url}")
            if candidate.is_file():
                return "static", str(candidate)
        raise FileNotFoundError(url)


class AssetFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves `AssetRoots` static files and the `media` it was given (storage
    name -> bytes), and refuses every other URL."""

    def __init__(self, roots: AssetRoots, media: Mapping[str, bytes] | None = None):
        # fail_on_errors: WeasyPrint otherwise turns any fetch error, even a FatalURLFetchingError, into a
        # logged warning and renders on without the resource.
        super().__init__(allow_redirects=False, fail_on_errors=True)
        self.roots = roots
        self.media = media or {}

    def fetch(self, url, headers=None):
        if url.startswith(PNG_DATA_URL):
            try:
                return URLFetcherResponse(
                    url,
                    base64.b64decode(url.removeprefix(PNG_DATA_URL), validate=True),
                    {"Content-Type": "image/png"},
                )
            except binascii.Error:
                raise AssetRefused("Malformed PNG data URL") from None
        where, name = self.roots.locate(url)
        if where == "media":
            if name not in self.media:
                raise AssetRefused(f"Not among the files handed to this document: {url}")
            content = self.media[name]
        else:
            content = Path(name).read_bytes()
        return URLFetcherResponse(url, content, {"Content-Type": CONTENT_TYPES[Path(name).suffix.lower()]})
