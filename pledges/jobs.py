"""Document jobs: big PDFs rendered by Celery workers, handed out again while their data is unchanged.

The request plans the document (its rows and fingerprint, a few queries) and either renders it at once, when
it is small, or gets a job: the requester's own unfinished or fresh one, a new row sharing someone's stored
file of the same fingerprint, or a new job that starts once the row is committed. Workers render the chunks
(`pledges.tasks`); the services here record their progress and clean up after them.
"""

import datetime
import logging

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Least
from django.shortcuts import get_object_or_404
from django.utils import timezone

from events.models import Event
from pledges.models import DocumentJob
from pledges.pdf.documents import JOB_CHUNK, Plan

logger = logging.getLogger(__name__)

Kind = DocumentJob.Kind

# Above these many rows a document is rendered in the background (a second or two of work on one core: about
# 7 ms a sheet row and 30 ms a declaration page on the development machine).
INLINE_MAX_ROWS = {
    Kind.SHEET: 300,
    Kind.SIGNED_SHEET: 300,
    Kind.PACTS: 30,
    Kind.BLANK_DECLARATIONS: 30,
    # An attendee export writes some 3,000 rows a second.
    Kind.EXPORT_CSV: 2000,
    Kind.EXPORT_XLSX: 2000,
}
# An unfinished job this old is taken for lost (its worker machine gone), shown as failed and not reused.
STALLED_AFTER = datetime.timedelta(hours=1)


def runs_in_background(plan: Plan) -> bool:
    return len(plan.ids) > INLINE_MAX_ROWS[plan.kind]


def part_name(job_id: int, index: int) -> str:
    """Where a worker leaves one rendered chunk for the merging worker, on storage every machine shares."""
    return f"documents/parts/{job_id}/{index:04d}.pdf"


def document_job_request(*, user, plan: Plan, filename: str, language: str = "id") -> DocumentJob:
    """The job that gives `user` the planned document; a new one is started after the transaction commits.

    An export is one piece (`language`: its column headers); a PDF is rendered in chunks of JOB_CHUNK rows.
    """
    now = timezone.now()
    live = DocumentJob.objects.filter(fingerprint=plan.fingerprint, expires_at__gt=now).filter(
        Q(status=DocumentJob.Status.DONE)
        | Q(
            status__in=[DocumentJob.Status.QUEUED, DocumentJob.Status.RUNNING],
            created_at__gt=now - STALLED_AFTER,
        )
    )
    own = live.filter(requested_by=user).first()
    if own is not None:
        return own
    chunk_size = JOB_CHUNK.get(plan.kind) or max(len(plan.ids), 1)
    job = DocumentJob(
        kind=plan.kind,
        event_id=plan.event_id,
        agency_id=plan.agency_id,
        requested_by=user,
        rows=list(plan.ids),
        chunk_size=chunk_size,
        fingerprint=plan.fingerprint,
        chunks_total=len(plan.chunks(chunk_size)),
        filename=filename,
        language=language,
        expires_at=now + datetime.timedelta(hours=settings.DOCUMENT_JOB_HOURS),
    )
    stored = live.filter(status=DocumentJob.Status.DONE).first()
    if stored is not None:
        # Equal fingerprints print the same: the stored file serves this requester too.
        job.status, job.file, job.pages = DocumentJob.Status.DONE, stored.file.name, stored.pages
        job.chunks_done, job.finished_at = job.chunks_total, now
    job.full_clean(exclude=["file", "rows"])
    job.save()
    if job.status == DocumentJob.Status.QUEUED:
        from pledges.tasks import start_document_job

        # After commit: a worker on another machine must find the row. `robust`: a broker that is down leaves
        # the job queued (shown as such, then as failed) instead of failing the request.
        transaction.on_commit(lambda: start_document_job.delay(job.pk), robust=True)
    return job


def get_document_job_for_user(user, pk) -> DocumentJob:
    """A job its requester may follow and download, while they still see its event; anyone else gets 404."""
    jobs = DocumentJob.objects.filter(requested_by=user, event__in=Event.objects.visible_to(user))
    return get_object_or_404(jobs.select_related("event"), pk=pk)


def document_job_is_stalled(job: DocumentJob) -> bool:
    return not job.is_finished and job.created_at < timezone.now() - STALLED_AFTER


def document_job_chunk_done(*, job_id: int) -> None:
    # Least(): a chunk redelivered after its worker died may report twice.
    DocumentJob.objects.filter(pk=job_id).update(chunks_done=Least(F("chunks_done") + 1, F("chunks_total")))


def document_job_fail(*, job_id: int) -> None:
    DocumentJob.objects.filter(pk=job_id).exclude(status=DocumentJob.Status.DONE).update(
        status=DocumentJob.Status.FAILED, finished_at=timezone.now()
    )


def _discard_parts(job: DocumentJob) -> None:
    for index in range(job.chunks_total):
        default_storage.delete(part_name(job.pk, index))


def document_jobs_expire() -> int:
    """Delete expired jobs with their files (a file shared by a job still live stays), mark lost ones failed.

    Returns the number of jobs deleted.
    """
    now = timezone.now()
    DocumentJob.objects.filter(
        status__in=[DocumentJob.Status.QUEUED, DocumentJob.Status.RUNNING], created_at__lt=now - STALLED_AFTER
    ).update(status=DocumentJob.Status.FAILED, finished_at=now)
    expired = list(DocumentJob.objects.filter(expires_at__lte=now))
    for job in expired:
        _discard_parts(job)
    DocumentJob.objects.filter(pk__in=[job.pk for job in expired]).delete()
    names = {job.file.name for job in expired if job.file}
    kept = set(DocumentJob.objects.filter(file__in=names).values_list("file", flat=True))
    for name in names - kept:
        default_storage.delete(name)
    return len(expired)
