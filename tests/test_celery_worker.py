"""One document made end to end by a real `celery -A neutrality worker` process against Redis.

The worker reads the same test database and media folder as this process; the broker and result store are the
Redis database TEST_REDIS_URL names (default: database 15 of the local Redis, the tests' own), which this test empties first.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from celery import Celery
from django.conf import settings
from django.db import connection
from django.urls import reverse

from pledges import jobs
from pledges.models import DocumentJob
from pledges.pdf import documents
from pledges.tasks import start_document_job
from tests import pdfs
from tests.factories import EventFactory, PactFactory

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
WAIT_SECONDS = 180


def _redis_reachable() -> bool:
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        return False


pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not _redis_reachable(), reason=f"no Redis answers at {REDIS_URL} (set TEST_REDIS_URL)"
    ),
]


def _database_url() -> str:
    """The test database as the worker's DATABASE_URL."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path):
    redis.Redis.from_url(REDIS_URL).flushdb()
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "neutrality.settings",
        "SECRET_KEY": "test-worker",
        "DEBUG": "1",  # static file URLs without a collectstatic manifest, as in the tests
        "REDIS_URL": REDIS_URL,
        "DATABASE_URL": _database_url(),
        "CONN_MAX_AGE": "0",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "SITE_URL": settings.SITE_URL,
    }
    command = [sys.executable, "-m", "celery", "-A", "neutrality", "worker", "--loglevel=INFO"]
    command += ["--concurrency=2", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    command += ["--hostname", f"test-{os.getpid()}@%h"]
    with open(log, "wb") as output:
        process = subprocess.Popen(
            command, cwd=Path(settings.BASE_DIR), env=env, stdout=output, stderr=subprocess.STDOUT
        )
    process.log = log
    yield process
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    redis.Redis.from_url(REDIS_URL).flushdb()


@pytest.fixture
def to_the_worker(monkeypatch):
    """Jobs started by the site go to the broker (the other tests run them at once, in-process)."""
    sender = Celery("test-sender", broker=REDIS_URL, backend=REDIS_URL)
    monkeypatch.setattr(
        start_document_job,
        "delay",
        lambda job_id: sender.send_task("pledges.tasks.start_document_job", args=[job_id]),
    )
    yield
    sender.close()


def test_a_real_worker_renders_a_document_in_chunks_and_the_staff_downloads_it(
    worker, to_the_worker, staff_client, monkeypatch, tmp_path
):
    monkeypatch.setitem(jobs.INLINE_MAX_ROWS, DocumentJob.Kind.PACTS, 2)
    monkeypatch.setitem(documents.JOB_CHUNK, DocumentJob.Kind.PACTS, 2)
    event = EventFactory()
    pacts = PactFactory.create_batch(6, with_signature=True, attendee__event=event)
    response = staff_client.get(reverse("pledges:event_pacts_pdf", args=[event.pk]))
    assert response.status_code == 302
    job = DocumentJob.objects.get(requested_by__isnull=False)
    assert response.url == job.get_absolute_url()
    status_url = reverse("pledges:document_job_status", args=[job.pk])
    seen = []
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline and worker.poll() is None:
        status = staff_client.get(status_url).json()
        seen.append((status["status"], status["chunks_done"], status["chunks_total"]))
        if status["status"] in ("done", "failed"):
            break
        time.sleep(0.5)
    log = worker.log.read_text(errors="replace")[-4000:]
    assert status["status"] == "done", f"{seen[-5:]}\n{log}"
    assert seen[-1] == ("done", 3, 3)
    assert all(total == 3 and 0 <= done <= 3 for _status, done, total in seen)
    assert "render_document_chunk" in log and "merge_document_chunks" in log
    download = staff_client.get(status["download_url"])
    path = tmp_path / "pakta.pdf"
    path.write_bytes(b"".join(download.streaming_content))
    pages = pdfs.pages_text(path)
    assert len(pages) == 6
    assert sorted(pact.code for pact in pacts) == sorted(
        next(pact.code for pact in pacts if pact.code in page) for page in pages
    )
    # Every drawn signature, read by the worker through storage.
    assert pdfs.image_count(path) == 6
