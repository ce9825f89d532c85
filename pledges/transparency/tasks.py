"""The sequencer as a Celery task: queued after each signing or withdrawal commits, and run by beat every few
seconds to pick up whatever a lost message left behind. Without a broker it runs in the request (eager)."""

from celery import shared_task

from pledges.transparency.services import log_sequence_all


@shared_task(ignore_result=True)
def sequence_log() -> None:
    log_sequence_all()
