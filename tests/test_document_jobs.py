"""Big documents as background jobs: planned in the request, rendered in chunks by Celery, progress, reuse."""

import datetime
import re

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from pledges import jobs
from pledges.models import DocumentJob
from pledges.pdf import documents
from pledges.tasks import expire_document_jobs
from tests import pdfs
from tests.factories import (
    AttendeeFactory,
    BawasluStaffFactory,
    EventFactory,
    InvitationFactory,
    OpdHeadFactory,
    PactFactory,
    regency,
)

pytestmark = pytest.mark.django_db

Kind = DocumentJob.Kind


@pytest.fixture
def small_chunks(monkeypatch):
    """Jobs from three rows on, in chunks of two rows: several chunks without hundreds of rows."""
    monkeypatch.setitem(jobs.INLINE_MAX_ROWS, Kind.PACTS, 2)
    monkeypatch.setitem(jobs.INLINE_MAX_ROWS, Kind.SIGNED_SHEET, 2)
    monkeypatch.setitem(jobs.INLINE_MAX_ROWS, Kind.BLANK_DECLARATIONS, 2)
    for kind in Kind:
        monkeypatch.setitem(documents.JOB_CHUNK, kind, 2)
    monkeypatch.setattr(jobs, "JOB_CHUNK", documents.JOB_CHUNK)


def _ask(client, name, event, captured, execute=True, **params):
    with captured(execute=execute):
        response = client.get(reverse(name, args=[event.pk]), params)
    assert response.status_code == 302
    return DocumentJob.objects.get(pk=int(re.search(r"/dokumen/(\d+)/", response.url)[1])), response


def test_a_staff_member_gets_all_pacts_of_a_large_event_through_a_job(
    staff_client, django_capture_on_commit_callbacks, tmp_path
):
    """With the real thresholds: 60 pacts are more than a request should render, so two chunks of 50 and 10."""
    event = EventFactory()
    PactFactory.create_batch(60, attendee__event=event)
    job, response = _ask(staff_client, "pledges:event_pacts_pdf", event, django_capture_on_commit_callbacks)
    assert response.url == job.get_absolute_url()
    page = staff_client.get(response.url)
    assert page.status_code == 200
    assert "js/document-job.js" in page.text and "<script>" not in page.text
    status = staff_client.get(reverse("pledges:document_job_status", args=[job.pk])).json()
    assert status["status"] == "done" and (status["chunks_done"], status["chunks_total"]) == (2, 2)
    assert status["pages"] == 60
    path = pdfs.saved(staff_client.get(status["download_url"]), tmp_path)
    assert len(pdfs.pages_text(path)) == 60
    assert f"pakta-{event.code}.pdf" in staff_client.get(status["download_url"])["Content-Disposition"]
    assert not default_storage.listdir(f"documents/parts/{job.pk}/")[1]  # the chunks were removed


def test_the_progress_shows_chunks_done_out_of_the_total_while_the_job_waits(
    staff_client, django_capture_on_commit_callbacks, small_chunks
):
    event = EventFactory()
    PactFactory.create_batch(5, attendee__event=event)
    job, _ = _ask(staff_client, "pledges:event_pacts_pdf", event, django_capture_on_commit_callbacks, False)
    status = staff_client.get(reverse("pledges:document_job_status", args=[job.pk])).json()
    assert status == {
        "status": "queued",
        "label": str(DocumentJob.Status.QUEUED.label),
        "chunks_done": 0,
        "chunks_total": 3,
        "percent": 0,
        "pages": None,
        "download_url": None,
    }
    page = staff_client.get(job.get_absolute_url())
    assert 'data-status="queued"' in page.text and 'aria-valuenow="0"' in page.text
    assert staff_client.get(reverse("pledges:document_job_file", args=[job.pk])).status_code == 404


def test_the_signed_sheet_numbers_rows_and_pages_across_chunks(
    staff_client, django_capture_on_commit_callbacks, small_chunks, tmp_path
):
    event = EventFactory()
    PactFactory.create_batch(5, with_signature=True, attendee__event=event)
    job, _ = _ask(staff_client, "pledges:event_sheet", event, django_capture_on_commit_callbacks, signed="1")
    job.refresh_from_db()
    assert job.kind == Kind.SIGNED_SHEET and job.chunks_total == 3 and job.status == "done"
    path = pdfs.saved(staff_client.get(reverse("pledges:document_job_file", args=[job.pk])), tmp_path)
    pages = pdfs.pages_text(path)
    assert len(pages) == 3  # every chunk starts on a new page
    for number, text in enumerate(pages, start=1):
        assert f"Halaman {number} dari 3" in text
    numbers = [int(n) for n in re.findall(r"^(\d)\.$", "\n".join(pages), re.MULTILINE)]
    assert numbers == [1, 2, 3, 4, 5]
    assert pdfs.image_count(path) == 5


