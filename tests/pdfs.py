"""Reading rendered PDFs back in tests: their text, links, page sizes and pixels."""

import subprocess
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

MM = 72 / 25.4


def saved(response, tmp_path: Path, name: str = "download.pdf") -> Path:
    """A streamed PDF download, checked and written to a file."""
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / name
    path.write_bytes(b"".join(response.streaming_content))
    return path


def pages_text(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def text(path: Path) -> str:
    return "\n".join(pages_text(path))


def links(path: Path) -> list[str]:
    """Every URI link annotation in the document."""
    found = []
    for page in PdfReader(path).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action and "/URI" in action:
                found.append(action["/URI"])
    return found


def page_size_mm(path: Path, number: int = 0) -> tuple[int, int]:
    box = PdfReader(path).pages[number].mediabox
    return round(float(box.width) / MM), round(float(box.height) / MM)


def _images(path: Path) -> dict[int, tuple]:
    """Distinct images in the document, by object number (pages of one render share their resources)."""
    found = {}
    for page in PdfReader(path).pages:
        for image in page.images:
            found.setdefault(image.indirect_reference.idnum, (image.indirect_reference.get_object(), image))
    return found


def all_images(path: Path) -> list[Image.Image]:
    return [image.image for _, image in _images(path).values()]


def image_count(path: Path) -> int:
    """Signature images: the JPEG print renditions made at signing time (QR codes are PNGs)."""
    return sum(1 for stream, _ in _images(path).values() if stream.get("/Filter") == "/DCTDecode")


def qr_codes(path: Path) -> list[Image.Image]:
    """The QR codes: the images drawn without smoothing (`image-rendering: pixelated`)."""
    return [
        image.image
        for stream, image in _images(path).values()
        if getattr(stream.get("/Interpolate"), "value", True) is False
    ]


def ink_pixels(path: Path, tmp_path: Path, *, page: int = 1) -> int:
    """Rasterise one page with poppler's pdftoppm and count the pixels that are not (nearly) white."""
    prefix = tmp_path / "page"
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "50",
            "-gray",
            "-png",
            "-singlefile",
            "-f",
            str(page),
            "-l",
            str(page),
            path,
            prefix,
        ],
        check=True,
        timeout=60,
    )
    with Image.open(f"{prefix}.png") as image:
        return sum(count for level, count in enumerate(image.convert("L").histogram()) if level < 200)


def blank_pdf(pages: int = 1) -> bytes:
    """A real (parseable) PDF of blank A4 pages, as a scanner would deliver a sheet."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    for _page in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
