"""The data migrations of issue 16 replace what pacts stored in clear, in the live table and in its history."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from pledges.clientdata import address_hash, user_agent_hash
from pledges.models import Pact
from tests.factories import AttendeeFactory

BEFORE = [("pledges", "0005_pact_client_hmacs_and_content_salt")]
AFTER = [("pledges", "0007_pact_drop_clear_client_data")]
ADDRESS, AGENT = "10.9.8.7", "Mozilla/5.0 Lama"


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.fixture
def back_to_latest():
    """Migrating back unapplies later migrations too: whatever happens, the next test gets the full schema."""
    yield
    executor = MigrationExecutor(connection)
    _migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_migrations_hash_client_data_and_salt_the_commitments_keeping_the_old_values_in_history(
    back_to_latest,
):
    attendee = AttendeeFactory()
    old_apps = _migrate(BEFORE)
    OldPact = old_apps.get_model("pledges", "Pact")
    OldHistoricalPact = old_apps.get_model("pledges", "HistoricalPact")
    fields = dict(
        event_id=attendee.event_id,
        attendee_id=attendee.pk,
        declaration_id=attendee.event.declaration_id,
        agency_id=attendee.agency_id,
        method="drawn",
        signed_at=timezone.now().replace(microsecond=0),
        signer_name=attendee.full_name,
        signer_identity_kind="pns",
        signer_identity_number=attendee.identity_number,
        signer_agency=attendee.agency.name,
        signature_sha256="c" * 64,
        ip_address=ADDRESS,
        user_agent=AGENT,
        code="MIGRATE234",
        status="valid",
    )
    # The migration records whatever was there; `content_hash_matches` below checks its payload against the model's.
    old = OldPact(**fields, content_hash="f" * 64)
    old.save()
    OldHistoricalPact.objects.create(
        id=old.pk, **fields, content_hash=old.content_hash, history_date=timezone.now(), history_type="+"
    )

    _migrate(AFTER)

    pact = Pact.objects.get(pk=old.pk)
    assert (pact.client_address_hmac, pact.client_agent_hmac) == (
        address_hash(ADDRESS),
        user_agent_hash(AGENT),
    )
    assert len(pact.content_salt) == 64
    assert pact.content_hash != old.content_hash
    assert pact.content_hash_matches
    created, salted = pact.history.order_by("history_id")
    assert created.content_hash == old.content_hash and created.content_salt == ""
    assert created.client_address_hmac == address_hash(ADDRESS)
    assert (salted.history_type, salted.content_hash, salted.content_salt) == (
        "~",
        pact.content_hash,
        pact.content_salt,
    )
    assert old.content_hash in salted.history_change_reason
    for table in ("pledges_pact", "pledges_historicalpact"):
        columns = {
            column.name
            for column in connection.introspection.get_table_description(connection.cursor(), table)
        }
        assert not {"ip_address", "user_agent"} & columns
