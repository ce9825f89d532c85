"""What a scanned paper sheet really is, decided by parsing it: a PDF with pypdf, a PNG or JPEG with Pillow.

The file name and the browser's content type can lie, and so can the first bytes (`%PDF-1.4` followed by
HTML is no PDF). The stored file's extension comes from the kind found here, never from the upload's name.
"""

import io

from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from pledges.images import BrokenImage, check_jpeg, check_png

SCAN_MAX_PIXELS = 60_000_000  # an A4 page scanned at 600 dpi is about 35 million pixels
SUFFIXES = {"pdf": ".pdf", "png": ".png", "jpeg": ".jpg"}


def _is_pdf(data: bytes) -> bool:
    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
        return len(reader.pages) > 0
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError):
        return False


def _image_kind(data: bytes) -> str | None:
    try:
        if data.startswith(b"\x89PNG"):
            check_png(data, max_pixels=SCAN_MAX_PIXELS)
        elif data.startswith(b"\xff\xd8"):
            check_jpeg(data)
        else:
            return None
        with Image.open(io.BytesIO(data), formats=["PNG", "JPEG"]) as image:
            if image.width * image.height > SCAN_MAX_PIXELS:
                return None
            image.verify()
            return image.format.lower()
    except (
        BrokenImage,
        UnidentifiedImageError,
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombError,
    ):
        return None


def scan_kind(upload) -> str | None:
    """'pdf', 'png' or 'jpeg' for a file that parses as one; None for anything else."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if data.startswith(b"%PDF-"):
        return "pdf" if _is_pdf(data) else None
    return _image_kind(data)
