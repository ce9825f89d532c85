"""Strict checks that an uploaded image is whole, before Pillow decodes it.

Pillow leaves a truncated PNG or JPEG half-grey instead of failing when `ImageFile.LOAD_TRUNCATED_IMAGES` is
on, and WeasyPrint turns that process-wide flag on when it is imported. These checks read the file's own
structure and depend on no Pillow setting: a PNG must be a complete chain of chunks with valid CRCs, ending
in IEND, whose image data inflates to exactly the size its header announces; a JPEG must reach its end marker.
"""

import struct
import zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Samples per pixel for each PNG colour type (greyscale, RGB, palette, grey + alpha, RGBA).
PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
# Adam7 interlacing: (first column, first row, column step, row step) of each of the seven passes.
ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))


class BrokenImage(ValueError):
    """The file is cut short, corrupted or not what it claims to be."""


class ImageTooLarge(BrokenImage):
    """The header announces more pixels than allowed: refused before anything is inflated."""


def _png_raw_size(width: int, height: int, depth: int, colour: int, interlace: int) -> int:
    """Bytes of filtered scanlines the image data must inflate to."""
    bits = depth * PNG_CHANNELS[colour]
    passes = ADAM7 if interlace else ((0, 0, 1, 1),)
    size = 0
    for x0, y0, dx, dy in passes:
        columns = (width - x0 + dx - 1) // dx if width > x0 else 0
        rows = (height - y0 + dy - 1) // dy if height > y0 else 0
        if columns and rows:
            size += rows * (1 + (columns * bits + 7) // 8)
    return size


def check_png(data: bytes, *, max_pixels: int) -> tuple[int, int]:
    """The size of a complete, uncorrupted PNG of at most `max_pixels`; BrokenImage otherwise."""
    if not data.startswith(PNG_SIGNATURE):
        raise BrokenImage("not a PNG")
    position, expected, inflated, inflater, size = len(PNG_SIGNATURE), None, 0, zlib.decompressobj(), None
    while True:
        if position + 12 > len(data):
            raise BrokenImage("truncated PNG")
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        end = position + 12 + length
        if end > len(data):
            raise BrokenImage("truncated PNG chunk")
        body = data[position + 8 : end - 4]
        if zlib.crc32(kind + body) != struct.unpack(">I", data[end - 4 : end])[0]:
            raise BrokenImage("corrupted PNG chunk")
        if expected is None:
            if kind != b"IHDR" or length != 13:
                raise BrokenImage("PNG without a header")
            width, height, depth, colour, _compression, _filter, interlace = struct.unpack(">IIBBBBB", body)
            if colour not in PNG_CHANNELS or not width or not height:
                raise BrokenImage("PNG of an unknown kind")
            if width * height > max_pixels:
                raise ImageTooLarge("PNG too large")
            size, expected = (width, height), _png_raw_size(width, height, depth, colour, interlace)
        elif kind == b"IDAT":
            try:
                # Never inflate more than the header announced (plus one byte, to notice a surplus).
                inflated += len(inflater.decompress(body, expected - inflated + 1))
            except zlib.error as error:
                raise BrokenImage("corrupted PNG data") from error
            if inflated > expected or inflater.unconsumed_tail:
                raise BrokenImage("PNG data larger than its header says")
        elif kind == b"IEND":
            if end != len(data):
                raise BrokenImage("data after the end of the PNG")
            break
        position = end
    if not inflater.eof or inflated != expected:
        raise BrokenImage("PNG image data cut short")
    return size


def check_jpeg(data: bytes) -> None:
    """A JPEG that reaches its end-of-image marker after the first scan; BrokenImage otherwise."""
    if not data.startswith(b"\xff\xd8"):
        raise BrokenImage("not a JPEG")
    position = 2
    # Walk the segments up to the first scan, skipping each by its length (an EXIF thumbnail hides its own
    # end marker inside one).
    while True:
        if position + 4 > len(data) or data[position] != 0xFF:
            raise BrokenImage("truncated or corrupted JPEG header")
        marker = data[position + 1]
        if marker == 0xFF:
            position += 1
            continue
        length = struct.unpack(">H", data[position + 2 : position + 4])[0]
        position += 2 + length
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            break
    # In the scan data a 0xFF byte is followed by 0x00 or a restart marker: FFD9 can only be the end.
    if data.find(b"\xff\xd9", position) == -1:
        raise BrokenImage("JPEG cut short")
