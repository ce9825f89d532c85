"""WeasyPrint rendering, in this process or in worker processes, and the merging of chunks with pypdf.

Nothing here imports Django: the fork server preloads this module, and its children render HTML that the
parent already built from the database.
"""

import multiprocessing
import os
import resource
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from pledges.pdf.fetcher import AssetFetcher, AssetRoots

# One per process, made at import so that the fork server's children start with it ready.
FONT_CONFIG = FontConfiguration()
_stylesheets: dict[tuple[AssetRoots, str], CSS] = {}

# A worker that runs away (a pathological layout) is killed rather than left to eat the machine.
WORKER_CPU_SECONDS = 300
WORKER_MEMORY_BYTES = 3 * 1024**3

# Archival PDF (ISO 19005-3): fonts embedded, an sRGB output intent, XMP metadata, and associated files (the
# pact's log leaf and proof, added when the document is sealed) allowed.
PDF_VARIANT = "pdf/a-3b"
# What a merged document keeps from its first chunk's catalogue to stay PDF/A.
ARCHIVAL_CATALOG_KEYS = ("/Metadata", "/OutputIntents")


@dataclass(frozen=True)
class RenderJob:
    """One HTML document to lay out and write to `out_path`; everything in it pickles. `media` holds the
    bytes of the signature images it draws, by storage name (read by the parent through Django's storage)."""

    html: str
    roots: AssetRoots
    stylesheet_url: str
    out_path: Path
    media: dict[str, bytes] = field(default_factory=dict)


@dataclass(frozen=True)
class RenderResult:
    path: Path
    pages: int
    peak_rss_kib: int
    cpu_seconds: float
    pid: int


def stylesheet(roots: AssetRoots, url: str) -> CSS:
    """The print stylesheet, parsed once per process, through the same restricted fetcher."""
    key = (roots, url)
    if key not in _stylesheets:
        _stylesheets[key] = CSS(url=url, url_fetcher=AssetFetcher(roots), font_config=FONT_CONFIG)
    return _stylesheets[key]


def render(job: RenderJob) -> RenderResult:
    """Lay out one document and write it; images are read and decoded once per document (`cache`)."""
    started = time.process_time()
    fetcher = AssetFetcher(job.roots, job.media)
    document = HTML(string=job.html, base_url=job.roots.base_url, url_fetcher=fetcher).render(
        font_config=FONT_CONFIG,
        stylesheets=[stylesheet(job.roots, job.stylesheet_url)],
        cache={},
    )
    document.write_pdf(job.out_path, pdf_variant=PDF_VARIANT)
    return RenderResult(
        path=job.out_path,
        pages=len(document.pages),
        peak_rss_kib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        cpu_seconds=time.process_time() - started,
        pid=os.getpid(),
    )


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def render_all(jobs: list[RenderJob], *, workers: int | None = None) -> list[RenderResult]:
    """Render independent documents, in parallel worker processes when there are several and cores to spare.

    One WeasyPrint document uses one core; the maintainers advise separate processes (not threads), with
    limits. Workers come from a fork server that preloaded this module, so each starts in milliseconds.
    """
    workers = min(workers or cpu_count(), len(jobs))
    if workers <= 1 and len(jobs) == 1:
        return [render(jobs[0])]
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    # A fresh process per chunk: the memory a layout took goes back to the system when the chunk is done.
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_limit_worker, max_tasks_per_child=1
    ) as pool:
        return list(pool.map(render, jobs))


def _limit_worker() -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (WORKER_CPU_SECONDS, WORKER_CPU_SECONDS))
    resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY_BYTES, WORKER_MEMORY_BYTES))


def merge(paths: list[Path], out_path: Path, *, stamps: Path | None = None) -> int:
    """Concatenate PDFs into `out_path`; `stamps`, a document with one page per page of the result, is drawn
    over them (the page footers, whose numbers only the whole can know). Returns the number of pages."""
    writer = PdfWriter()
    readers = [PdfReader(path) for path in paths]
    for reader in readers:
        writer.append(reader)
    _keep_archival_metadata(writer, readers[0])
    if stamps is not None:
        overlay = PdfReader(stamps)
        if len(overlay.pages) != len(writer.pages):
            raise ValueError(f"{len(overlay.pages)} footers for {len(writer.pages)} pages")
        for page, stamp in zip(writer.pages, overlay.pages, strict=True):
            page.merge_page(stamp)
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    with open(out_path, "wb") as target:
        writer.write(target)
    return len(writer.pages)


def _keep_archival_metadata(writer: PdfWriter, first: PdfReader) -> None:
    """Carry the first chunk's PDF/A identification over to the merged file: pypdf copies pages, not the
    catalogue's XMP metadata and output intent, and writes its own producer into the information dictionary,
    which PDF/A requires to agree with the XMP."""
    root = first.trailer["/Root"]
    for key in ARCHIVAL_CATALOG_KEYS:
        if key in root:
            writer.root_object[NameObject(key)] = root.raw_get(key).clone(writer)
    writer.pdf_header = first.pdf_header
    if first.metadata:
        writer.add_metadata(first.metadata)
    writer.generate_file_identifiers()
