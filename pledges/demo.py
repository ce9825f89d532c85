"""A small, realistic demo data set: one regency office, its OPDs, two events and their attendees.

Every name here is invented. Running it again changes nothing that already exists.
"""

import datetime
import secrets

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from events.models import Agency, Attendee, Election, Event, Invitation, Membership, Witness
from pledges.services import declaration_default, pact_sign, pacts_record_paper
from pledges.signatures import png_data_url, scribble_png

REGENCY_CODE = "16.01"  # Kabupaten Ogan Komering Ulu, Sumatera Selatan
BAWASLU_OFFICE = "Bawaslu Kabupaten Ogan Komering Ulu"

AGENCIES = [
    (BAWASLU_OFFICE, Agency.Kind.BAWASLU, "Jl. Jend. Sudirman, Baturaja"),
    ("Dinas Pendidikan", Agency.Kind.DINAS, ""),
    ("Dinas Kesehatan", Agency.Kind.DINAS, ""),
    ("Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", Agency.Kind.BADAN, ""),
    ("Sekretariat Daerah", Agency.Kind.SEKRETARIAT, ""),
    ("Kecamatan Baturaja Timur", Agency.Kind.KECAMATAN, ""),
    ("KPU Kabupaten Ogan Komering Ulu", Agency.Kind.KPU, ""),
    ("Kodim 0403/OKU", Agency.Kind.TNI, ""),
    ("Polres Ogan Komering Ulu", Agency.Kind.POLRI, ""),
]

# (name, kind, number, position, rank, agency)
PEOPLE = [
    (
        "Drs. Ahmad Fauzi, M.Si.",
        "pns",
        "197003151995031002",
        "Kepala Dinas",
        "Pembina Utama Muda (IV/c)",
        "Dinas Pendidikan",
    ),
    (
        "Rina Marlina, S.Pd.",
        "pns",
        "198503122010012001",
        "Kepala Bidang SD",
        "Penata Tingkat I (III/d)",
        "Dinas Pendidikan",
    ),
    (
        "Yusuf Hidayat, S.Kom.",
        "pppk",
        "199002252024211013",
        "Pranata Komputer",
        "PPPK IX",
        "Dinas Pendidikan",
    ),
    (
        "dr. Siti Nurhaliza, M.Kes.",
        "pns",
        "197808092005022003",
        "Kepala Dinas",
        "Pembina Tingkat I (IV/b)",
        "Dinas Kesehatan",
    ),
    (
        "Bambang Supriadi, S.K.M.",
        "pns",
        "198201172008011004",
        "Sekretaris Dinas",
        "Pembina (IV/a)",
        "Dinas Kesehatan",
    ),
    (
        "Ns. Dewi Anggraini, S.Kep.",
        "pppk",
        "199406302023212007",
        "Perawat Ahli Pertama",
        "PPPK IX",
        "Dinas Kesehatan",
    ),
    (
        "Hendra Gunawan, S.H., M.H.",
        "pns",
        "197511202000121001",
        "Kepala Badan",
        "Pembina Utama Muda (IV/c)",
        "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
    ),
    (
        "Lestari Wulandari, S.E.",
        "pns",
        "198807142011012005",
        "Analis Kepegawaian",
        "Penata (III/c)",
        "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
    ),
    (
        "Ir. Joko Santoso, M.T.",
        "pns",
        "196912051994031006",
        "Asisten Pemerintahan dan Kesra",
        "Pembina Utama Madya (IV/d)",
        "Sekretariat Daerah",
    ),
    (
        "Muhammad Rizki, S.STP.",
        "pns",
        "199201012014061001",
        "Camat",
        "Penata Tingkat I (III/d)",
        "Kecamatan Baturaja Timur",
    ),
    ("Kapten Inf. Andi Saputra", "tni", "11090012340881", "Pasi Ter", "Kapten", "Kodim 0403/OKU"),
    (
        "AKP Rudi Hartono, S.H.",
        "polri",
        "85061234",
        "Kasat Binmas",
        "Ajun Komisaris Polisi",
        "Polres Ogan Komering Ulu",
    ),
    ("Sutrisno", "other", "", "Kepala Desa Tanjung Baru", "", "Kecamatan Baturaja Timur"),
]

DEMO_STAFF = "staf.oku"
DEMO_OPD_HEAD = "kadisdik.oku"
DEMO_ADMIN = "admin"


def pilkada_2024() -> Election:
    """The 2024 simultaneous regional elections; shared by the demo and the registry benchmark."""
    election, _created = Election.objects.get_or_create(
        name="Pilkada Serentak 2024",
        defaults={
            "kind": Election.Kind.PILKADA,
            "voting_day": datetime.date(2024, 11, 27),
            "nationwide": True,
        },
    )
    return election


def _user(username: str, *, superuser: bool = False, **fields):
    """Create a user once with a generated password; return (user, password or None if it existed)."""
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user:
        return user, None
    password = secrets.token_urlsafe(12)
    create = User.objects.create_superuser if superuser else User.objects.create_user
    user = create(username=username, password=password, email=f"{username}@example.org", **fields)
    return user, password


