"""Celery tasks: big documents as a group of chunk renders merged by a chord callback, and the periodic sweeps.

Every chunk is independent (its rows are fixed in the job), so any number of worker machines render one
document side by side; chunks meet again on the shared storage, where the merging worker reads them.
"""

import logging
import secrets
import tempfile
from pathlib import Path

from celery import chord, group, shared_task
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone, translation

from events.models import Event
from pledges import exports, jobs
from pledges.models import DocumentJob
from pledges.pdf import documents, engine

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def start_document_job(job_id: int) -> None:
    """Fan a queued job out into one task per chunk; the last to finish triggers the merge."""
    updated = DocumentJob.objects.filter(pk=job_id, status=DocumentJob.Status.QUEUED).update(
        status=DocumentJob.Status.RUNNING
    )
    if not updated:  # gone, or already started (a message delivered twice)
        return
    job = DocumentJob.objects.get(pk=job_id)
    if job.is_export:
        _export(job)
        return
    header = group(render_document_chunk.s(job_id, index) for index in range(job.chunks_total))
    chord(header)(merge_document_chunks.s(job_id))


def _export(job: DocumentJob) -> None:
    """An attendee export is one piece: written at once, in the language of the person who asked."""
    build, extension, _content_type = exports.EXPORTERS[job.kind]
    try:
        with translation.override(job.language):
            content = build(Event.objects.get(pk=job.event_id))
        job.file.save(f"{secrets.token_hex(16)}.{extension}", ContentFile(content), save=False)
    except Exception:
        jobs.document_job_fail(job_id=job.pk)
        raise
    job.status, job.chunks_done, job.finished_at = DocumentJob.Status.DONE, job.chunks_total, timezone.now()
    job.save(update_fields=["status", "chunks_done", "finished_at", "file"])


@shared_task
def render_document_chunk(job_id: int, index: int) -> dict:
    """Render one chunk of a job's rows and leave it on the shared storage; returns where, and its pages."""
    job = DocumentJob.objects.get(pk=job_id)
    start = index * job.chunk_size
    try:
        with tempfile.TemporaryDirectory(prefix="netralitas-chunk-") as folder:
            render = documents.chunk_job(
                kind=job.kind,
                event_id=job.event_id,
                agency_id=job.agency_id,
                ids=job.rows[start : start + job.chunk_size],
                first_number=start + 1,
                last=index == job.chunks_total - 1,
                out=Path(folder) / "chunk.pdf",
            )
            result = engine.render(render)
            name = jobs.part_name(job_id, index)
            default_storage.delete(name)  # left by an earlier delivery of this chunk
            with open(result.path, "rb") as handle:
                name = default_storage.save(name, File(handle))
    except Exception:
        jobs.document_job_fail(job_id=job_id)
        raise
    jobs.document_job_chunk_done(job_id=job_id)
    return {"name": name, "pages": result.pages}


@shared_task(ignore_result=True)
def merge_document_chunks(parts: list[dict], job_id: int) -> None:
    """Concatenate the chunks in order, stamp the sheet's page footers over them, store the document."""
    job = DocumentJob.objects.get(pk=job_id)
    try:
        with tempfile.TemporaryDirectory(prefix="netralitas-merge-") as folder:
            paths = []
            for index, part in enumerate(parts):
                path = Path(folder) / f"{index:04d}.pdf"
                with default_storage.open(part["name"], "rb") as source:
                    path.write_bytes(source.read())
                paths.append(path)
            total = sum(part["pages"] for part in parts)
            footers = documents.footers_job(
                kind=job.kind, event_id=job.event_id, total=total, out=Path(folder) / "footers.pdf"
            )
            out = Path(folder) / "document.pdf"
            pages = engine.merge(paths, out, stamps=engine.render(footers).path if footers else None)
            with open(out, "rb") as handle:
                job.file.save(f"{secrets.token_hex(16)}.pdf", File(handle), save=False)
    except Exception:
        jobs.document_job_fail(job_id=job_id)
        raise
    finally:
        for part in parts:
            default_storage.delete(part["name"])
    job.status, job.pages, job.chunks_done, job.finished_at = (
        DocumentJob.Status.DONE,
        pages,
        job.chunks_total,
        timezone.now(),
    )
    job.save(update_fields=["status", "pages", "chunks_done", "finished_at", "file"])


@shared_task(ignore_result=True)
def expire_document_jobs() -> None:
    jobs.document_jobs_expire()


@shared_task(ignore_result=True)
def sweep_orphan_media() -> None:
    from pledges.sweep import media_sweep_orphans

    media_sweep_orphans()


@shared_task
def shred_personal_data() -> str:
    """The retention schedule, once a day: what each rule removed, as `manage.py shred` reports it."""
    from pledges import shredder

    return shredder.summary(shredder.shred())
