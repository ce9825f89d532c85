import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from events.models import Agency, Attendee
from pledges.models import Declaration, DeclarationLocked, Pact
from pledges.services import DeclarationError, declaration_default, declaration_new_version
from tests.factories import AgencyFactory, AttendeeFactory, EventFactory, PactFactory, regency

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_second_pact_for_the_same_attendee():
    pact = PactFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        PactFactory(attendee=pact.attendee, code="ZZZZZZZZZZ")
    assert Pact.objects.count() == 1


def test_the_database_refuses_a_duplicate_identity_number_in_one_event():
    attendee = AttendeeFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        AttendeeFactory(event=attendee.event, identity_number=attendee.identity_number)


def test_the_same_person_may_attend_two_events():
    attendee = AttendeeFactory()
    AttendeeFactory(identity_number=attendee.identity_number)
    assert Attendee.objects.filter(identity_number=attendee.identity_number).count() == 2


def test_several_attendees_without_a_number_may_attend():
    event = EventFactory()
    AttendeeFactory(event=event, identity_kind="other", identity_number="")
    AttendeeFactory(event=event, identity_kind="other", identity_number="")
    assert event.attendees.count() == 2


def test_the_database_requires_a_number_for_a_civil_servant():
    with pytest.raises(IntegrityError), transaction.atomic():
        AttendeeFactory(identity_kind="pns", identity_number="")


def test_attendee_validation_normalizes_and_checks_the_number():
    attendee = AttendeeFactory.build(
        event=EventFactory(), agency=AgencyFactory(), identity_number="19850312 201001 1 001"
    )
    attendee.full_clean()
    assert attendee.identity_number == "198503122010011001"
    attendee.identity_kind = "pppk"
    with pytest.raises(ValidationError) as error:
        attendee.full_clean()
    assert "kode PPPK 21" in error.value.message_dict["identity_number"][0]


def test_agency_names_are_unique_within_a_regency():
    AgencyFactory(name="Dinas Pendidikan")
    AgencyFactory(name="Dinas Pendidikan", regency=regency("16.02"))
    with pytest.raises(IntegrityError), transaction.atomic():
        AgencyFactory(name="Dinas Pendidikan")


def test_agency_names_are_unique_within_a_province_for_provincial_agencies():
    AgencyFactory(name="Dinas Pendidikan Provinsi", regency=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        AgencyFactory(name="Dinas Pendidikan Provinsi", regency=None)


def test_an_agency_takes_its_province_from_its_regency():
    agency = Agency.objects.create(name="Dinas Sosial", regency=regency("13.11"))
    assert agency.province_id == "13"


def test_a_signed_declaration_cannot_change():
    pact = PactFactory()
    declaration = pact.declaration
    declaration.points = [*declaration.points, "Butir tambahan"]
    with pytest.raises(DeclarationLocked):
        declaration.save()
    declaration.refresh_from_db()
    assert "Butir tambahan" not in declaration.points


def test_an_unsigned_declaration_can_change():
    declaration = EventFactory().declaration
    declaration.title = "Ikrar Netralitas ASN"
    declaration.save()
    assert Declaration.objects.get(pk=declaration.pk).title == "Ikrar Netralitas ASN"


def test_a_new_version_is_made_from_a_signed_declaration():
    pact = PactFactory()
    revised = declaration_new_version(declaration=pact.declaration, points=["Satu", "Dua", "Tiga"])
    assert revised.version == 2
    assert revised.previous == pact.declaration
    assert revised.points == ["Satu", "Dua", "Tiga"]
    with pytest.raises(DeclarationError):
        declaration_new_version(declaration=pact.declaration, points=["Lagi"])


def test_the_default_declaration_has_four_points_and_is_created_once():
    first = declaration_default()
    assert len(first.points) == 4
    assert declaration_default() == first


def test_an_event_ending_before_it_starts_is_refused():
    event = EventFactory.build(organiser=AgencyFactory(), declaration=None)
    event.election.save()
    event.ends_at = event.starts_at.replace(year=event.starts_at.year - 1)
    with pytest.raises(ValidationError):
        event.full_clean()