@transaction.atomic
def demo_load() -> dict[str, str]:
    """Load the demo set; return the passwords of accounts created by this run."""
    from events.models import Regency

    regency = Regency.objects.select_related("province").get(code=REGENCY_CODE)
    agencies = {}
    for name, kind, address in AGENCIES:
        agencies[name], _created = Agency.objects.get_or_create(
            regency=regency,
            name=name,
            defaults={"kind": kind, "province": regency.province, "address": address},
        )

    pemilu, _created = Election.objects.get_or_create(
        name="Pemilu 2024",
        defaults={"kind": Election.Kind.PEMILU, "voting_day": datetime.date(2024, 2, 14), "nationwide": True},
    )
    pilkada = pilkada_2024()
    declaration = declaration_default()

    staff, staff_password = _user(DEMO_STAFF, first_name="Staf", last_name="Bawaslu OKU")
    Membership.objects.get_or_create(
        user=staff,
        defaults={"role": Membership.Role.BAWASLU, "province": regency.province, "regency": regency},
    )
    head, head_password = _user(DEMO_OPD_HEAD, first_name="Ahmad", last_name="Fauzi")
    Membership.objects.get_or_create(
        user=head, defaults={"role": Membership.Role.OPD_HEAD, "agency": agencies["Dinas Pendidikan"]}
    )
    _admin, admin_password = _user(DEMO_ADMIN, superuser=True)

    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    events = [
        (
            "Deklarasi dan Penandatanganan Pakta Integritas Netralitas ASN",
            Event.Kind.DEKLARASI,
            pemilu,
            "Gedung Kesenian Baturaja",
            datetime.datetime(2023, 12, 27, 8, 30, tzinfo=tz),
            Event.Status.CLOSED,
        ),
        (
            "Sosialisasi Netralitas ASN dan Apel Ikrar",
            Event.Kind.SOSIALISASI,
            pilkada,
            "Aula Kantor Bupati Ogan Komering Ulu",
            datetime.datetime.combine(today, datetime.time(9, 0), tzinfo=tz),
            Event.Status.OPEN,
        ),
    ]
    demo_events = []
    for title, kind, election, venue, starts_at, status in events:
        event, created = Event.objects.get_or_create(
            title=title,
            regency=regency,
            election=election,
            defaults={
                "kind": kind,
                "province": regency.province,
                "venue": venue,
                "starts_at": starts_at,
                "ends_at": starts_at + datetime.timedelta(hours=3),
                "organiser": agencies[BAWASLU_OFFICE],
                "declaration": declaration,
                "status": status,
                "signing_opened_at": starts_at if status != Event.Status.DRAFT else None,
                "signing_closed_at": starts_at + datetime.timedelta(hours=3)
                if status == Event.Status.CLOSED
                else None,
                "created_by": staff,
            },
        )
        demo_events.append(event)
        if not created:
            continue
        for agency in agencies.values():
            if agency.kind != Agency.Kind.BAWASLU:
                Invitation.objects.get_or_create(event=event, agency=agency)
        for name, id_kind, number, position, rank, agency_name in PEOPLE:
            Attendee.objects.create(
                event=event,
                full_name=name,
                identity_kind=id_kind,
                identity_number=number,
                position=position,
                rank=rank,
                agency=agencies[agency_name],
            )
        Witness.objects.create(
            event=event,
            role=Witness.Role.ACKNOWLEDGES,
            name="H. Darmawan Putra, S.Sos.",
            title="Ketua Bawaslu Kabupaten Ogan Komering Ulu",
            order=1,
        )
        Witness.objects.create(
            event=event,
            role=Witness.Role.WITNESSES,
            name="Drs. H. Syamsul Bahri, M.M.",
            title="Sekretaris Daerah",
            identity_number="196805101993031005",
            order=2,
        )

    _replay_signing(demo_events[0], staff)

    created = {DEMO_STAFF: staff_password, DEMO_OPD_HEAD: head_password, DEMO_ADMIN: admin_password}
    return {username: password for username, password in created.items() if password}


DRAWN_PACTS = 6  # the first attendees of the closed event signed on the kiosk; the next one on paper


def _replay_signing(event: Event, staff) -> None:
    """Give the closed event the pacts it would have had: a few drawn at the kiosk and one on paper.

    Signing goes through the real services, so the demo pacts carry real images and hashes. The event is
    reopened for the replay and closed again (a queryset update: the replay leaves no trace in its history).
    """
    if event.pacts.exists():
        return
    people = list(event.attendees.order_by("pk")[: DRAWN_PACTS + 1])
    status = event.status
    Event.objects.filter(pk=event.pk).update(status=Event.Status.OPEN)
    for number, attendee in enumerate(people[:DRAWN_PACTS]):
        pact_sign(
            attendee=attendee,
            signature_data_url=png_data_url(scribble_png(number)),
            collected_by=staff,
            user_agent="Kios demo",
            signed_at=event.starts_at + datetime.timedelta(minutes=12 + 3 * number),
        )
    Event.objects.filter(pk=event.pk).update(status=status)
    sheet = SimpleUploadedFile("lembar-tanda-tangan-1.png", _sheet_scan(), content_type="image/png")
    pacts_record_paper(
        event=event, attendees=people[DRAWN_PACTS:], scan=sheet, user=staff, note="Lembar tanda tangan 1"
    )


def _sheet_scan() -> bytes:
    """A plain stand-in for a scanned signature sheet: a page with ruled rows and one scribble."""
    import io

    from PIL import Image, ImageDraw

    page = Image.new("L", (827, 1169), 250)
    draw = ImageDraw.Draw(page)
    for row in range(12):
        top = 160 + row * 70
        draw.rectangle((60, top, 767, top + 70), outline=60, width=2)
    signature = Image.open(io.BytesIO(scribble_png(99, size=(240, 80)))).convert("RGBA")
    page.paste(signature.convert("L"), (500, 165), signature)
    out = io.BytesIO()
    page.save(out, format="PNG")
    return out.getvalue()
