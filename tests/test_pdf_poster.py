"""The event's QR poster: the signing link, large, with the event's title."""

import pytest
from django.urls import reverse

from events.models import Event
from pledges.pdf import documents
from pledges.qr import absolute_url
from tests import pdfs
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_the_poster_carries_the_signing_link_and_the_event(tmp_path):
    event = EventFactory(title="Apel Ikrar Netralitas ASN Kabupaten OKU", paper_size=Event.PaperSize.F4)
    out = tmp_path / "poster.pdf"
    report = documents.poster_pdf(event, out=out)
    sign_url = absolute_url(reverse("pledges:sign", args=[event.code]))
    text = pdfs.text(out)
    assert report.pages == 1
    assert "Apel Ikrar Netralitas ASN Kabupaten OKU" in text
    assert event.code in text
    assert sign_url in pdfs.links(out)
    assert pdfs.page_size_mm(out) == (215, 330)
    assert pdfs.ink_pixels(out, tmp_path) > 20000  # the QR code fills half the page
