"""Coverage figures against a small data set whose answers are counted by hand in the comments."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Agency, Event
from pledges.coverage import coverage_compute
from tests.factories import (
    AgencyFactory,
    AttendeeFactory,
    ElectionFactory,
    EventFactory,
    InvitationFactory,
    PactFactory,
    regency,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Election X: in 16.01, D1 and D2 (dinas) and B1 (badan) are invited to E1; at a provincial event E2,
    K1 (kecamatan, 16.02) and P1 (a provincial sekretariat) are invited.

    E1: D1's a1 signed, a2 did not; D2's a3 signed but withdrew; B1 has nobody listed.
    E2: K1's k1 signed; P1's p1 did not.
    Not counted for X: a non-public event (D2 signs there), a draft, and election Y where D2 signs too.
    """
    x, y = ElectionFactory(name="X"), ElectionFactory(name="Y")
    d1, d2 = AgencyFactory(name="D1"), AgencyFactory(name="D2")
    b1 = AgencyFactory(name="B1", kind=Agency.Kind.BADAN)
    k1 = AgencyFactory(name="K1", kind=Agency.Kind.KECAMATAN, regency=regency("16.02"))
    p1 = AgencyFactory(name="P1", kind=Agency.Kind.SEKRETARIAT, regency=None)
    e1 = EventFactory(election=x)
    e2 = EventFactory(election=x, regency=None)
    for agency in (d1, d2, b1):
        InvitationFactory(event=e1, agency=agency)
    for agency in (k1, p1):
        InvitationFactory(event=e2, agency=agency)
    PactFactory(attendee__event=e1, attendee__agency=d1)
    AttendeeFactory(event=e1, agency=d1)
    PactFactory(attendee__event=e1, attendee__agency=d2, withdrawn=True)
    PactFactory(attendee__event=e2, attendee__agency=k1)
    AttendeeFactory(event=e2, agency=p1)

    hidden = EventFactory(election=x, is_public=False)
    InvitationFactory(event=hidden, agency=b1)
    PactFactory(attendee__event=hidden, attendee__agency=b1)
    draft = EventFactory(election=x, status=Event.Status.DRAFT)
    InvitationFactory(event=draft, agency=AgencyFactory(name="Only in a draft"))
    PactFactory(attendee__event=EventFactory(election=y), attendee__agency=d2)
    return {"x": x, "y": y}


def figures(rows):
    return {
        row.key: (row.agencies_invited, row.agencies_signed, row.attendees, row.attendees_signed)
        for row in rows
    }


def test_figures_per_region_for_one_election(world):
    coverage = coverage_compute(election=world["x"])
    assert figures(coverage.by_region) == {
        "16": (1, 0, 1, 0),  # P1 at province level
        "16.01": (3, 1, 3, 1),  # D1, D2, B1; only D1 holds a valid pact; a1, a2, a3
        "16.02": (1, 1, 1, 1),  # K1
    }
    assert figures([coverage.total])["total"] == (5, 2, 5, 2)
    labels = {row.key: row.label for row in coverage.by_region}
    assert labels["16"] == "Sumatera Selatan (tingkat provinsi)"
    assert labels["16.02"] == "Kabupaten Ogan Komering Ilir"


def test_figures_per_agency_type(world):
    coverage = coverage_compute(election=world["x"])
    assert figures(coverage.by_kind) == {
        "dinas": (2, 1, 3, 1),
        "badan": (1, 0, 0, 0),
        "kecamatan": (1, 1, 1, 1),
        "sekretariat": (1, 0, 1, 0),
    }
    assert coverage.by_kind[0].label == "Dinas"


def test_figures_for_a_regency_and_for_all_elections(world):
    assert figures(coverage_compute(election=world["x"], regency=regency("16.01")).by_region) == {
        "16.01": (3, 1, 3, 1)
    }
    # With election Y, D2 has signed too and a fourth attendee appears.
    assert figures(coverage_compute(regency=regency("16.01")).by_region) == {"16.01": (3, 2, 4, 2)}


def test_rates_are_percentages_and_empty_rows_have_none(world):
    total = coverage_compute(election=world["x"]).total
    assert total.agency_rate == 40
    by_kind = {row.key: row for row in coverage_compute(election=world["x"]).by_kind}
    assert by_kind["badan"].attendee_rate is None


def test_the_page_shows_the_table_and_the_chart_data(client, world):
    response = client.get(reverse("pledges:coverage"), {"election": world["x"].pk})
    assert response.status_code == 200
    assert 'id="coverage-agencies">2 / 5<' in response.text
    assert 'id="coverage-attendees">2 / 5<' in response.text
    assert "vendor/chartjs/chart.umd.min.js" in response.text
    charts = response.context["charts"]
    assert charts["region"]["invited"] == [1, 3, 1]
    assert charts["region"]["signed"] == [0, 1, 1]


def test_the_page_takes_the_same_number_of_queries_whatever_the_data(client, world):
    url = reverse("pledges:coverage")
    client.get(url)
    cache.clear()
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for code in ("16.03", "16.04", "16.05"):
        InvitationFactory(event=EventFactory(), agency=AgencyFactory(regency=regency(code)))
    cache.clear()
    with CaptureQueriesContext(connection) as after:
        response = client.get(url)
    assert len(response.context["coverage"].by_region) == 6
    assert len(after.captured_queries) == len(before.captured_queries)


def test_the_page_serves_cached_figures_for_a_while(client, world):
    url = reverse("pledges:coverage")
    first = client.get(url, {"election": world["x"].pk}).context["coverage"]
    PactFactory(attendee__event=EventFactory(election=world["x"]))
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url, {"election": world["x"].pk}).context["coverage"]
    assert figures(again.by_region) == figures(first.by_region)
    assert not any("events_attendee" in query["sql"] for query in queries.captured_queries)
