"""Witnesses ("Mengetahui"/"Menyaksikan") sign on a screen; their signature belongs to the event."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from events.models import Witness
from pledges import errors
from pledges.errors import SigningError
from pledges.services import witness_sign
from tests.factories import EventFactory, OpdHeadFactory, WitnessFactory, signature_data_url

pytestmark = pytest.mark.django_db


def test_staff_add_a_witness(staff_client):
    event = EventFactory()
    response = staff_client.post(
        reverse("pledges:witnesses", args=[event.pk]),
        {
            "role": Witness.Role.WITNESSES,
            "name": "Drs. H. Syamsul Bahri",
            "title": "Sekretaris Daerah",
            "order": 1,
        },
    )
    assert response.status_code == 302
    witness = event.witnesses.get()
    assert witness.name == "Drs. H. Syamsul Bahri" and not witness.signed_at


def test_a_witness_signs_on_the_screen(staff_client):
    witness = WitnessFactory()
    url = reverse("pledges:witness_sign", args=[witness.event.pk, witness.pk])
    page = staff_client.get(url)
    assert witness.name in page.text and "signature_pad" in page.text
    response = staff_client.post(url, {"signature": signature_data_url()})
    assert response.status_code == 302
    witness.refresh_from_db()
    assert witness.signed_at is not None
    with witness.signature.open("rb") as handle:
        assert Image.open(io.BytesIO(handle.read())).format == "PNG"
    listing = staff_client.get(reverse("pledges:witnesses", args=[witness.event.pk]))
    assert "Ditandatangani" in listing.text


def test_a_bad_witness_signature_is_refused(staff_client):
    witness = WitnessFactory()
    url = reverse("pledges:witness_sign", args=[witness.event.pk, witness.pk])
    response = staff_client.post(url, {"signature": "data:image/svg+xml;base64,PHN2Zy8+"})
    assert str(errors.SIGNATURE_NOT_PNG) in response.text
    witness.refresh_from_db()
    assert witness.signed_at is None and not witness.signature


def test_a_witness_signs_once():
    witness = WitnessFactory()
    witness_sign(witness=witness, signature_data_url=signature_data_url(1))
    first = Witness.objects.get().signature.name
    with pytest.raises(SigningError) as caught:
        witness_sign(witness=witness, signature_data_url=signature_data_url(2))
    assert caught.value.message == errors.WITNESS_ALREADY_SIGNED
    assert Witness.objects.get().signature.name == first


def test_witnesses_of_another_event_are_not_reachable(staff_client):
    event = EventFactory()
    stranger = WitnessFactory()
    url = reverse("pledges:witness_sign", args=[event.pk, stranger.pk])
    assert staff_client.get(url).status_code == 404


def test_opd_heads_do_not_manage_witnesses(client):
    client.force_login(OpdHeadFactory())
    assert client.get(reverse("pledges:witnesses", args=[EventFactory().pk])).status_code == 404
