"""The public copy of a pact: rendered once, served from storage until the pact changes, rate-limited."""

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from pledges import throttle
from pledges.pdf import documents
from pledges.pdf.public import public_copy_name
from pledges.services import pact_withdraw
from tests import pdfs
from tests.factories import PactFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def renders(monkeypatch):
    """How many times a declaration was laid out."""
    calls = []
    real = documents.declaration_pdf
    monkeypatch.setattr(documents, "declaration_pdf", lambda *a, **k: calls.append(a) or real(*a, **k))
    return calls


def _pdf(client, pact, tmp_path, name="copy.pdf"):
    return pdfs.saved(client.get(reverse("pledges:pact_pdf", args=[pact.code])), tmp_path, name)


def test_the_copy_is_rendered_once_and_then_served_from_storage(client, renders, tmp_path):
    pact = PactFactory(with_signature=True)
    first = _pdf(client, pact, tmp_path, "1.pdf")
    second = _pdf(client, pact, tmp_path, "2.pdf")
    assert len(renders) == 1
    assert first.read_bytes() == second.read_bytes()
    assert default_storage.exists(public_copy_name(pact))
    assert pact.masked_identity_number in pdfs.text(first)


def test_a_withdrawal_makes_a_new_copy_and_drops_the_old(
    client, renders, tmp_path, django_capture_on_commit_callbacks
):
    pact = PactFactory(with_signature=True)
    _pdf(client, pact, tmp_path)
    valid_copy = public_copy_name(pact)
    with django_capture_on_commit_callbacks(execute=True):
        pact = pact_withdraw(pact=pact, user=UserFactory(), reason="Salah orang.")
    assert not default_storage.exists(valid_copy)
    assert "DITARIK" in pdfs.text(_pdf(client, pact, tmp_path))
    assert len(renders) == 2 and public_copy_name(pact) != valid_copy


def test_the_public_pdf_is_limited_per_client_address(client, settings, monkeypatch):
    monkeypatch.setattr(throttle, "_clock", lambda: 1_800_000_030.0)  # not across a minute's boundary
    settings.PACT_PDF_RATE_LIMIT = 2
    pact = PactFactory()
    url = reverse("pledges:pact_pdf", args=[pact.code])
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]
    assert client.get(url, REMOTE_ADDR="10.9.9.9").status_code == 200  # another client has its own count
    # Unknown codes count too: the limit is also against guessing.
    settings.PACT_PDF_RATE_LIMIT = 0
    assert (
        client.get(reverse("pledges:pact_pdf", args=["ZZZZZZZZZZ"]), REMOTE_ADDR="10.8.8.8").status_code
        == 429
    )
