"""The same signature posted several times at once still makes exactly one pact (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from events.models import Regency
from events.services import regions_load
from pledges.models import Pact
from tests.factories import AttendeeFactory, BawasluStaffFactory, signing_post

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises whole-database writes and has no row locks: the race needs PostgreSQL",
    ),
]

REQUESTS = 4


@pytest.fixture(autouse=True)
def _regions():
    if not Regency.objects.exists():  # an earlier transactional test flushed the migration's regions
        regions_load()


@pytest.mark.parametrize("same_form", [True, False], ids=["one form posted four times", "four forms"])
def test_concurrent_posts_for_one_attendee_make_one_pact(settings, same_form):
    staff = BawasluStaffFactory()
    attendee = AttendeeFactory()
    url = reverse("pledges:kiosk_sign", args=[attendee.event.pk, attendee.pk])
    form = signing_post()
    start = threading.Barrier(REQUESTS)
    responses = []

    def post():
        client = Client()
        client.force_login(staff)
        try:
            start.wait()
            responses.append(client.post(url, form if same_form else signing_post()))
        finally:
            connection.close()  # each thread has its own connection; leave none open for the teardown

    threads = [threading.Thread(target=post) for _ in range(REQUESTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    pact = Pact.objects.get(attendee=attendee)
    done = reverse("pledges:kiosk_done", args=[attendee.event.pk, pact.code])
    if same_form:  # a form sent again (its answer lost) gets its pact back
        assert [(r.status_code, r.url) for r in responses] == [(302, done)] * REQUESTS
    else:
        assert sorted(r.status_code for r in responses) == [302] + [409] * (REQUESTS - 1)
    stored = [p for p in (settings.MEDIA_ROOT / "signatures").rglob("*") if p.is_file()]
    assert len(stored) == 2  # one record PNG and one print JPEG: the other requests wrote nothing
