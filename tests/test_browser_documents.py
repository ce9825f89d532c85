"""A staff member asks for all pacts of a large event in Chromium, watches the progress and downloads the PDF."""

import pytest
from playwright.sync_api import Page, expect

from pledges import jobs
from pledges.models import DocumentJob
from pledges.pdf import documents
from pledges.tasks import merge_document_chunks, render_document_chunk, start_document_job
from tests import pdfs
from tests.factories import BawasluStaffFactory, EventFactory, PactFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_watch_a_document_job_and_download_it(live_server, page: Page, monkeypatch, tmp_path):
    monkeypatch.setitem(jobs.INLINE_MAX_ROWS, DocumentJob.Kind.PACTS, 2)
    monkeypatch.setitem(documents.JOB_CHUNK, DocumentJob.Kind.PACTS, 2)
    # The job waits for a worker: this test plays the worker, chunk by chunk, while the page watches.
    monkeypatch.setattr(start_document_job, "delay", lambda job_id: None)
    staff = BawasluStaffFactory()
    event = EventFactory(title="Apel Ikrar Netralitas ASN")
    PactFactory.create_batch(4, attendee__event=event)

    page.goto(live_server.url + "/masuk/")
    page.fill("input[name=username]", staff.username)
    page.fill("input[name=password]", "rahasia-123")
    page.locator("main button[type=submit]").click()
    page.goto(live_server.url + event.get_absolute_url())
    page.get_by_role("button", name="Semua pakta").click()
    expect(page.locator("h1")).to_have_text("Semua pakta")
    progress = page.locator("[data-document-job]")
    expect(progress).to_contain_text("0 dari 2 bagian selesai")
    expect(page.locator("[data-job=download]")).to_be_hidden()

    job = DocumentJob.objects.get()
    DocumentJob.objects.filter(pk=job.pk).update(status=DocumentJob.Status.RUNNING)
    first = render_document_chunk(job.pk, 0)
    expect(progress).to_contain_text("1 dari 2 bagian selesai")
    expect(progress).to_have_attribute("data-status", "running")

    merge_document_chunks([first, render_document_chunk(job.pk, 1)], job.pk)
    expect(progress).to_contain_text("2 dari 2 bagian selesai")
    download_link = page.locator("[data-job=download]")
    expect(download_link).to_be_visible()
    with page.expect_download() as download:
        download_link.click()
    path = tmp_path / "pakta.pdf"
    download.value.save_as(path)
    assert download.value.suggested_filename == f"pakta-{event.code}.pdf"
    assert len(pdfs.pages_text(path)) == 4
