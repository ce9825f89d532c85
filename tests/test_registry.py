import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pledges.clientdata import address_hash, user_agent_hash
from pledges.keyset import encode_cursor
from pledges.services import pact_withdraw
from pledges.views import registry as registry_views
from tests.factories import (
    AgencyFactory,
    AttendeeFactory,
    ElectionFactory,
    EventFactory,
    PactFactory,
    regency,
)

pytestmark = pytest.mark.django_db

URL = reverse("pledges:registry")


def codes(response) -> list[str]:
    return [pact.code for pact in response.context["page"].rows]


def pact_at(hours_ago: int, **kwargs):
    return PactFactory(signed_at=timezone.now() - datetime.timedelta(hours=hours_ago), **kwargs)


def test_it_lists_valid_pacts_of_public_events_newest_first(client):
    old, new = pact_at(5), pact_at(1)
    pact_at(2, withdrawn=True)
    pact_at(3, attendee__event=EventFactory(is_public=False))
    response = client.get(URL)
    assert response.status_code == 200
    assert codes(response) == [new.code, old.code]
    assert "2 pakta sah." in response.text


def test_each_row_shows_the_public_details_and_links_to_the_pact(client):
    pact = PactFactory(signer_name="Dr. Siti Aminah, S.Sos., M.Si.", signer_position="Kepala Bidang")
    response = client.get(URL)
    for text in [
        "Dr. Siti Aminah, S.Sos., M.Si.",
        "Kepala Bidang",
        pact.signer_agency,
        "Kabupaten Ogan Komering Ulu",
    ]:
        assert text in response.text
    assert pact.event.title in response.text
    assert "Tanda tangan di kertas" in response.text
    assert pact.get_absolute_url() in response.text


def test_a_withdrawn_pact_leaves_the_registry_and_shows_as_withdrawn(client, staff_user):
    pact = PactFactory()
    assert codes(client.get(URL)) == [pact.code]
    pact_withdraw(pact=pact, user=staff_user, reason="Salah orang.")
    assert codes(client.get(URL)) == []
    page = client.get(pact.get_absolute_url())
    assert 'data-status="withdrawn"' in page.text
    assert "Salah orang." not in page.text  # the reason is for the record, not for the public


def test_it_filters_by_election_province_regency_agency_and_event(client):
    other_election = ElectionFactory(name="Pemilu 2029")
    here = PactFactory()
    elsewhere_agency = AgencyFactory(regency=regency("32.01"))
    elsewhere = PactFactory(
        attendee__agency=elsewhere_agency,
        attendee__event=EventFactory(election=other_election, regency=regency("32.01")),
    )
    same_regency_other_agency = PactFactory(attendee__event=here.event)

    def filtered(**params):
        return set(codes(client.get(URL, params)))

    assert filtered(election=other_election.pk) == {elsewhere.code}
    assert filtered(province="32") == {elsewhere.code}
    assert filtered(regency="16.01") == {here.code, same_regency_other_agency.code}
    assert filtered(regency="16.01", agency=here.agency_id) == {here.code}
    assert filtered(regency="32.01", event=elsewhere.event_id) == {elsewhere.code}
    assert filtered(event=here.event_id) == {here.code, same_regency_other_agency.code}


def test_the_region_is_the_signers_agency_even_at_a_provincial_event(client):
    provincial_event = EventFactory(regency=None)
    pact = PactFactory(
        attendee__event=provincial_event, attendee__agency=AgencyFactory(regency=regency("16.02"))
    )
    assert codes(client.get(URL, {"regency": "16.02"})) == [pact.code]
    assert codes(client.get(URL, {"regency": "16.01"})) == []


def test_agency_and_event_lists_are_offered_once_a_region_is_chosen(client):
    PactFactory()
    assert 'name="agency"' not in client.get(URL).text
    assert '<select name="agency"' in client.get(URL, {"regency": "16.01"}).text


