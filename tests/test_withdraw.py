"""Withdrawing a pact: staff of that scope, with a written reason; the pact stays on record."""

import pytest
from django.urls import reverse

from pledges import errors
from pledges.errors import SigningError
from pledges.models import Pact
from pledges.services import pact_withdraw
from tests.factories import BawasluStaffFactory, InvitationFactory, OpdHeadFactory, PactFactory, regency

pytestmark = pytest.mark.django_db


@pytest.fixture
def pact():
    return PactFactory(with_signature=True)


def test_staff_withdraw_a_pact_with_a_reason(client, staff_user, pact):
    client.force_login(staff_user)
    url = reverse("pledges:withdraw", args=[pact.code])
    assert pact.signer_name in client.get(url).text
    response = client.post(url, {"reason": "Ditandatangani oleh orang yang salah."})
    assert response.status_code == 302
    pact.refresh_from_db()
    assert pact.status == Pact.Status.WITHDRAWN
    assert pact.withdrawn_by == staff_user and pact.withdrawn_at
    assert pact.withdrawal_reason == "Ditandatangani oleh orang yang salah."
    assert Pact.objects.filter(pk=pact.pk).exists()
    latest = pact.history.latest()
    assert latest.status == Pact.Status.WITHDRAWN and latest.history_user == staff_user
    assert latest.history_change_reason == "Ditandatangani oleh orang yang salah."
    page = client.get(url)
    assert "Ditarik" in page.text and "orang yang salah" in page.text


def test_a_reason_is_required(client, staff_user, pact):
    client.force_login(staff_user)
    response = client.post(reverse("pledges:withdraw", args=[pact.code]), {"reason": "   "})
    assert "Tuliskan alasan penarikan" in response.text
    pact.refresh_from_db()
    assert pact.status == Pact.Status.VALID
    with pytest.raises(SigningError) as caught:
        pact_withdraw(pact=pact, user=staff_user, reason="")
    assert caught.value.message == errors.WITHDRAW_REASON_REQUIRED


def test_a_pact_is_withdrawn_once(staff_user, pact):
    pact_withdraw(pact=pact, user=staff_user, reason="Pertama")
    with pytest.raises(SigningError) as caught:
        pact_withdraw(pact=pact, user=staff_user, reason="Kedua")
    assert caught.value.message == errors.WITHDRAW_ALREADY
    pact.refresh_from_db()
    assert pact.withdrawal_reason == "Pertama"


def test_staff_elsewhere_cannot_see_it_and_an_opd_head_cannot_withdraw(client, pact):
    url = reverse("pledges:withdraw", args=[pact.code])
    client.force_login(BawasluStaffFactory(membership__regency=regency("16.02")))
    assert client.post(url, {"reason": "x"}).status_code == 404
    head = OpdHeadFactory()
    InvitationFactory(event=pact.event, agency=head.membership.agency)
    client.force_login(head)
    assert client.post(url, {"reason": "x"}).status_code == 403
    pact.refresh_from_db()
    assert pact.status == Pact.Status.VALID


def test_the_event_page_links_each_pact_to_its_withdrawal(client, staff_user, pact):
    client.force_login(staff_user)
    page = client.get(reverse("events:detail", args=[pact.event.pk]))
    assert reverse("pledges:withdraw", args=[pact.code]) in page.text
