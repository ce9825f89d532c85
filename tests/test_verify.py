import pytest
from django.urls import reverse

from pledges import throttle
from pledges.filters import VERIFY_CODE_SHAPE
from tests.factories import EventFactory, PactFactory

pytestmark = pytest.mark.django_db


def verify(client, code):
    return client.get(reverse("pledges:verify"), {"code": code})


def test_the_form_asks_for_a_code(client):
    response = client.get(reverse("pledges:verify"))
    assert response.status_code == 200
    assert 'name="code"' in response.text
    assert "data-answer" not in response.text


def test_a_genuine_code_says_genuine_and_valid(client):
    pact = PactFactory()
    response = verify(client, pact.code)
    assert 'data-answer="genuine"' in response.text
    assert "Asli dan sah" in response.text
    assert pact.signer_name in response.text
    assert pact.get_absolute_url() in response.text


def test_a_code_is_found_whatever_its_case_spaces_and_dashes(client):
    pact = PactFactory()
    typed = f" {pact.code[:4].lower()}-{pact.code[4:7]} {pact.code[7:].lower()} "
    response = verify(client, typed)
    assert 'data-answer="genuine"' in response.text


def test_an_unknown_code_says_so_plainly(client):
    PactFactory()
    response = verify(client, "2345678923")
    assert response.status_code == 200
    assert 'data-answer="unknown"' in response.text
    assert "Tidak ada pakta dengan kode ini" in response.text


def test_a_withdrawn_pact_says_withdrawn_with_its_date(client):
    pact = PactFactory(withdrawn=True)
    response = verify(client, pact.code)
    assert 'data-answer="withdrawn"' in response.text
    assert "telah ditarik pada" in response.text
    assert pact.withdrawn_at.strftime("%Y") in response.text


def test_a_malformed_code_gets_an_explanation_not_a_lookup(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = verify(client, "ABC")
    assert str(VERIFY_CODE_SHAPE) in response.text


def test_the_qr_address_answers_for_its_code(client):
    pact = PactFactory()
    response = client.get(reverse("pledges:verify_code", args=[pact.code.lower()]))
    assert 'data-answer="genuine"' in response.text
    response = client.get(reverse("pledges:verify_code", args=["2345678923"]))
    assert 'data-answer="unknown"' in response.text


def test_a_pact_of_a_non_public_event_is_confirmed_with_minimal_details(client):
    pact = PactFactory(attendee__event=EventFactory(is_public=False))
    response = verify(client, pact.code)
    assert 'data-answer="genuine"' in response.text
    assert pact.signer_name in response.text
    assert pact.event.title not in response.text
    assert pact.signer_agency not in response.text
    assert pact.get_absolute_url() not in response.text


def test_the_full_number_never_shows(client):
    pact = PactFactory()
    response = verify(client, pact.code)
    assert pact.signer_identity_number not in response.text
    assert pact.masked_identity_number in response.text


def test_guessing_is_rate_limited_per_client_address(client, settings, monkeypatch):
    settings.VERIFY_RATE_LIMIT = 3
    monkeypatch.setattr(throttle, "_clock", lambda: 1_800_000_030.0)  # not across a minute's boundary
    for _ in range(3):
        assert verify(client, "2345678923").status_code == 200
    response = verify(client, "2345678923")
    assert response.status_code == 429
    assert "Terlalu banyak pemeriksaan" in response.text
    assert client.get(reverse("pledges:verify_code", args=["2345678923"])).status_code == 429
    other = client.get(reverse("pledges:verify"), {"code": "2345678923"}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_the_count_starts_again_in_the_next_minute(client, settings, monkeypatch):
    settings.VERIFY_RATE_LIMIT = 1
    now = [1_800_000_030.0]
    monkeypatch.setattr(throttle, "_clock", lambda: now[0])
    assert verify(client, "2345678923").status_code == 200
    assert verify(client, "2345678923").status_code == 429
    now[0] += 60
    assert verify(client, "2345678923").status_code == 200
