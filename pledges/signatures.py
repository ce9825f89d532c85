"""Turning what the signature pad posted into images we are willing to keep.

The browser sends a PNG data URL. We never store those bytes: they are decoded with Pillow under tight bounds
and re-encoded (which also drops any metadata chunks). Two images come out: the PNG kept as the record, and a
small grayscale JPEG flattened on white that documents render from (WeasyPrint embeds a JPEG as is but
decodes and re-encodes every PNG, which makes a thousand-row signature sheet twice as slow).
"""

import base64
import binascii
import hashlib
import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from pledges.errors import SIGNATURE_EMPTY, SIGNATURE_NOT_PNG, SIGNATURE_TOO_LARGE, SigningError
from pledges.images import BrokenImage, ImageTooLarge, check_png

DATA_URL_PREFIX = "data:image/png;base64,"
MAX_BYTES = 200 * 1024
MAX_WIDTH, MAX_HEIGHT = 2000, 1000
# A real signature leaves a few hundred dark pixels even on a small pad; a tap or a dot does not.
MIN_INK_PIXELS = 150
MIN_INK_EXTENT = 24
INK_THRESHOLD = 160  # grey level below which a pixel (flattened on white) counts as ink
PRINT_SIZE = (300, 100)
PRINT_MARGIN = 6
PRINT_QUALITY = 85


@dataclass(frozen=True)
class SignatureImages:
    png: bytes
    print_jpeg: bytes
    sha256: str
    size: tuple[int, int]


def _decode_data_url(data_url: str) -> bytes:
    if not isinstance(data_url, str) or not data_url.startswith(DATA_URL_PREFIX):
        raise SigningError(SIGNATURE_NOT_PNG)
    payload = data_url[len(DATA_URL_PREFIX) :].strip()
    # Refuse on the encoded length before decoding anything: base64 is 4 characters per 3 bytes.
    if len(payload) > (MAX_BYTES + 2) // 3 * 4:
        raise SigningError(SIGNATURE_TOO_LARGE)
    try:
        raw = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise SigningError(SIGNATURE_NOT_PNG) from None
    if len(raw) > MAX_BYTES:
        raise SigningError(SIGNATURE_TOO_LARGE)
    return raw


def _open_png(raw: bytes) -> Image.Image:
    """Decode a PNG whose header says it is small enough; anything else is refused before decompression.

    Checking the declared size before `load()` is the bomb guard. Pillow's own `MAX_IMAGE_PIXELS` is one
    process-wide setting shared with scanned paper sheets, so it is left alone and the tighter bound is ours.
    The file must be whole (pledges.images.check_png): Pillow would decode a truncated one half-grey whenever
    WeasyPrint has switched its LOAD_TRUNCATED_IMAGES on.
    """
    try:
        check_png(raw, max_pixels=MAX_WIDTH * MAX_HEIGHT)
    except ImageTooLarge:
        raise SigningError(SIGNATURE_TOO_LARGE) from None
    except BrokenImage:
        raise SigningError(SIGNATURE_NOT_PNG) from None
    try:
        image = Image.open(io.BytesIO(raw), formats=["PNG"])
    except Image.DecompressionBombError:
        raise SigningError(SIGNATURE_TOO_LARGE) from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise SigningError(SIGNATURE_NOT_PNG) from None
    width, height = image.size
    if width > MAX_WIDTH or height > MAX_HEIGHT:
        raise SigningError(SIGNATURE_TOO_LARGE)
    if width < 1 or height < 1:
        raise SigningError(SIGNATURE_EMPTY)
    try:
        image.load()
    except (OSError, ValueError, SyntaxError):
        raise SigningError(SIGNATURE_NOT_PNG) from None
    return image


def _flatten_grayscale(image: Image.Image) -> Image.Image:
    """The drawing on white paper, in grey levels (the pad draws on a transparent background)."""
    rgba = image.convert("RGBA")
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(white, rgba).convert("L")


def _ink_mask(gray: Image.Image) -> Image.Image:
    return gray.point(lambda level: 255 if level < INK_THRESHOLD else 0)


def _encode_png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.convert("RGBA").save(out, format="PNG", optimize=True)
    return out.getvalue()


def _encode_print(gray: Image.Image, ink_box: tuple[int, int, int, int]) -> bytes:
    left, top, right, bottom = ink_box
    box = (
        max(left - PRINT_MARGIN, 0),
        max(top - PRINT_MARGIN, 0),
        min(right + PRINT_MARGIN, gray.width),
        min(bottom + PRINT_MARGIN, gray.height),
    )
    rendition = ImageOps.contain(gray.crop(box), PRINT_SIZE, method=Image.Resampling.LANCZOS)
    out = io.BytesIO()
    rendition.save(out, format="JPEG", quality=PRINT_QUALITY, optimize=True)
    return out.getvalue()


def signature_from_data_url(data_url: str) -> SignatureImages:
    """Validate a drawn signature and return the re-encoded record PNG and the print JPEG.

    Raises SigningError for anything that is not a bounded PNG with visible ink on it.
    """
    image = _open_png(_decode_data_url(data_url))
    gray = _flatten_grayscale(image)
    mask = _ink_mask(gray)
    ink_box = mask.getbbox()
    ink_pixels = mask.histogram()[255]
    if (
        ink_box is None
        or ink_pixels < MIN_INK_PIXELS
        or max(ink_box[2] - ink_box[0], ink_box[3] - ink_box[1]) < MIN_INK_EXTENT
    ):
        raise SigningError(SIGNATURE_EMPTY)
    png = _encode_png(image)
    return SignatureImages(
        png=png,
        print_jpeg=_encode_print(gray, ink_box),
        sha256=hashlib.sha256(png).hexdigest(),
        size=image.size,
    )


def scribble_png(seed: int = 0, *, size: tuple[int, int] = (600, 200)) -> bytes:
    """A plausible handwritten-looking scribble as a transparent PNG, for demo data and tests."""
    import math
    import random

    from PIL import ImageDraw

    rng = random.Random(seed)
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    width, height = size
    x, y = width * 0.1, height * 0.55
    points = []
    loops = rng.randint(4, 7)
    for step in range(loops * 24):
        t = step / 24
        x += width * 0.75 / (loops * 24)
        y = height * (0.5 + 0.25 * math.sin(t * math.tau + rng.random() * 0.3)) + rng.uniform(-3, 3)
        points.append((x + 18 * math.cos(t * math.tau), y))
    draw.line(points, fill=(20, 20, 60, 255), width=3, joint="curve")
    underline_y = height * 0.85
    draw.line(
        [(width * 0.15, underline_y), (width * 0.8, underline_y - rng.uniform(0, 12))],
        fill=(20, 20, 60, 255),
        width=2,
    )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def png_data_url(png: bytes) -> str:
    return DATA_URL_PREFIX + base64.b64encode(png).decode("ascii")
