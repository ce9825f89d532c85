"""Reading rendered PDFs back in tests: their text, links, page sizes and pixels."""

import re
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


# --- PDF/A-3b structure ----------------------------------------------------------------------------------------
# veraPDF, the reference validator, is a Java program that none of the registries this project installs from
# carries; these checks cover the rules of ISO 19005-3 that our documents could break.

PDFA_XMP = re.compile(rb'pdfaid:part="3"|<pdfaid:part>3</pdfaid:part>')
PDFA_B = re.compile(rb'pdfaid:conformance="B"|<pdfaid:conformance>B</pdfaid:conformance>')
XMP_PRODUCER = re.compile(rb'pdf:Producer="([^"]*)"|<pdf:Producer>([^<]*)</pdf:Producer>')


def _fonts(resources, seen: set) -> list:
    """Every font dictionary reachable from a resource dictionary, through forms and appearance streams."""
    found = []
    if not resources:
        return found
    resources = resources.get_object()
    for font in (resources.get("/Font") or {}).values():
        font = font.get_object()
        found += [descendant.get_object() for descendant in font.get("/DescendantFonts") or []] or [font]
    for xobject in (resources.get("/XObject") or {}).values():
        if xobject.indirect_reference and xobject.indirect_reference.idnum in seen:
            continue
        if xobject.indirect_reference:
            seen.add(xobject.indirect_reference.idnum)
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form":
            found += _fonts(xobject.get("/Resources"), seen)
    return found


def pdfa_problems(path: Path) -> list[str]:
    """What in the file breaks PDF/A-3b, as far as these structural checks see (empty when nothing does)."""
    data = Path(path).read_bytes()
    reader = PdfReader(path)
    root = reader.trailer["/Root"]
    problems = []
    if not re.match(rb"%PDF-1\.[0-7]", data):
        problems.append("header is not %PDF-1.0 to 1.7")
    if str(root.get("/Version", "/1.7")) not in {f"/1.{n}" for n in range(8)}:
        problems.append(f"catalogue declares version {root['/Version']}")
    if "/Encrypt" in reader.trailer:
        problems.append("encrypted")
    if "/ID" not in reader.trailer:
        problems.append("no file identifier in the trailer")
    xmp = root["/Metadata"].get_object().get_data() if "/Metadata" in root else b""
    if not (PDFA_XMP.search(xmp) and PDFA_B.search(xmp)):
        problems.append("no PDF/A-3B identification in the XMP metadata")
    producer = XMP_PRODUCER.search(xmp)
    xmp_producer = (producer.group(1) or producer.group(2)).decode() if producer else None
    info = reader.trailer["/Info"].get_object() if "/Info" in reader.trailer else {}
    if "/Producer" in info and info["/Producer"] != xmp_producer:
        problems.append("information dictionary and XMP disagree on the producer")
    intents = [intent.get_object() for intent in root.get("/OutputIntents") or []]
    if not any(intent.get("/S") == "/GTS_PDFA1" and "/DestOutputProfile" in intent for intent in intents):
        problems.append("no PDF/A output intent with an ICC profile")
    if "/JavaScript" in (root.get("/Names") or {}) or "/OpenAction" in root:
        problems.append("scripts or an open action")
    seen: set = set()
    fonts = []
    for page in reader.pages:
        fonts += _fonts(page.get("/Resources"), seen)
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            flags = int(annotation.get("/F", 0))
            if annotation.get("/Subtype") != "/Popup" and (not flags & 4 or flags & (1 | 2 | 32)):
                problems.append(f"annotation {annotation.get('/Subtype')} not printable (flags {flags})")
            appearance = (annotation.get("/AP") or {}).get("/N")
            if appearance is not None:
                fonts += _fonts(appearance.get_object().get("/Resources"), seen)
    for font in fonts:
        descriptor = font.get("/FontDescriptor")
        if descriptor is None or not {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.get_object()):
            problems.append(f"font {font.get('/BaseFont')} not embedded")
    associated = {ref.idnum for ref in (root.get("/AF") or [])}
    names = (root.get("/Names") or {}).get("/EmbeddedFiles")
    specs = list(names.get_object()["/Names"][1::2]) if names is not None else []
    for spec_ref in specs:
        spec = spec_ref.get_object()
        stream = spec["/EF"]["/F"].get_object()
        if spec_ref.idnum not in associated:
            problems.append(f"embedded file {spec['/F']} is not an associated file of the document")
        if "/AFRelationship" not in spec or "/UF" not in spec:
            problems.append(f"embedded file {spec['/F']} lacks AFRelationship or UF")
        if "/Subtype" not in stream or "/ModDate" not in (stream.get("/Params") or {}):
            problems.append(f"embedded file {spec['/F']} lacks its MIME type or modification date")
    return problems


def seal_statuses(path: Path, roots: list) -> list:
    """pyHanko's validation of every signature in the file, against `roots`, with the revocation data the file
    embeds and nothing fetched."""
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.dss import DocumentSecurityStore
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(Path(path).read_bytes()))
    options = {"trust_roots": roots, "allow_fetching": False}
    context = (
        DocumentSecurityStore.read_dss(reader).as_validation_context(options)
        if "/DSS" in reader.root
        else ValidationContext(**options)
    )
    return [validate_pdf_signature(signature, context) for signature in reader.embedded_regular_signatures]


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
