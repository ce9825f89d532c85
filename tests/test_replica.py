"""The read replica: public registry pages read from it, writes and staff pages never do (neutrality/db.py)."""

import os
import subprocess
import sys

import pytest
from django.contrib.sessions.models import Session
from django.db import connections, router, transaction
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Event
from neutrality.db import PRIMARY, REPLICA, ReplicaRouter, reads_from_replica, replica_reads
from pledges.attendance import attendance_code
from pledges.models import Pact
from tests.factories import AttendeeFactory, EventFactory, PactFactory, signing_post
from tests.test_settings import ROOT

DOMAIN_TABLES = ("pledges_", "events_")


@pytest.fixture(scope="module", autouse=True)
def _replica_alias(django_db_setup, django_db_blocker):
    """A `replica` alias on the test database, as a test mirror: a second connection to the same data.

    Module-scoped so that it exists before each test's database access is set up. The tests that read through
    it commit (transaction=True), as a real replica only ever sees committed rows.
    """
    settings_dict = dict(connections[PRIMARY].settings_dict)
    settings_dict["TEST"] = {**settings_dict.get("TEST", {}), "MIRROR": PRIMARY}
    connections.settings[REPLICA] = settings_dict
    yield
    with django_db_blocker.unblock():
        connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


@pytest.fixture
def replica():
    return connections[REPLICA]


def replica_test(test):
    return pytest.mark.django_db(transaction=True, databases=[PRIMARY, REPLICA])(test)


def _domain_queries(captured) -> list[str]:
    return [query["sql"] for query in captured if any(table in query["sql"] for table in DOMAIN_TABLES)]


def _get(client, url, primary, mirror):
    """GET `url`, reading a streamed body to its end; the SQL each alias ran."""
    with CaptureQueriesContext(primary) as on_primary, CaptureQueriesContext(mirror) as on_replica:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, (url, response.status_code)
    return _domain_queries(on_primary), _domain_queries(on_replica)


@pytest.fixture
def public_pact(transactional_db):
    return PactFactory(with_signature=True, attendee__event__is_public=True)


@replica_test
@pytest.mark.parametrize(
    "name",
    ["home", "pledges:registry", "pledges:registry_csv", "pledges:api_pacts", "pledges:coverage", "pact"],
)
def test_public_pages_read_the_registry_from_the_replica(client, replica, public_pact, name):
    if name == "pact":
        urls = [
            reverse("pledges:pact", args=[public_pact.code]),
            reverse("pledges:pact_signature", args=[public_pact.code]),
        ]
    else:
        urls = [reverse(name)]
    for url in urls:
        on_primary, on_replica = _get(client, url, connections[PRIMARY], replica)
        assert on_replica, url
        assert on_primary == [], url


@replica_test
def test_staff_pages_never_read_from_the_replica(staff_client, replica, staff_user, public_pact):
    for url in [reverse("events:list"), reverse("events:dashboard"), reverse("pledges:registry")]:
        with CaptureQueriesContext(replica) as on_replica:
            assert staff_client.get(url).status_code == 200
        if url != reverse("pledges:registry"):
            assert _domain_queries(on_replica) == [], url
    # The public registry still reads the replica for a signed-in visitor, but the session and the account
    # come from the primary: a replica may lag behind a sign-in.
    with CaptureQueriesContext(replica) as on_replica:
        staff_client.get(reverse("pledges:registry"))
    assert on_replica and not any("django_session" in q["sql"] or "auth_user" in q["sql"] for q in on_replica)


@replica_test
def test_signing_and_verification_read_and_write_only_the_primary(client, replica):
    event = EventFactory(is_public=True)
    attendee = AttendeeFactory(event=event)
    with CaptureQueriesContext(replica) as on_replica:
        client.post(
            reverse("pledges:sign", args=[event.code]),
            {"identity_number": attendee.identity_number, "attendance_code": attendance_code(event)},
        )
        response = client.post(reverse("pledges:sign_confirm", args=[event.code]), signing_post())
        pact = Pact.objects.get()
        assert response.url == reverse("pledges:receipt", args=[pact.code])
        assert client.get(response.url).status_code == 200
        verified = client.get(reverse("pledges:verify_code", args=[pact.code]))
    assert pact.code in verified.text
    assert len(on_replica) == 0


@replica_test
def test_a_pact_the_replica_has_not_received_yet_is_asked_of_the_primary(replica):
    seen = []

    @reads_from_replica
    def view(request):
        seen.append(router.db_for_read(Pact))
        if seen[-1] == REPLICA:
            raise Http404
        return HttpResponse("found on the primary")

    response = view(RequestFactory().get("/pakta/ABCDEFGHJK/"))
    assert response.content == b"found on the primary"
    assert seen == [REPLICA, PRIMARY]


@replica_test
def test_writes_locks_and_transactions_stay_on_the_primary_inside_a_replica_view(replica):
    with replica_reads():
        assert router.db_for_read(Pact) == REPLICA
        assert router.db_for_read(Event) == REPLICA
        assert router.db_for_write(Pact) == PRIMARY
        assert Pact.objects.select_for_update().db == PRIMARY
        assert router.db_for_read(Session) == PRIMARY
        with transaction.atomic():
            assert router.db_for_read(Pact) == PRIMARY
        event = EventFactory()
    assert Event.objects.using(PRIMARY).filter(pk=event.pk).exists()
    assert router.db_for_read(Pact) == PRIMARY


def test_a_post_to_a_replica_view_reads_the_primary(replica):
    seen = []

    @reads_from_replica
    def view(request):
        seen.append(router.db_for_read(Pact))
        return HttpResponse()

    view(RequestFactory().post("/"))
    assert seen == [PRIMARY]


def test_without_a_replica_everything_reads_from_the_primary():
    replica_settings = connections.settings.pop(REPLICA)
    try:
        with replica_reads():
            assert router.db_for_read(Pact) == PRIMARY
    finally:
        connections.settings[REPLICA] = replica_settings


def test_nothing_is_migrated_on_the_replica():
    assert ReplicaRouter().allow_migrate(REPLICA, "pledges") is False
    assert ReplicaRouter().allow_migrate(PRIMARY, "pledges") is True


def _replica_settings(**env) -> list[str]:
    code = (
        "import neutrality.settings as s; r = s.DATABASES.get('replica') or {}; "
        "print(r.get('HOST'), r.get('PORT'), r.get('TEST', {}).get('MIRROR'), *s.DATABASE_ROUTERS)"
    )
    environment = {**os.environ, "SECRET_KEY": "x", **env}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_the_replica_url_adds_a_replica_alias_that_tests_mirror_to_the_primary():
    assert _replica_settings(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/netralitas",
        DATABASE_REPLICA_URL="postgres://postgres@10.0.0.2:5433/netralitas",
    ) == ["10.0.0.2", "5433", "default", "neutrality.db.ReplicaRouter"]
    assert _replica_settings(DATABASE_REPLICA_URL="") == [
        "None",
        "None",
        "None",
        "neutrality.db.ReplicaRouter",
    ]
