"""Where people see the log: the receipt, the pact page, the verify answer and the printed declaration."""

import base64
import re

import pytest
from django.urls import reverse

from pledges.attendance import attendance_code
from pledges.models import Pact
from pledges.pdf import documents
from pledges.transparency.models import Checkpoint
from pledges.transparency.services import log_enqueue, log_sequence_all
from tests import pdfs
from tests.factories import AttendeeFactory, EventFactory, PactFactory, signing_post

pytestmark = pytest.mark.django_db


def logged(*pacts):
    for pact in pacts:
        log_enqueue(pact=pact, kind="pact")
    log_sequence_all()


def test_a_phone_signing_is_in_the_log_by_the_time_the_receipt_shows(
    client, django_capture_on_commit_callbacks
):
    event = EventFactory()
    AttendeeFactory(event=event, identity_number="198503122010012001")
    client.post(
        reverse("pledges:sign", args=[event.code]),
        {"identity_number": "198503122010012001", "attendance_code": attendance_code(event)},
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("pledges:sign_confirm", args=[event.code]), signing_post())
    receipt = client.get(response.url)
    assert "Tercatat di log publik sebagai entri 0 dari 1." in receipt.text


def test_the_receipt_says_being_recorded_until_the_pact_is_logged(client):
    pact = PactFactory()
    log_enqueue(pact=pact, kind="pact")
    session = client.session
    session["signed_pacts"] = [pact.code]
    session.save()
    assert "Sedang dicatat di log publik" in client.get(reverse("pledges:receipt", args=[pact.code])).text


def test_the_pact_page_shows_the_entry_and_loads_the_check_from_a_static_file(client):
    pacts = [PactFactory() for _ in range(3)]
    logged(*pacts)
    page = client.get(pacts[2].get_absolute_url()).text
    assert "Tercatat di log publik sebagai entri 2 dari 3." in page
    assert 'src="/static/js/transparency.js"' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), "no inline script: the CSP will forbid it"
    assert f'data-code="{pacts[2].code}"' in page and 'data-withdrawn="false"' in page


def test_a_pact_page_without_an_entry_says_being_recorded_and_runs_no_check(client):
    pact = PactFactory()
    page = client.get(pact.get_absolute_url()).text
    assert "Sedang dicatat di log publik" in page and "transparency.js" not in page


def test_the_verify_answer_shows_the_entry(client):
    pact = PactFactory(attendee__event=EventFactory(is_public=False))
    logged(pact)
    page = client.get(reverse("pledges:verify_code", args=[pact.code])).text
    assert "Tercatat di log publik sebagai entri 0 dari 1." in page and "transparency.js" in page


def test_the_declaration_prints_the_entry_and_the_checkpoint_it_was_verified_against(tmp_path):
    pacts = [PactFactory(with_signature=True) for _ in range(4)]
    logged(*pacts)
    out = tmp_path / "pakta.pdf"
    documents.declaration_pdf(Pact.objects.get(pk=pacts[3].pk), out=out, public=True)
    text = " ".join(pdfs.text(out).split())
    assert "Log publik: entri 3 dari 4" in text
    assert "checkpoint 127.0.0.1:8000" in text
    root = base64.b64encode(bytes(Checkpoint.objects.get().root_hash)).decode()
    assert root[:20] in text.replace(" ", "")


def test_a_declaration_printed_before_logging_says_nothing_of_the_log(tmp_path):
    pact = PactFactory(with_signature=True)
    out = tmp_path / "pakta.pdf"
    documents.declaration_pdf(pact, out=out)
    assert "Log publik" not in pdfs.text(out)
