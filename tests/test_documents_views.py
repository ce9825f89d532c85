"""Downloading the PDF documents: who may get which, and what they get."""

import pytest
from django.urls import reverse

from tests import pdfs
from tests.factories import (
    BawasluStaffFactory,
    EventFactory,
    OpdHeadFactory,
    PactFactory,
    UserFactory,
    regency,
)

pytestmark = pytest.mark.django_db


def saved(response, tmp_path, name="download.pdf"):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / name
    path.write_bytes(b"".join(response.streaming_content))
    return path


@pytest.fixture
def pact():
    return PactFactory(with_signature=True, attendee__identity_number="198503122010012001")


class TestReceiptPdf:
    def test_the_browser_that_signed_gets_the_declaration_with_the_full_nip(self, client, pact, tmp_path):
        session = client.session
        session["signed_pacts"] = [pact.code]
        session.save()
        response = client.get(reverse("pledges:receipt_pdf", args=[pact.code]))
        assert f"pakta-{pact.code}.pdf" in response["Content-Disposition"]
        assert "19850312 201001 2 001" in pdfs.text(saved(response, tmp_path))

    def test_staff_who_see_the_event_get_it_too(self, client, staff_user, pact, tmp_path):
        client.force_login(staff_user)
        response = client.get(reverse("pledges:receipt_pdf", args=[pact.code]))
        assert pact.signer_name in pdfs.text(saved(response, tmp_path))

    def test_anyone_else_gets_not_found(self, client, pact):
        assert client.get(reverse("pledges:receipt_pdf", args=[pact.code])).status_code == 404
        client.force_login(UserFactory())
        assert client.get(reverse("pledges:receipt_pdf", args=[pact.code])).status_code == 404

    def test_an_opd_head_is_not_staff(self, client, pact):
        head = OpdHeadFactory(membership__agency=pact.agency)
        pact.event.invitations.create(agency=pact.agency)
        client.force_login(head)
        assert client.get(reverse("pledges:receipt_pdf", args=[pact.code])).status_code == 404

    def test_staff_of_another_region_get_not_found(self, client, pact):
        client.force_login(BawasluStaffFactory(membership__regency=regency("16.02")))
        assert client.get(reverse("pledges:receipt_pdf", args=[pact.code])).status_code == 404


class TestPublicPactPdf:
    def test_anyone_gets_the_copy_with_the_nip_masked(self, client, pact, tmp_path):
        response = client.get(reverse("pledges:pact_pdf", args=[pact.code.lower()]))
        text = pdfs.text(saved(response, tmp_path))
        assert "************** 2001" in text
        assert "2010012001" not in text.replace(" ", "")

    def test_a_withdrawn_pact_is_served_marked_withdrawn(self, client, tmp_path):
        pact = PactFactory(withdrawn=True)
        response = client.get(reverse("pledges:pact_pdf", args=[pact.code]))
        assert "DITARIK" in pdfs.text(saved(response, tmp_path))

    def test_pacts_of_a_non_public_event_are_not_served(self, client):
        pact = PactFactory(attendee__event=EventFactory(is_public=False))
        assert client.get(reverse("pledges:pact_pdf", args=[pact.code])).status_code == 404

    def test_an_unknown_code_is_not_found(self, client):
        assert client.get(reverse("pledges:pact_pdf", args=["ZZZZZZZZZZ"])).status_code == 404
