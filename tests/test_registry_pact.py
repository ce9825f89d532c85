import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from tests.factories import DeclarationFactory, EventFactory, PactFactory

pytestmark = pytest.mark.django_db


def png() -> ContentFile:
    buffer = io.BytesIO()
    Image.new("LA", (300, 100), (0, 0)).save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name="ttd.png")


def test_the_pact_page_shows_the_declaration_as_signed(client):
    pact = PactFactory(signer_position="Kepala Dinas", signer_rank="Pembina (IV/a)")
    response = client.get(pact.get_absolute_url())
    assert response.status_code == 200
    for text in [pact.declaration.title, pact.declaration.opening, *pact.declaration.points]:
        assert text in response.text
    for text in [pact.signer_name, "Kepala Dinas", "Pembina (IV/a)", pact.signer_agency, pact.event.title]:
        assert text in response.text
    assert 'data-status="valid"' in response.text
    assert pact.code in response.text


def test_the_pact_page_keeps_the_text_of_the_version_signed(client):
    pact = PactFactory()
    event = pact.event
    event.declaration = DeclarationFactory(opening="Pembuka baru")
    event.save()
    response = client.get(pact.get_absolute_url())
    assert pact.declaration.opening in response.text
    assert "Pembuka baru" not in response.text


def test_the_pact_page_masks_the_identity_number(client):
    pact = PactFactory()
    response = client.get(pact.get_absolute_url())
    assert pact.signer_identity_number not in response.text
    assert f"************** {pact.signer_identity_number[-4:]}" in response.text


def test_a_typed_code_in_lower_case_redirects_to_the_pact(client):
    pact = PactFactory()
    response = client.get(reverse("pledges:pact", args=[pact.code.lower()]))
    assert response.status_code == 301
    assert response.url == pact.get_absolute_url()


def test_a_withdrawn_pact_shows_as_withdrawn_without_its_signature(client):
    pact = PactFactory(withdrawn=True, signature=png(), method="drawn")
    response = client.get(pact.get_absolute_url())
    assert 'data-status="withdrawn"' in response.text
    assert reverse("pledges:pact_signature", args=[pact.code]) not in response.text
    assert client.get(reverse("pledges:pact_signature", args=[pact.code])).status_code == 404


def test_the_signature_is_served_through_the_site_not_the_media_folder(client):
    pact = PactFactory(signature=png(), method="drawn")
    response = client.get(pact.get_absolute_url())
    signature_url = reverse("pledges:pact_signature", args=[pact.code])
    assert signature_url in response.text
    assert pact.signature.url not in response.text
    image = client.get(signature_url)
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert b"".join(image.streaming_content).startswith(b"\x89PNG")


def test_a_pact_of_a_non_public_event_is_not_found(client):
    pact = PactFactory(attendee__event=EventFactory(is_public=False), signature=png())
    assert client.get(pact.get_absolute_url()).status_code == 404
    assert client.get(reverse("pledges:pact_signature", args=[pact.code])).status_code == 404


def test_an_unknown_code_is_not_found(client):
    assert client.get(reverse("pledges:pact", args=["2345678923"])).status_code == 404