def test_search_by_name_ignores_case_and_extra_spaces(client):
    siti = PactFactory(attendee__full_name="Dr. Siti Aminah, S.Sos.")
    PactFactory(attendee__full_name="Bambang Supriadi, S.K.M.")
    assert codes(client.get(URL, {"q": "siti  aminah"})) == [siti.code]
    assert codes(client.get(URL, {"q": "AMINAH"})) == [siti.code]
    assert codes(client.get(URL, {"q": "Rudi"})) == []


def test_an_invalid_filter_value_shows_no_rows_and_says_why(client):
    PactFactory()
    response = client.get(URL, {"election": "999999"})
    assert codes(response) == []
    assert "is-invalid" in response.text


def test_it_pages_by_cursor_forwards_and_backwards(client, monkeypatch):
    monkeypatch.setattr(registry_views, "REGISTRY_PAGE_SIZE", 2)
    same_moment = timezone.now() - datetime.timedelta(hours=3)
    pacts = [
        pact_at(1),
        pact_at(2),
        PactFactory(signed_at=same_moment),
        PactFactory(signed_at=same_moment),
        pact_at(4),
    ]
    expected = [p.code for p in sorted(pacts, key=lambda p: (p.signed_at, p.pk), reverse=True)]
    seen, params, pages = [], {}, []
    while True:
        page = client.get(URL, params).context["page"]
        pages.append(page)
        seen += [p.code for p in page.rows]
        if not page.next_cursor:
            break
        params = {"after": page.next_cursor}
    assert seen == expected
    assert len(pages) == 3
    back = client.get(URL, {"before": pages[-1].previous_cursor}).context["page"]
    assert [p.code for p in back.rows] == expected[2:4]
    first = client.get(URL, {"before": back.previous_cursor}).context["page"]
    assert [p.code for p in first.rows] == expected[:2]
    assert first.previous_cursor is None


def test_a_broken_cursor_is_refused_and_a_cursor_past_the_end_is_the_first_page(client):
    pact = PactFactory()
    response = client.get(URL, {"after": "not-a-cursor"})
    assert response.status_code == 400 and "Penanda halaman" in response.text
    assert codes(client.get(URL, {"before": encode_cursor(timezone.now(), 10**9)})) == [pact.code]


def test_the_count_is_capped_instead_of_counting_a_million_rows(client, monkeypatch):
    monkeypatch.setattr(registry_views, "COUNT_CAP", 2)
    event = EventFactory()
    for _ in range(3):
        PactFactory(attendee__event=event)
    response = client.get(URL)
    assert response.context["count_capped"]
    assert "Lebih dari 2 pakta sah." in response.text


def test_the_page_never_shows_a_full_identity_number_phone_or_email(client):
    attendee = AttendeeFactory(phone="081234567890", email="siti@example.org")
    pact = PactFactory(
        attendee=attendee,
        client_address_hmac=address_hash("10.1.2.3"),
        client_agent_hmac=user_agent_hash("Mozilla/5.0 Rahasia"),
    )
    content = client.get(URL, {"regency": "16.01"}).content
    private = [pact.client_address_hmac, pact.client_agent_hmac, pact.content_salt]
    for secret in [pact.signer_identity_number, "081234567890", "siti@example.org", *private]:
        assert secret.encode() not in content


@pytest.mark.parametrize("params", [{}, {"regency": "16.01", "q": "Peserta"}])
def test_the_number_of_queries_does_not_grow_with_rows(client, django_assert_num_queries, params):
    event = EventFactory()
    PactFactory(attendee__event=event)
    client.get(URL, params)  # warm the caches a first request fills
    with CaptureQueriesContext(connection) as few:
        client.get(URL, params)
    for _ in range(15):
        PactFactory(attendee__event=event, attendee__agency=AgencyFactory())
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(URL, params)
    assert len(response.context["page"].rows) == 16
