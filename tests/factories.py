"""factory_boy factories for the whole domain; regions come from the data migration."""

import datetime
import secrets

import factory
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from events.models import (
    Agency,
    Attendee,
    Election,
    Event,
    Invitation,
    Membership,
    Province,
    Regency,
    Witness,
)
from pledges.models import Declaration, Pact
from pledges.signatures import png_data_url, scribble_png, signature_from_data_url


def signature_data_url(seed: int = 0) -> str:
    """What the signature pad posts: a PNG data URL of a plausible scribble."""
    return png_data_url(scribble_png(seed))


def signing_post(seed: int = 0, **fields) -> dict:
    """What a kiosk or phone signing form posts: the drawn signature and the form's own idempotency key."""
    return {"signature": signature_data_url(seed), "idempotency_key": secrets.token_hex(16), **fields}


def regency(code: str = "16.01") -> Regency:
    return Regency.objects.select_related("province").get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "rahasia-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Dinas Nomor {n}")
    kind = Agency.Kind.DINAS
    regency = factory.LazyFunction(regency)
    province = factory.LazyAttribute(
        lambda a: a.regency.province if a.regency else Province.objects.get(code="16")
    )


class BawasluStaffFactory(UserFactory):
    """A regency office's staff member (pass membership__regency=None and a province for a provincial one)."""

    membership = factory.RelatedFactory(
        "tests.factories.MembershipFactory", factory_related_name="user", role=Membership.Role.BAWASLU
    )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Membership.Role.BAWASLU
    regency = factory.LazyFunction(regency)
    province = factory.LazyAttribute(lambda m: m.regency.province if m.regency else None)


class OpdHeadFactory(UserFactory):
    membership = factory.RelatedFactory(
        "tests.factories.MembershipFactory",
        factory_related_name="user",
        role=Membership.Role.OPD_HEAD,
        regency=None,
        province=None,
        agency=factory.SubFactory(AgencyFactory),
    )


class ElectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Election
        django_get_or_create = ("name",)

    name = "Pilkada Serentak 2024"
    kind = Election.Kind.PILKADA
    voting_day = datetime.date(2024, 11, 27)
    nationwide = True


class DeclarationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Declaration

    title = "Pakta Integritas Netralitas ASN"
    opening = "Kami yang bertanda tangan di bawah ini menyatakan:"
    points = factory.LazyFunction(
        lambda: [
            "Menjaga netralitas dalam pelayanan publik.",
            "Menghindari konflik kepentingan.",
            "Memakai media sosial dengan bijak.",
            "Menolak politik uang.",
        ]
    )
    closing = "Demikian pakta ini kami buat dengan sadar."
    place_date_line = "Baturaja, 27 Desember 2023"


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Sosialisasi Netralitas ASN {n}")
    kind = Event.Kind.SOSIALISASI
    election = factory.SubFactory(ElectionFactory)
    regency = factory.LazyFunction(regency)
    province = factory.LazyAttribute(
        lambda e: e.regency.province if e.regency else Province.objects.get(code="16")
    )
    venue = "Aula Kantor Bupati"
    starts_at = factory.LazyFunction(lambda: timezone.now().replace(microsecond=0))
    ends_at = factory.LazyAttribute(lambda e: e.starts_at + datetime.timedelta(hours=3))
    organiser = factory.SubFactory(
        AgencyFactory, kind=Agency.Kind.BAWASLU, regency=factory.SelfAttribute("..regency")
    )
    declaration = factory.SubFactory(DeclarationFactory)
    status = Event.Status.OPEN
    signing_opened_at = factory.LazyAttribute(
        lambda e: None if e.status == Event.Status.DRAFT else e.starts_at - datetime.timedelta(hours=1)
    )


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    event = factory.SubFactory(EventFactory)
    agency = factory.SubFactory(AgencyFactory)


def nip(n: int, *, pppk: bool = False) -> str:
    """A valid NIP (or NI PPPK) that differs by its sequence number."""
    month = "21" if pppk else "03"
    return f"19850312201{n // 999 % 10}{month}1{n % 999 + 1:03d}"


class AttendeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendee

    event = factory.SubFactory(EventFactory)
    full_name = factory.Sequence(lambda n: f"Peserta Nomor {n}, S.Sos.")
    identity_kind = Attendee.IdentityKind.PNS
    identity_number = factory.Sequence(nip)
    position = "Analis Kebijakan"
    rank = "Penata (III/c)"
    agency = factory.SubFactory(AgencyFactory)


class WitnessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Witness

    event = factory.SubFactory(EventFactory)
    name = "H. Darmawan Putra, S.Sos."
    title = "Ketua Bawaslu Kabupaten"
    role = Witness.Role.ACKNOWLEDGES


class PactFactory(factory.django.DjangoModelFactory):
    """A pact written straight to the table (the signing service is tested on its own)."""

    class Meta:
        model = Pact
        skip_postgeneration_save = True

    attendee = factory.SubFactory(AttendeeFactory)
    event = factory.SelfAttribute("attendee.event")
    declaration = factory.SelfAttribute("attendee.event.declaration")
    agency = factory.SelfAttribute("attendee.agency")
    method = Pact.Method.PAPER
    signed_at = factory.LazyFunction(timezone.now)
    signer_name = factory.SelfAttribute("attendee.full_name")
    signer_identity_kind = factory.SelfAttribute("attendee.identity_kind")
    signer_identity_number = factory.SelfAttribute("attendee.identity_number")
    signer_position = factory.SelfAttribute("attendee.position")
    signer_rank = factory.SelfAttribute("attendee.rank")
    signer_agency = factory.SelfAttribute("attendee.agency.name")
    content_hash = "0" * 64

    class Params:
        withdrawn = factory.Trait(
            status=Pact.Status.WITHDRAWN,
            withdrawn_at=factory.LazyFunction(timezone.now),
            withdrawal_reason="Ditandatangani oleh orang yang salah.",
        )

    @factory.post_generation
    def with_signature(obj, create, extracted, **kwargs):
        """`PactFactory(with_signature=True)`: a drawn pact with its stored PNG and print JPEG, hash consistent."""
        if not extracted:
            return
        images = signature_from_data_url(signature_data_url(obj.pk or 0))
        obj.method = Pact.Method.DRAWN
        obj.signature.save("signature.png", ContentFile(images.png), save=False)
        obj.signature_print.save("signature.jpg", ContentFile(images.print_jpeg), save=False)
        obj.signature_sha256 = images.sha256
        obj.content_hash = obj.compute_content_hash()
        if create:
            obj.save()


def provincial_staff(province_code: str = "16"):
    """A Bawaslu staff member of a provincial office (no regency)."""
    return BawasluStaffFactory(
        membership__regency=None, membership__province=Province.objects.get(code=province_code)
    )


def totp_device(user, *, confirmed: bool = True):
    """An authenticator app set up for the user (django-otp's TOTP device)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=confirmed)


def totp_token(device, *, steps_ahead: int = 0) -> str:
    """The code the user's app shows now (or a step later: a code is accepted once, the next step's is new)."""
    from django_otp.oath import totp

    device.refresh_from_db()
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead)
    return str(code).zfill(device.digits)
