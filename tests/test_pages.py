import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_says_what_the_site_is_for(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Registri Pakta Integritas Netralitas ASN" in response.text
    assert 'lang="id"' in response.text


def test_home_counts_the_pacts_in_the_registry(client):
    from tests.factories import PactFactory

    PactFactory()
    PactFactory(withdrawn=True)
    PactFactory(attendee__event__is_public=False)
    response = client.get(reverse("home"))
    assert "1 pakta sah tercatat" in response.text


def test_home_stays_indonesian_for_an_english_browser(client):
    response = client.get(reverse("home"), headers={"accept-language": "en-US,en;q=0.9"})
    assert 'lang="id"' in response.text


def test_home_switches_to_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert 'lang="en"' in response.text
    assert "Neutrality Pledge Registry" in response.text


def test_login_page_renders(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert 'name="username"' in response.text


def test_a_user_logs_in_and_out(client, staff_user):
    response = client.post(reverse("login"), {"username": staff_user.username, "password": "rahasia-123"})
    assert response.status_code == 302
    response = client.post(reverse("logout"))
    assert response.status_code == 302


@pytest.mark.parametrize(
    "name",
    [
        "admin:index",
        "admin:events_event_changelist",
        "admin:events_attendee_changelist",
        "admin:events_agency_changelist",
        "admin:events_regency_changelist",
        "admin:events_election_changelist",
        "admin:events_membership_changelist",
        "admin:pledges_pact_changelist",
        "admin:pledges_declaration_changelist",
        "admin:pledges_papersheet_changelist",
    ],
)
def test_admin_pages_render(admin_client, name):
    from tests.factories import PactFactory

    PactFactory()
    response = admin_client.get(reverse(name))
    assert response.status_code == 200
