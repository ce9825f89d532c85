import base64
import io

import pytest
from PIL import Image

from pledges import errors
from pledges.errors import SigningError
from pledges.signatures import (
    MAX_BYTES,
    PRINT_SIZE,
    png_data_url,
    scribble_png,
    signature_from_data_url,
)


def _png(size, *, ink=True, mode="RGBA", **save) -> bytes:
    image = Image.new(mode, size, (0, 0, 0, 0) if mode == "RGBA" else 255)
    if ink:
        from PIL import ImageDraw

        ImageDraw.Draw(image).line([(10, 10), (size[0] - 10, size[1] - 10)], fill="black", width=4)
    out = io.BytesIO()
    image.save(out, format="PNG", **save)
    return out.getvalue()


def _refusal(data_url) -> str:
    with pytest.raises(SigningError) as caught:
        signature_from_data_url(data_url)
    return caught.value.message


def test_it_accepts_a_drawn_png_and_re_encodes_it():
    posted = scribble_png(1)
    images = signature_from_data_url(png_data_url(posted))
    stored = Image.open(io.BytesIO(images.png))
    assert stored.format == "PNG"
    assert stored.size == (600, 200)
    assert images.size == (600, 200)
    assert len(images.sha256) == 64


def test_it_never_keeps_the_clients_bytes():
    posted = _png((400, 150), pnginfo=_text_chunk("Author", "someone"))
    images = signature_from_data_url(png_data_url(posted))
    assert images.png != posted
    assert b"someone" not in images.png


def _text_chunk(key, value):
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text(key, value)
    return info


def test_the_print_rendition_is_a_small_grayscale_jpeg_on_white():
    images = signature_from_data_url(png_data_url(scribble_png(2)))
    rendition = Image.open(io.BytesIO(images.print_jpeg))
    assert rendition.format == "JPEG"
    assert rendition.mode == "L"
    assert rendition.width <= PRINT_SIZE[0] and rendition.height <= PRINT_SIZE[1]
    # Flattened on white: the corners are paper, not black (a transparent PNG converted naively is black).
    assert rendition.getpixel((0, 0)) > 240
    assert rendition.getextrema()[0] < 100  # and the ink is there


def test_it_refuses_what_is_not_a_data_url():
    assert _refusal("hello") == errors.SIGNATURE_NOT_PNG
    assert _refusal("https://example.org/sig.png") == errors.SIGNATURE_NOT_PNG
    assert _refusal(None) == errors.SIGNATURE_NOT_PNG


def test_it_refuses_a_jpeg_even_when_labelled_png():
    image = Image.new("RGB", (400, 150), "white")
    out = io.BytesIO()
    image.save(out, format="JPEG")
    jpeg = base64.b64encode(out.getvalue()).decode()
    assert _refusal("data:image/jpeg;base64," + jpeg) == errors.SIGNATURE_NOT_PNG
    assert _refusal("data:image/png;base64," + jpeg) == errors.SIGNATURE_NOT_PNG


def test_it_refuses_an_svg():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0L100 100" stroke="black"/></svg>'
    assert _refusal("data:image/svg+xml;base64," + base64.b64encode(svg).decode()) == errors.SIGNATURE_NOT_PNG
    assert _refusal("data:image/png;base64," + base64.b64encode(svg).decode()) == errors.SIGNATURE_NOT_PNG


def test_it_refuses_broken_base64():
    assert _refusal("data:image/png;base64,@@@not-base64@@@") == errors.SIGNATURE_NOT_PNG


def test_it_refuses_a_5_mb_image():
    noisy = Image.frombytes("RGB", (1300, 1300), bytes(range(256)) * (1300 * 1300 * 3 // 256 + 1))
    out = io.BytesIO()
    noisy.save(out, format="PNG", compress_level=0)
    assert len(out.getvalue()) > 5_000_000
    assert _refusal(png_data_url(out.getvalue())) == errors.SIGNATURE_TOO_LARGE


def test_it_refuses_a_png_just_over_the_byte_limit():
    padding = _text_chunk("pad", "x" * (MAX_BYTES + 10))
    assert _refusal(png_data_url(_png((300, 100), pnginfo=padding))) == errors.SIGNATURE_TOO_LARGE


def test_it_refuses_huge_dimensions_before_decoding():
    # Small files that claim many pixels: refused on their header, never decompressed.
    for size in [(20000, 20000), (5000, 900)]:
        huge = _png(size, ink=False, mode="1", optimize=True)
        assert len(huge) < MAX_BYTES
        assert _refusal(png_data_url(huge)) == errors.SIGNATURE_TOO_LARGE
    assert _refusal(png_data_url(_png((2001, 200)))) == errors.SIGNATURE_TOO_LARGE


def test_it_refuses_an_empty_pad():
    assert _refusal(png_data_url(_png((600, 200), ink=False))) == errors.SIGNATURE_EMPTY


def test_it_refuses_a_single_dot():
    from PIL import ImageDraw

    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((300, 100, 304, 104), fill="black")
    out = io.BytesIO()
    image.save(out, format="PNG")
    assert _refusal(png_data_url(out.getvalue())) == errors.SIGNATURE_EMPTY


def test_white_strokes_on_a_transparent_pad_count_as_empty():
    from PIL import ImageDraw

    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(10, 10), (590, 190)], fill="white", width=6)
    out = io.BytesIO()
    image.save(out, format="PNG")
    assert _refusal(png_data_url(out.getvalue())) == errors.SIGNATURE_EMPTY
