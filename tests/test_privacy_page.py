"""The public privacy page: what is published, what is kept and for how long, whom to contact."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = reverse("pledges:privacy")


def test_every_page_links_to_it_from_the_footer(client):
    assert f'href="{URL}"' in client.get(reverse("home")).text
    assert f'href="{URL}"' in client.get(reverse("pledges:registry")).text


def test_it_states_the_retention_periods_from_the_settings(client, settings):
    settings.RETENTION_CONTACT_DAYS = 45
    settings.RETENTION_CLIENT_DAYS = 120
    page = client.get(URL).text
    assert "dihapus 45 hari setelah penandatanganan kegiatannya ditutup" in page
    assert "dihapus 120 hari setelah penandatanganan" in page
    assert "3 × 24 jam" in page


def test_it_names_the_contact(client, settings):
    settings.PRIVACY_CONTACT_NAME = "PPID Bawaslu Kabupaten OKU"
    settings.PRIVACY_CONTACT_EMAIL = "ppid@oku.bawaslu.go.id"
    page = client.get(URL).text
    assert "PPID Bawaslu Kabupaten OKU" in page
    assert 'href="mailto:ppid@oku.bawaslu.go.id"' in page


def test_it_reads_in_english_too(client):
    client.post(reverse("set_language"), {"language": "en", "next": URL})
    page = client.get(URL).text
    assert "Privacy policy" in page
    assert "What the public sees" in page
    assert "within 3 × 24 hours" in page
