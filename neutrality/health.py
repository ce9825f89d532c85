"""What a load balancer asks before it sends a web server traffic: can it reach everything it needs?"""

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

logger = logging.getLogger(__name__)

OK = "ok"
DOWN = "error"
OFF = "off"  # not configured on this deployment, which is not a failure


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return OK


def _cache() -> str:
    # A key per probe: several web servers probing one Redis at once must not read each other's token.
    key, token = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, token, timeout=10)
    answer = cache.get(key)
    cache.delete(key)
    return OK if answer == token else DOWN


def _storage() -> str:
    name = default_storage.save(f"healthz-{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    default_storage.delete(name)
    return OK


def _queue() -> str:
    """The task broker answers. Workers are not asked: a web server serves its pages without them."""
    if not getattr(settings, "CELERY_BROKER_URL", "") or getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        return OFF  # tasks run inside the request: there is no queue to be down
    from neutrality.celery import app

    with app.connection_for_write(settings.CELERY_BROKER_URL) as connection:
        connection.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    return OK


PROBES = {"database": _database, "cache": _cache, "storage": _storage, "queue": _queue}


def system_status() -> dict[str, str]:
    """``ok``, ``error`` or ``off`` per component; what went wrong goes to the log, never into the answer."""
    status = {}
    for name, probe in PROBES.items():
        try:
            status[name] = probe()
        except Exception:
            logger.exception("Health check: %s is down", name)
            status[name] = DOWN
    return status
