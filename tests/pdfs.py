"""Reading rendered PDFs back in tests: their text, links, page sizes and pixels."""

import subprocess
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

MM = 72 / 25.4


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


def image_count(path: Path) -> int:
    """Distinct images in the document (pages of one render share a resource dictionary)."""
    return len({image.indirect_reference.idnum for page in PdfReader(path).pages for image in page.images})


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
