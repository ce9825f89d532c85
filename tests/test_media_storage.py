"""Media on any storage: the settings that choose it, and the whole path on a real S3-compatible server.

The S3 tests run moto's server mode on loopback (port 8121), started and stopped here.
"""

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from django.urls import reverse
from django.utils import timezone
from moto.server import ThreadedMotoServer

from pledges.models import DocumentJob, Pact
from pledges.services import pact_sign
from pledges.sweep import media_sweep_orphans
from tests import pdfs
from tests.factories import AttendeeFactory, EventFactory, PactFactory, signature_data_url

ROOT = Path(__file__).resolve().parent.parent
S3_PORT = 8121
BUCKET = "netralitas-test"


def _settings(**env) -> dict:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("S3_", "MEDIA_", "REDIS", "CELERY"))
    }
    environment.update({"SECRET_KEY": "x", **env})
    script = (
        "import json, neutrality.settings as s; print(json.dumps({'storage': s.STORAGES['default'], "
        "'eager': s.CELERY_TASK_ALWAYS_EAGER, 'broker': s.CELERY_BROKER_URL}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_media_is_on_the_local_disk_by_default_and_tasks_run_at_once_without_redis():
    chosen = _settings()
    assert chosen["storage"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert chosen["eager"] is True


def test_redis_becomes_the_task_broker():
    chosen = _settings(REDIS_URL="redis://127.0.0.1:6379/5")
    assert chosen == {**chosen, "eager": False, "broker": "redis://127.0.0.1:6379/5"}


def test_the_environment_puts_media_in_an_s3_bucket():
    chosen = _settings(
        MEDIA_STORAGE="s3",
        S3_BUCKET="media",
        S3_ENDPOINT_URL="https://s3.example.org",
        S3_REGION="ap-southeast-3",
    )
    assert chosen["storage"]["BACKEND"] == "storages.backends.s3.S3Storage"
    options = chosen["storage"]["OPTIONS"]
    assert (options["bucket_name"], options["endpoint_url"], options["region_name"]) == (
        "media",
        "https://s3.example.org",
        "ap-southeast-3",
    )
    assert options["default_acl"] == "private" and options["querystring_auth"] is True


@pytest.fixture(scope="module")
def s3_server():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=S3_PORT, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{S3_PORT}"
    server.stop()


@pytest.fixture
def bucket(s3_server, settings):
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_server,
                "region_name": "us-east-1",
                "access_key": "testing",
                "secret_key": "testing",
                "default_acl": "private",
                "file_overwrite": False,
            },
        },
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def _keys(client) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


@pytest.mark.django_db
def test_signatures_documents_and_public_copies_live_in_the_bucket(
    bucket, settings, staff_client, client, django_capture_on_commit_callbacks, monkeypatch, tmp_path
):
    from pledges import jobs
    from pledges.pdf import documents

    monkeypatch.setitem(jobs.INLINE_MAX_ROWS, DocumentJob.Kind.SIGNED_SHEET, 1)
    monkeypatch.setitem(documents.JOB_CHUNK, DocumentJob.Kind.SIGNED_SHEET, 1)
    event = EventFactory()
    signed = [
        pact_sign(attendee=AttendeeFactory(event=event), signature_data_url=signature_data_url(seed))
        for seed in range(2)
    ]
    keys = _keys(bucket)
    assert len(keys) == 4 and all(key.startswith("signatures/") for key in keys)
    assert not settings.MEDIA_ROOT.exists()  # nothing on the local disk

    # The signed sheet, as a job of two chunks: the worker reads the signatures from the bucket, leaves its
    # chunks there and stores the merged document there.
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.get(reverse("pledges:event_sheet", args=[event.pk]), {"signed": "1"})
    job = DocumentJob.objects.get()
    assert response.url == job.get_absolute_url() and job.chunks_total == 2
    job.refresh_from_db()
    assert job.status == "done" and job.file.name in _keys(bucket)
    path = tmp_path / "sheet.pdf"
    path.write_bytes(
        b"".join(staff_client.get(reverse("pledges:document_job_file", args=[job.pk])).streaming_content)
    )
    assert pdfs.image_count(path) == 2
    assert "Halaman 2 dari 2" in pdfs.text(path)
    assert not [key for key in _keys(bucket) if key.startswith("documents/parts/")]

    # The public copy is stored in the bucket, and the registry serves the signature image from it.
    pact = signed[0]
    response = client.get(reverse("pledges:pact_pdf", args=[pact.code]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert [key for key in _keys(bucket) if key.startswith(f"public/pakta/{pact.code}-")]
    image = client.get(reverse("pledges:pact_signature", args=[pact.code]))
    assert b"".join(image.streaming_content).startswith(b"\x89PNG")


@pytest.mark.django_db
def test_the_sweeper_removes_orphans_from_the_bucket(bucket):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    pact = PactFactory(with_signature=True)
    month = timezone.now().strftime("%Y/%m")
    orphan = default_storage.save(f"signatures/{month}/lost.png", ContentFile(b"png"))
    later = timezone.now() + datetime.timedelta(hours=2)
    assert media_sweep_orphans(now=later) == [orphan]
    assert sorted(_keys(bucket)) == sorted([pact.signature.name, pact.signature_print.name])
    assert Pact.objects.get().signature.name in _keys(bucket)