def test_blank_declarations_run_as_a_job_too(
    staff_client, django_capture_on_commit_callbacks, small_chunks, tmp_path
):
    event = EventFactory()
    AttendeeFactory.create_batch(3, event=event)
    job, _ = _ask(staff_client, "pledges:event_blank_declarations", event, django_capture_on_commit_callbacks)
    path = pdfs.saved(staff_client.get(reverse("pledges:document_job_file", args=[job.pk])), tmp_path)
    assert [("Meterai" in page) for page in pdfs.pages_text(path)] == [True] * 3


def test_an_unchanged_document_is_handed_out_again(
    staff_client, staff_user, django_capture_on_commit_callbacks, small_chunks
):
    event = EventFactory()
    PactFactory.create_batch(3, attendee__event=event)
    first, _ = _ask(staff_client, "pledges:event_pacts_pdf", event, django_capture_on_commit_callbacks)
    again, _ = _ask(staff_client, "pledges:event_pacts_pdf", event, django_capture_on_commit_callbacks)
    assert again == first
    # A colleague who sees the same rows gets the stored file at once, without a new render.
    colleague = BawasluStaffFactory()
    staff_client.force_login(colleague)
    with django_capture_on_commit_callbacks() as started:
        shared, _ = _ask(staff_client, "pledges:event_pacts_pdf", event, django_capture_on_commit_callbacks)
    assert not started
    shared.refresh_from_db()
    first.refresh_from_db()
    assert shared != first and shared.requested_by == colleague
    assert shared.status == "done" and shared.file.name == first.file.name
    # A new signature changes the document: a new job.
    PactFactory(attendee__event=event)
    changed, _ = _ask(staff_client, "pledges:event_pacts_pdf", event, django_capture_on_commit_callbacks)
    assert changed not in (first, shared)
    assert changed.fingerprint != first.fingerprint and changed.pages == 4


def test_an_opd_head_gets_a_job_of_their_own_agency_only(
    client, django_capture_on_commit_callbacks, small_chunks, tmp_path
):
    event = EventFactory()
    own, other = PactFactory.create_batch(3, attendee__event=event), PactFactory(attendee__event=event)
    agency = own[0].agency
    for pact in own[1:]:
        pact.attendee.agency = pact.agency = agency
        pact.attendee.save()
        pact.save()
    InvitationFactory(event=event, agency=agency)
    client.force_login(OpdHeadFactory(membership__agency=agency))
    job, _ = _ask(client, "pledges:event_pacts_pdf", event, django_capture_on_commit_callbacks)
    text = pdfs.text(pdfs.saved(client.get(reverse("pledges:document_job_file", args=[job.pk])), tmp_path))
    assert all(pact.signer_name in text for pact in own) and other.signer_name not in text


