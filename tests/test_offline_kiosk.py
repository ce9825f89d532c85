"""The offline kiosk's server side: devices, the data a tablet keeps, and one verdict per queued signature."""

import datetime
import json
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from pledges import offline
from pledges.models import KioskDevice, OfflineSignature, Pact
from pledges.signatures import png_data_url, scribble_png
from tests.factories import AttendeeFactory, BawasluStaffFactory, EventFactory, PactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return EventFactory()


@pytest.fixture
def kiosk(client, event):
    """A staff member's tablet, registered for the event."""
    user = BawasluStaffFactory(membership__regency=event.regency, membership__province=event.province)
    client.force_login(user)
    device = uuid.uuid4()
    response = client.post(
        reverse("pledges:kiosk_offline_device", args=[event.pk]),
        json.dumps({"device": str(device)}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return client, KioskDevice.objects.get(device_id=device)


def _item(device, attendee, **overrides):
    item = {
        "device": str(device.device_id),
        "key": str(uuid.uuid4()),
        "attendee": attendee.pk,
        "declaration": attendee.event.declaration_id,
        "captured_at": (timezone.now() - datetime.timedelta(minutes=2)).isoformat(),
        "signature": png_data_url(scribble_png(attendee.pk)),
        "code": "ABCDEFGHJK",
    }
    item.update(overrides)
    return item


def _send(client, event, item):
    return client.post(
        reverse("pledges:kiosk_offline_sync", args=[event.pk]),
        json.dumps(item),
        content_type="application/json",
    )


def test_it_turns_a_queued_signature_into_a_pact_with_the_capture_time(kiosk, event):
    client, device = kiosk
    attendee = AttendeeFactory(event=event)
    item = _item(device, attendee)
    response = _send(client, event, item)
    assert response.status_code == 200
    assert response.json()["verdict"] == "accepted"
    pact = Pact.objects.get()
    assert pact.attendee == attendee and pact.code == "ABCDEFGHJK"
    assert pact.signed_at == datetime.datetime.fromisoformat(item["captured_at"]).replace(microsecond=0)
    record = OfflineSignature.objects.get()
    assert record.pact == pact and record.received_at > pact.signed_at


def test_it_gives_the_same_answer_to_the_same_key(kiosk, event):
    client, device = kiosk
    item = _item(device, AttendeeFactory(event=event))
    first = _send(client, event, item).json()
    again = _send(client, event, item).json()
    assert first == again
    assert Pact.objects.count() == 1 and OfflineSignature.objects.count() == 1


def test_it_refuses_an_attendee_who_signed_elsewhere_meanwhile(kiosk, event):
    client, device = kiosk
    attendee = AttendeeFactory(event=event)
    PactFactory(attendee=attendee)
    answer = _send(client, event, _item(device, attendee)).json()
    assert answer["verdict"] == "refused" and answer["already_signed"]
    assert Pact.objects.count() == 1


def test_it_refuses_a_signature_captured_after_the_event_closed(kiosk, event):
    client, device = kiosk
    attendee = AttendeeFactory(event=event)
    event.status, event.signing_closed_at = (
        event.Status.CLOSED,
        timezone.now() - datetime.timedelta(minutes=5),
    )
    event.save()
    answer = _send(client, event, _item(device, attendee)).json()
    assert answer == {**answer, "verdict": "refused", "reason": str(offline.CAPTURED_AFTER_CLOSING)}
    assert not Pact.objects.exists()


def test_it_accepts_a_signature_captured_before_the_event_closed(kiosk, event):
    client, device = kiosk
    attendee = AttendeeFactory(event=event)
    captured = timezone.now() - datetime.timedelta(minutes=30)
    event.status, event.signing_closed_at = (
        event.Status.CLOSED,
        timezone.now() - datetime.timedelta(minutes=5),
    )
    event.save()
    answer = _send(client, event, _item(device, attendee, captured_at=captured.isoformat())).json()
    assert answer["verdict"] == "accepted"


def test_it_refuses_a_signature_on_a_declaration_that_changed(kiosk, event):
    client, device = kiosk
    attendee = AttendeeFactory(event=event)
    answer = _send(client, event, _item(device, attendee, declaration=event.declaration_id + 999)).json()
    assert answer["reason"] == str(offline.DECLARATION_CHANGED)


def test_a_revoked_tablet_gets_its_signatures_refused_and_listed(kiosk, event):
    client, device = kiosk
    attendee = AttendeeFactory(event=event, full_name="Yusuf Hamdani")
    response = client.post(reverse("pledges:kiosk_devices", args=[event.pk]), {"device": device.pk})
    assert response.status_code == 302
    answer = _send(client, event, _item(device, attendee)).json()
    assert answer["verdict"] == "refused" and answer["reason"] == str(offline.DEVICE_REVOKED)
    page = client.get(reverse("pledges:kiosk_devices", args=[event.pk]))
    assert "Yusuf Hamdani" in page.content.decode() and not Pact.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        json.dumps([1, 2]),
        json.dumps({"key": "x"}),
        json.dumps({"captured_at": "2026-01-01T10:00:00"}),
    ],
)
def test_it_refuses_a_malformed_sync_with_400(kiosk, event, body):
    client, _device = kiosk
    response = client.post(
        reverse("pledges:kiosk_offline_sync", args=[event.pk]), body, content_type="application/json"
    )
    assert response.status_code == 400 and "error" in response.json()
    assert not OfflineSignature.objects.exists()


