"""Reads of personal data and sign-ins are recorded with who, when, what and from where; nobody rewrites them."""

import re
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from pledges import jobs
from pledges.clientdata import address_hash, identity_number_hash
from pledges.models import AccessRecord, AppendOnlyError, DocumentJob
from pledges.pdf import documents
from tests.factories import BawasluStaffFactory, EventFactory, PactFactory, UserFactory

pytestmark = pytest.mark.django_db

ADDRESS = "198.51.100.23"


@pytest.fixture
def fast_pdfs(monkeypatch):
    """The documents themselves are tested elsewhere: here a one-line file stands in for each."""

    def fake(*args, out: Path, **kwargs):
        out.write_bytes(b"%PDF-1.7 stand-in")

    for name in ("declaration_pdf", "sheet_pdf", "pacts_pdf", "blank_declarations_pdf", "poster_pdf"):
        monkeypatch.setattr(documents, name, fake)


@pytest.fixture
def pact():
    return PactFactory(attendee__identity_number="198503122010012001")


def last() -> AccessRecord:
    return AccessRecord.objects.order_by("-pk").first()


def test_an_attendee_export_is_recorded_with_who_what_and_from_where(staff_client, staff_user, pact):
    staff_client.get(reverse("events:export", args=[pact.event.pk, "csv"]), REMOTE_ADDR=ADDRESS)
    record = last()
    assert (record.user, record.username, record.action) == (staff_user, staff_user.username, "export")
    assert record.event == pact.event and record.target.startswith(f"peserta-{pact.event.code}")
    assert record.address_hmac == address_hash(ADDRESS)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("event_sheet", "lembar-tanda-tangan"),
        ("event_pacts_pdf", "pakta"),
        ("event_blank_declarations", "pakta-kosong"),
    ],
)
def test_every_event_document_with_full_numbers_is_recorded(
    staff_client, staff_user, pact, fast_pdfs, name, kind
):
    response = staff_client.get(reverse(f"pledges:{name}", args=[pact.event.pk]))
    assert response.status_code == 200
    record = last()
    assert (record.action, record.user, record.event) == ("document", staff_user, pact.event)
    assert record.target == f"{kind}-{pact.event.code}.pdf"


def test_the_signers_own_declaration_is_recorded_against_their_number(client, pact, fast_pdfs):
    session = client.session
    session["signed_pacts"] = [pact.code]
    session.save()
    client.get(reverse("pledges:receipt_pdf", args=[pact.code]), REMOTE_ADDR=ADDRESS)
    record = last()
    assert record.user is None and record.action == "document"
    assert record.subject_hmac == identity_number_hash(pact.signer_identity_number)
    assert record.target == f"pakta-{pact.code}.pdf"


def test_public_copies_and_posters_are_not_recorded(client, staff_client, pact, fast_pdfs):
    client.get(reverse("pledges:pact_pdf", args=[pact.code]))
    staff_client.get(reverse("pledges:event_poster", args=[pact.event.pk]))
    assert not AccessRecord.objects.exclude(action="sign_in").exists()


def test_a_refused_download_leaves_no_record(client, pact):
    assert client.get(reverse("pledges:receipt_pdf", args=[pact.code])).status_code == 404
    assert not AccessRecord.objects.exists()


def test_sign_ins_and_failed_sign_ins_are_recorded_without_the_password(client):
    user = UserFactory()
    client.post(
        reverse("login"), {"username": user.username, "password": "salah-sekali"}, REMOTE_ADDR=ADDRESS
    )
    client.post(reverse("login"), {"username": user.username, "password": "rahasia-123"}, REMOTE_ADDR=ADDRESS)
    failed, succeeded = AccessRecord.objects.order_by("pk")
    assert (failed.action, failed.user, failed.username) == ("sign_in_failed", None, user.username)
    assert (succeeded.action, succeeded.user) == ("sign_in", user)
    assert failed.address_hmac == succeeded.address_hmac == address_hash(ADDRESS)
    assert not AccessRecord.objects.filter(target__contains="salah").exists()


def test_a_record_cannot_be_changed_or_deleted_through_the_application():
    record = AccessRecord.objects.create(action="export", username="staf")
    record.username = "orang-lain"
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()
    with pytest.raises(AppendOnlyError):
        AccessRecord.objects.filter(pk=record.pk).update(username="orang-lain")
    with pytest.raises(AppendOnlyError):
        AccessRecord.objects.all().delete()
    assert AccessRecord.objects.get().username == "staf"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_on_postgresql_the_database_refuses_too():
    record = AccessRecord.objects.create(action="export", username="staf")
    for sql in ("UPDATE pledges_accessrecord SET username = 'x'", "DELETE FROM pledges_accessrecord"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AccessRecord.objects.get(pk=record.pk).username == "staf"


def test_records_outlive_the_user_and_the_event():
    user, event = UserFactory(), EventFactory(status="draft")
    AccessRecord.objects.create(action="export", user=user, username=user.username, event=event)
    kept = (user.pk, event.pk, user.username)
    user.delete()
    event.delete()
    record = AccessRecord.objects.get()
    assert (record.user_id, record.event_id, record.username) == kept


class TestAdmin:
    def test_administrators_read_the_log(self, client, admin_user):
        AccessRecord.objects.create(action="export", username="staf.oku", target="peserta-X.csv")
        client.force_login(admin_user)
        response = client.get(reverse("admin:pledges_accessrecord_changelist"))
        assert response.status_code == 200
        assert "peserta-X.csv" in response.text

    def test_nobody_adds_changes_or_deletes_there(self, client, admin_user):
        record = AccessRecord.objects.create(action="export", username="staf.oku")
        client.force_login(admin_user)
        assert client.get(reverse("admin:pledges_accessrecord_add")).status_code == 403
        assert client.get(reverse("admin:pledges_accessrecord_delete", args=[record.pk])).status_code == 403
        change = client.post(
            reverse("admin:pledges_accessrecord_change", args=[record.pk]), {"username": "x"}
        )
        assert change.status_code == 403
        assert AccessRecord.objects.get(pk=record.pk).username == "staf.oku"

    def test_staff_who_are_not_administrators_do_not_see_it(self, client):
        user = BawasluStaffFactory(is_staff=True)
        client.force_login(user)
        response = client.get(reverse("admin:pledges_accessrecord_changelist"))
        assert response.status_code in (302, 403)


def test_a_document_made_in_the_background_is_recorded_when_downloaded(
    staff_client, staff_user, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setitem(jobs.INLINE_MAX_ROWS, DocumentJob.Kind.PACTS, 1)
    event = EventFactory()
    PactFactory.create_batch(2, attendee__event=event)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.get(reverse("pledges:event_pacts_pdf", args=[event.pk]))
    job = DocumentJob.objects.get(pk=int(re.search(r"/dokumen/(\d+)/", response.url)[1]))
    assert not AccessRecord.objects.filter(action="document").exists()  # asking is not reading
    download = staff_client.get(reverse("pledges:document_job_file", args=[job.pk]))
    assert download.status_code == 200
    record = last()
    assert (record.action, record.user, record.event, record.target) == (
        "document",
        staff_user,
        event,
        job.filename,
    )