def test_only_the_requester_follows_and_downloads_a_job(
    client, staff_client, django_capture_on_commit_callbacks, small_chunks
):
    event = EventFactory()
    PactFactory.create_batch(3, attendee__event=event)
    job, _ = _ask(staff_client, "pledges:event_pacts_pdf", event, django_capture_on_commit_callbacks)
    names = ("pledges:document_job", "pledges:document_job_status", "pledges:document_job_file")
    for user in (BawasluStaffFactory(), BawasluStaffFactory(membership__regency=regency("16.02"))):
        client.force_login(user)
        for name in names:
            assert client.get(reverse(name, args=[job.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("pledges:document_job", args=[job.pk])).status_code == 302


def test_a_failed_chunk_fails_the_job_and_the_page_says_so(
    staff_client, django_capture_on_commit_callbacks, small_chunks, monkeypatch
):
    event = EventFactory()
    PactFactory.create_batch(3, attendee__event=event)

    def broken(job):
        raise RuntimeError("layout exploded")

    with monkeypatch.context() as patched:
        patched.setattr("pledges.tasks.engine.render", broken)
        job, _ = _ask(staff_client, "pledges:event_pacts_pdf", event, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == "failed"
    page = staff_client.get(job.get_absolute_url())
    assert 'data-status="failed"' in page.text
    # Asking again starts afresh rather than handing out the failure.
    again, _ = _ask(staff_client, "pledges:event_pacts_pdf", event, django_capture_on_commit_callbacks)
    assert again != job


def test_a_job_lost_with_its_worker_shows_as_failed(
    staff_client, django_capture_on_commit_callbacks, small_chunks
):
    event = EventFactory()
    PactFactory.create_batch(3, attendee__event=event)
    job, _ = _ask(staff_client, "pledges:event_pacts_pdf", event, django_capture_on_commit_callbacks, False)
    DocumentJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - jobs.STALLED_AFTER * 2)
    status = staff_client.get(reverse("pledges:document_job_status", args=[job.pk])).json()
    assert status["status"] == "failed"
    expire_document_jobs()
    job.refresh_from_db()
    assert job.status == "failed"


def test_expired_jobs_go_with_their_files_unless_a_live_job_shares_them(
    staff_client, django_capture_on_commit_callbacks, small_chunks
):
    event = EventFactory()
    PactFactory.create_batch(3, attendee__event=event)
    first, _ = _ask(staff_client, "pledges:event_pacts_pdf", event, django_capture_on_commit_callbacks)
    staff_client.force_login(BawasluStaffFactory())
    shared, _ = _ask(staff_client, "pledges:event_pacts_pdf", event, django_capture_on_commit_callbacks)
    first.refresh_from_db()
    name = first.file.name
    past = timezone.now() - datetime.timedelta(seconds=1)
    DocumentJob.objects.filter(pk=first.pk).update(expires_at=past)
    expire_document_jobs()
    assert not DocumentJob.objects.filter(pk=first.pk).exists()
    assert default_storage.exists(name)  # the colleague's job still hands it out
    DocumentJob.objects.filter(pk=shared.pk).update(expires_at=past)
    expire_document_jobs()
    assert not DocumentJob.objects.exists() and not default_storage.exists(name)


def test_small_documents_still_render_in_the_request(staff_client, tmp_path):
    event = EventFactory()
    PactFactory.create_batch(2, attendee__event=event)
    response = staff_client.get(reverse("pledges:event_pacts_pdf", args=[event.pk]))
    assert len(pdfs.pages_text(pdfs.saved(response, tmp_path))) == 2
    assert not DocumentJob.objects.exists()


def test_the_fingerprint_follows_what_the_document_prints():
    event = EventFactory()
    attendee = AttendeeFactory(event=event)
    plan = documents.plan_document(Kind.SHEET, event)
    assert documents.plan_document(Kind.SHEET, event) == plan
    assert documents.plan_document(Kind.SIGNED_SHEET, event).fingerprint != plan.fingerprint
    attendee.position = "Kepala Bidang"
    attendee.save()
    renamed = documents.plan_document(Kind.SHEET, event)
    assert renamed.ids == plan.ids and renamed.fingerprint != plan.fingerprint
    event.venue = "Gedung Serbaguna"
    event.save()
    assert documents.plan_document(Kind.SHEET, event).fingerprint != renamed.fingerprint


def test_a_large_attendee_export_is_written_in_the_background_in_the_askers_language(
    staff_client, django_capture_on_commit_callbacks, monkeypatch, settings
):
    monkeypatch.setitem(jobs.INLINE_MAX_ROWS, Kind.EXPORT_CSV, 2)
    event = EventFactory()
    AttendeeFactory.create_batch(3, event=event)
    PactFactory(attendee__event=event)
    staff_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.get(reverse("events:export", args=[event.pk, "csv"]))
    job = DocumentJob.objects.get()
    assert response.url == job.get_absolute_url()
    job.refresh_from_db()
    assert (job.kind, job.status, job.language, job.chunks_done) == (Kind.EXPORT_CSV, "done", "en", 1)
    download = staff_client.get(reverse("pledges:document_job_file", args=[job.pk]))
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert download["Content-Disposition"].startswith(f'attachment; filename="peserta-{event.code}-')
    lines = b"".join(download.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Name,") and len(lines) == 5
    assert "Download file" in staff_client.get(job.get_absolute_url()).text