def test_a_lapsed_session_gets_401_not_a_login_page(client, event):
    response = client.post(
        reverse("pledges:kiosk_offline_sync", args=[event.pk]), "{}", content_type="application/json"
    )
    assert response.status_code == 401


def test_another_staff_members_tablet_is_refused(kiosk, event, client):
    _client, device = kiosk
    other = BawasluStaffFactory(membership__regency=event.regency, membership__province=event.province)
    client.force_login(other)
    response = _send(client, event, _item(device, AttendeeFactory(event=event)))
    assert response.status_code == 403 and not Pact.objects.exists()


def test_the_bundle_holds_only_what_the_kiosk_shows(kiosk, event):
    client, _device = kiosk
    attendee = AttendeeFactory(
        event=event, identity_number="198503122010012001", phone="0812", email="a@b.id"
    )
    data = client.get(reverse("pledges:kiosk_offline_data", args=[event.pk])).json()
    assert data["attendees"] == [
        [
            attendee.pk,
            attendee.full_name,
            attendee.position,
            attendee.agency.name,
            "************** 2001",
            False,
        ]
    ]
    text = json.dumps(data)
    assert "198503122010012001" not in text and "0812" not in text and attendee.personal_code not in text


def test_the_kiosk_page_and_worker_render(kiosk, event):
    client, _device = kiosk
    page = client.get(reverse("pledges:kiosk_offline", args=[event.pk]))
    assert page.status_code == 200 and b"kiosk-offline.js" in page.content
    worker = client.get(reverse("pledges:kiosk_worker"))
    assert worker["Content-Type"].startswith("text/javascript") and b"caches.open" in worker.content
    manifest = client.get(reverse("pledges:kiosk_manifest", args=[event.pk])).json()
    assert manifest["start_url"] == reverse("pledges:kiosk_offline", args=[event.pk])


def test_the_devices_page_costs_the_same_queries_for_many_devices(
    kiosk, event, django_assert_max_num_queries
):
    client, device = kiosk
    url = reverse("pledges:kiosk_devices", args=[event.pk])
    client.get(url)
    for _ in range(5):
        other = KioskDevice.objects.create(event=event, user=device.user, device_id=uuid.uuid4())
        OfflineSignature.objects.create(
            device=other, attendee=AttendeeFactory(event=event), captured_at=timezone.now(), verdict="refused"
        )
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.content.decode().count("data-refused") == 5
