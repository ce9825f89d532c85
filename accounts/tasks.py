"""Periodic upkeep of staff accounts, sent by Celery beat (neutrality/settings.py, CELERY_BEAT_SCHEDULE)."""

from celery import shared_task
from django.core.management import call_command


@shared_task(ignore_result=True)
def clear_expired_sessions() -> None:
    """Delete sessions past their expiry (a working day without a request): Django's `clearsessions`."""
    call_command("clearsessions")
