"""/healthz: what a load balancer asks each web server."""

import os

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

pytestmark = pytest.mark.django_db

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


def test_it_answers_each_components_status_without_a_login(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok", "storage": "ok", "queue": "off"}
    assert "no-cache" in response["Cache-Control"]


def test_it_writes_to_storage_and_leaves_no_probe_file(client, settings):
    client.get(reverse("healthz"))
    assert settings.MEDIA_ROOT.is_dir()  # the probe really wrote there
    assert list(settings.MEDIA_ROOT.iterdir()) == []


def test_it_is_503_when_the_cache_is_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": UNREACHABLE_REDIS,
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["cache"] == "error" and response.json()["database"] == "ok"
    # What failed is logged, not told: no address, no exception text.
    assert b"127.0.0.1" not in response.content and b"Error" not in response.content


def test_it_is_503_when_storage_cannot_be_written(client, settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.MEDIA_ROOT = blocker / "media"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["storage"] == "error"


def test_it_is_503_when_the_database_is_down(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "error"


def test_it_is_not_redirected_to_https_so_a_load_balancer_can_probe_plain_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("home")).status_code == 301
    assert client.get(reverse("healthz")).status_code == 200


def test_it_only_answers_get(client):
    assert client.post(reverse("healthz")).status_code == 405


def _broker(settings, url):
    pytest.importorskip("neutrality.celery", reason="the task queue (Celery app) is not part of this build")
    settings.CELERY_BROKER_URL = url
    settings.CELERY_TASK_ALWAYS_EAGER = False


def test_the_queue_is_ok_when_the_broker_answers(client, settings):
    _broker(settings, os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"))
    response = client.get(reverse("healthz"))
    assert response.status_code == 200 and response.json()["queue"] == "ok"


def test_it_is_503_when_the_broker_is_down(client, settings):
    _broker(settings, UNREACHABLE_REDIS)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503 and response.json()["queue"] == "error"
