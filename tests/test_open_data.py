import csv
import io
import json

import pytest
from django.urls import reverse

from pledges.clientdata import address_hash, user_agent_hash
from pledges.privacy import PUBLIC_FIELDS
from pledges.views import registry as registry_views
from tests.factories import AgencyFactory, AttendeeFactory, EventFactory, PactFactory, regency

pytestmark = pytest.mark.django_db

CSV_URL = reverse("pledges:registry_csv")
API_URL = reverse("pledges:api_pacts")
SECRETS = ["081234567890", "siti@example.org", "10.1.2.3", "Mozilla/5.0 Rahasia"]


@pytest.fixture
def secret_pact():
    attendee = AttendeeFactory(phone="081234567890", email="siti@example.org", full_name="Siti Aminah")
    return PactFactory(
        attendee=attendee,
        client_address_hmac=address_hash("10.1.2.3"),
        client_agent_hmac=user_agent_hash("Mozilla/5.0 Rahasia"),
    )


def read_csv(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_csv_holds_the_registry_with_masked_numbers(client, secret_pact):
    PactFactory(withdrawn=True)
    PactFactory(attendee__event=EventFactory(is_public=False))
    response = client.get(CSV_URL)
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response)
    assert [row["code"] for row in rows] == [secret_pact.code]
    row = rows[0]
    assert list(row) == list(PUBLIC_FIELDS)
    assert row["name"] == "Siti Aminah"
    assert row["identity_number_masked"] == f"************** {secret_pact.signer_identity_number[-4:]}"
    assert row["regency"] == "Kabupaten Ogan Komering Ulu"
    assert row["url"].endswith(secret_pact.get_absolute_url())


def test_the_csv_bytes_hold_no_full_number_phone_email_ip_or_user_agent(client, secret_pact):
    content = b"".join(client.get(CSV_URL).streaming_content)
    private = [secret_pact.client_address_hmac, secret_pact.client_agent_hmac, secret_pact.content_salt]
    for secret in [secret_pact.signer_identity_number, *SECRETS, *private]:
        assert secret.encode() not in content


def test_the_csv_takes_the_registry_filters(client, secret_pact):
    elsewhere = PactFactory(attendee__agency=AgencyFactory(regency=regency("32.01")))
    assert [row["code"] for row in read_csv(client.get(CSV_URL, {"province": "32"}))] == [elsewhere.code]
    assert [row["code"] for row in read_csv(client.get(CSV_URL, {"q": "siti"}))] == [secret_pact.code]
    assert client.get(CSV_URL, {"election": "x"}).status_code == 400


def test_the_json_api_gives_the_same_masked_records(client, secret_pact):
    PactFactory(withdrawn=True)
    response = client.get(API_URL)
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["next"] is None and data["previous"] is None
    assert [record["code"] for record in data["results"]] == [secret_pact.code]
    record = data["results"][0]
    assert list(record) == list(PUBLIC_FIELDS)
    assert record["identity_number_masked"] == f"************** {secret_pact.signer_identity_number[-4:]}"
    private = [secret_pact.client_address_hmac, secret_pact.client_agent_hmac, secret_pact.content_salt]
    for secret in [secret_pact.signer_identity_number, *SECRETS, *private]:
        assert secret.encode() not in response.content


def test_the_json_api_pages_with_next_links_and_keeps_the_filters(client, monkeypatch):
    monkeypatch.setattr(registry_views, "API_PAGE_SIZE", 2)
    event = EventFactory()
    pacts = [PactFactory(attendee__event=event) for _ in range(3)]
    PactFactory(attendee__agency=AgencyFactory(regency=regency("32.01")))
    data = client.get(API_URL, {"regency": "16.01"}).json()
    assert len(data["results"]) == 2
    assert "regency=16.01" in data["next"]
    rest = client.get(data["next"]).json()
    assert len(rest["results"]) == 1 and rest["next"] is None
    assert {r["code"] for r in data["results"] + rest["results"]} == {p.code for p in pacts}
    back = client.get(rest["previous"]).json()
    assert back["results"] == data["results"]


def test_the_json_api_refuses_a_bad_filter_with_the_reason(client):
    response = client.get(API_URL, {"regency": "99.99"})
    assert response.status_code == 400
    assert "regency" in json.loads(response.content)["errors"]
