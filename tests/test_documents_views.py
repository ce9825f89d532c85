"""Downloading the PDF documents: who may get which, and what they get."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from pledges.pdf import documents
from tests import pdfs
from tests.factories import (
    AgencyFactory,
    BawasluStaffFactory,
    EventFactory,
    InvitationFactory,
    OpdHeadFactory,
    PactFactory,
    UserFactory,
    regency,
)

pytestmark = pytest.mark.django_db


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
        assert "19850312 201001 2 001" in pdfs.text(pdfs.saved(response, tmp_path))

    def test_staff_who_see_the_event_get_it_too(self, client, staff_user, pact, tmp_path):
        client.force_login(staff_user)
        response = client.get(reverse("pledges:receipt_pdf", args=[pact.code]))
        assert pact.signer_name in pdfs.text(pdfs.saved(response, tmp_path))

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
        text = pdfs.text(pdfs.saved(response, tmp_path))
        assert "************** 2001" in text
        assert "2010012001" not in text.replace(" ", "")

    def test_a_withdrawn_pact_is_served_marked_withdrawn(self, client, tmp_path):
        pact = PactFactory(withdrawn=True)
        response = client.get(reverse("pledges:pact_pdf", args=[pact.code]))
        assert "DITARIK" in pdfs.text(pdfs.saved(response, tmp_path))

    def test_pacts_of_a_non_public_event_are_not_served(self, client):
        pact = PactFactory(attendee__event=EventFactory(is_public=False))
        assert client.get(reverse("pledges:pact_pdf", args=[pact.code])).status_code == 404

    def test_an_unknown_code_is_not_found(self, client):
        assert client.get(reverse("pledges:pact_pdf", args=["ZZZZZZZZZZ"])).status_code == 404


class TestEventDocuments:
    @pytest.fixture
    def event(self):
        event = EventFactory(title="Sosialisasi Netralitas Kecamatan Baturaja Timur")
        for name, agency in (
            ("dr. Rina Kusuma", "Dinas Kesehatan"),
            ("Drs. Joko Susilo", "Dinas Pendidikan"),
        ):
            pact = PactFactory(with_signature=True, attendee__event=event, attendee__full_name=name)
            pact.agency.name = agency
            pact.agency.save()
            InvitationFactory(event=event, agency=pact.agency)
        return event

    def test_staff_download_the_blank_sheet(self, client, staff_user, event, tmp_path):
        client.force_login(staff_user)
        response = client.get(reverse("pledges:event_sheet", args=[event.pk]))
        path = pdfs.saved(response, tmp_path)
        assert f"lembar-tanda-tangan-{event.code}.pdf" in response["Content-Disposition"]
        assert "dr. Rina Kusuma" in pdfs.text(path)
        assert pdfs.image_count(path) == 0

    def test_staff_download_the_signed_sheet_of_one_agency(self, client, staff_user, event, tmp_path):
        client.force_login(staff_user)
        health = event.invited_agencies.get(name="Dinas Kesehatan")
        response = client.get(
            reverse("pledges:event_sheet", args=[event.pk]), {"signed": "1", "agency": health.pk}
        )
        path = pdfs.saved(response, tmp_path)
        text = pdfs.text(path)
        assert "dr. Rina Kusuma" in text and "Drs. Joko Susilo" not in text
        assert pdfs.image_count(path) == 1

    def test_an_agency_from_elsewhere_is_refused_with_a_message(self, client, staff_user, event):
        client.force_login(staff_user)
        response = client.get(reverse("pledges:event_sheet", args=[event.pk]), {"agency": AgencyFactory().pk})
        assert response.status_code == 302
        assert response["Location"] == event.get_absolute_url()
        [message] = get_messages(response.wsgi_request)
        assert str(message) == str(documents.INVALID_OPTIONS)

    def test_staff_download_all_pacts(self, client, staff_user, event, tmp_path):
        client.force_login(staff_user)
        path = pdfs.saved(client.get(reverse("pledges:event_pacts_pdf", args=[event.pk])), tmp_path)
        assert len(pdfs.pages_text(path)) == 2

    def test_staff_download_blank_declarations_to_sign_with_a_meterai(
        self, client, staff_user, event, tmp_path
    ):
        client.force_login(staff_user)
        path = pdfs.saved(client.get(reverse("pledges:event_blank_declarations", args=[event.pk])), tmp_path)
        pages = pdfs.pages_text(path)
        assert len(pages) == 2 and all("Meterai" in page for page in pages)

    def test_an_opd_head_gets_only_their_own_agencys_people(self, client, event, tmp_path):
        health = event.invited_agencies.get(name="Dinas Kesehatan")
        client.force_login(OpdHeadFactory(membership__agency=health))
        sheet = pdfs.text(pdfs.saved(client.get(reverse("pledges:event_sheet", args=[event.pk])), tmp_path))
        pacts = pdfs.text(
            pdfs.saved(client.get(reverse("pledges:event_pacts_pdf", args=[event.pk])), tmp_path)
        )
        for text in (sheet, pacts):
            assert "dr. Rina Kusuma" in text and "Drs. Joko Susilo" not in text

    def test_outsiders_get_not_found(self, client, event):
        client.force_login(BawasluStaffFactory(membership__regency=regency("16.02")))
        for name in ("pledges:event_sheet", "pledges:event_pacts_pdf", "pledges:event_blank_declarations"):
            assert client.get(reverse(name, args=[event.pk])).status_code == 404

    def test_anonymous_visitors_are_sent_to_log_in(self, client, event):
        response = client.get(reverse("pledges:event_sheet", args=[event.pk]))
        assert response.status_code == 302 and "/masuk/" in response["Location"]

    def test_the_event_page_links_the_documents(self, client, staff_user, event):
        client.force_login(staff_user)
        page = client.get(event.get_absolute_url()).content.decode()
        for name in ("pledges:event_sheet", "pledges:event_pacts_pdf", "pledges:event_blank_declarations"):
            assert reverse(name, args=[event.pk]) in page
        assert "Dinas Kesehatan" in page


def test_staff_download_the_poster(client, staff_user, tmp_path):
    event = EventFactory()
    client.force_login(staff_user)
    path = pdfs.saved(client.get(reverse("pledges:event_poster", args=[event.pk])), tmp_path)
    assert event.code in pdfs.text(path)
    assert (
        reverse("pledges:event_poster", args=[event.pk])
        in client.get(event.get_absolute_url()).content.decode()
    )


def test_the_poster_of_an_event_out_of_scope_is_not_found(client):
    client.force_login(BawasluStaffFactory(membership__regency=regency("16.02")))
    assert client.get(reverse("pledges:event_poster", args=[EventFactory().pk])).status_code == 404
