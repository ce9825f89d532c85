"""Regions, agencies, elections, events and the people invited to them."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from events import validators

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: codes are read aloud and typed


def random_code(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


class Province(models.Model):
    code = models.CharField(_("kode Kemendagri"), max_length=2, primary_key=True)
    name = models.CharField(_("nama"), max_length=100, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("provinsi")
        verbose_name_plural = _("provinsi")

    def __str__(self):
        return self.name


class Regency(models.Model):
    class Kind(models.TextChoices):
        KABUPATEN = "kabupaten", _("Kabupaten")
        KOTA = "kota", _("Kota")

    code = models.CharField(_("kode Kemendagri"), max_length=5, primary_key=True)
    province = models.ForeignKey(
        Province, models.PROTECT, related_name="regencies", verbose_name=_("provinsi")
    )
    name = models.CharField(_("nama"), max_length=100)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("kabupaten/kota")
        verbose_name_plural = _("kabupaten/kota")

    def __str__(self):
        return self.name


class Agency(models.Model):
    """A regional government unit (OPD) or another institution whose people attend."""

    class Kind(models.TextChoices):
        DINAS = "dinas", _("Dinas")
        BADAN = "badan", _("Badan")
        SEKRETARIAT = "sekretariat", _("Sekretariat")
        BAGIAN = "bagian", _("Bagian")
        KECAMATAN = "kecamatan", _("Kecamatan")
        KELURAHAN_DESA = "desa", _("Kelurahan/Desa")
        VERTIKAL = "vertikal", _("Kantor vertikal")
        TNI = "tni", _("TNI")
        POLRI = "polri", _("Polri")
        BAWASLU = "bawaslu", _("Bawaslu")
        KPU = "kpu", _("KPU")
        PEMDA = "pemda", _("Pemerintah daerah")
        OTHER = "lainnya", _("Lainnya")

    name = models.CharField(_("nama"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices, default=Kind.DINAS)
    province = models.ForeignKey(
        Province, models.PROTECT, related_name="agencies", verbose_name=_("provinsi")
    )
    regency = models.ForeignKey(
        Regency,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="agencies",
        verbose_name=_("kabupaten/kota"),
        help_text=_("Kosongkan untuk instansi tingkat provinsi."),
    )
    address = models.CharField(_("alamat"), max_length=300, blank=True)
    phone = models.CharField(_("telepon"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.CharField(_("laman"), max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("instansi")
        verbose_name_plural = _("instansi")
        constraints = [
            models.UniqueConstraint(
                fields=["regency", "name"],
                condition=Q(regency__isnull=False),
                name="agency_unique_name_in_regency",
                violation_error_message=_("Instansi dengan nama ini sudah ada di kabupaten/kota tersebut."),
            ),
            models.UniqueConstraint(
                fields=["province", "name"],
                condition=Q(regency__isnull=True),
                name="agency_unique_name_in_province",
                violation_error_message=_("Instansi dengan nama ini sudah ada di provinsi tersebut."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.regency_id and self.province_id and self.regency.province_id != self.province_id:
            raise ValidationError({"regency": _("Kabupaten/kota ini tidak berada di provinsi yang dipilih.")})

    def save(self, *args, **kwargs):
        if self.regency_id and not self.province_id:
            self.province_id = self.regency.province_id
        super().save(*args, **kwargs)


class Election(models.Model):
    class Kind(models.TextChoices):
        PEMILU = "pemilu", _("Pemilu")
        PILKADA = "pilkada", _("Pilkada")

    name = models.CharField(_("nama"), max_length=150, unique=True)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    voting_day = models.DateField(_("hari pemungutan suara"))
    nationwide = models.BooleanField(_("seluruh Indonesia"), default=False)
    provinces = models.ManyToManyField(
        Province, blank=True, related_name="elections", verbose_name=_("provinsi")
    )
    regencies = models.ManyToManyField(
        Regency, blank=True, related_name="elections", verbose_name=_("kabupaten/kota")
    )

    class Meta:
        ordering = ["-voting_day", "name"]
        verbose_name = _("pemilihan")
        verbose_name_plural = _("pemilihan")

    def __str__(self):
        return self.name


class Membership(models.Model):
    """Links a signed-in user to the office whose data they may touch.

    Bawaslu staff belong to a province or a regency office; an OPD head belongs to an agency.
    Administrators are Django superusers and need no membership.
    """

    class Role(models.TextChoices):
        BAWASLU = "bawaslu", _("Staf Bawaslu")
        OPD_HEAD = "opd_head", _("Kepala OPD")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="membership", verbose_name=_("pengguna")
    )
    role = models.CharField(_("peran"), max_length=10, choices=Role.choices)
    province = models.ForeignKey(Province, models.PROTECT, null=True, blank=True, verbose_name=_("provinsi"))
    regency = models.ForeignKey(
        Regency, models.PROTECT, null=True, blank=True, verbose_name=_("kabupaten/kota")
    )
    agency = models.ForeignKey(Agency, models.PROTECT, null=True, blank=True, verbose_name=_("instansi"))

    class Meta:
        verbose_name = _("keanggotaan")
        verbose_name_plural = _("keanggotaan")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        role="bawaslu",
                        agency__isnull=True,
                        province__isnull=False,
                    )
                    | Q(role="opd_head", agency__isnull=False, province__isnull=True, regency__isnull=True)
                ),
                name="membership_scope_matches_role",
                violation_error_message=_(
                    "Staf Bawaslu memerlukan provinsi (dan boleh kabupaten/kota); kepala OPD memerlukan instansi."
                ),
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.scope_label}"

    @property
    def scope_label(self) -> str:
        return str(self.agency or self.regency or self.province)

    def save(self, *args, **kwargs):
        if self.regency_id and not self.province_id:
            self.province_id = self.regency.province_id
        super().save(*args, **kwargs)


class EventQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Events a user may see: an office's region, or the events an OPD head's agency is invited to."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        membership = getattr(user, "membership", None)
        if membership is None:
            return self.none()
        if membership.role == Membership.Role.OPD_HEAD:
            return self.filter(invitations__agency_id=membership.agency_id)
        if membership.regency_id:
            return self.filter(regency_id=membership.regency_id)
        return self.filter(province_id=membership.province_id)

    def managed_by(self, user):
        """Events a user may change: Bawaslu staff and administrators within their scope."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        membership = getattr(user, "membership", None)
        if membership is None or membership.role != Membership.Role.BAWASLU:
            return self.none()
        return self.visible_to(user)


class Event(models.Model):
    class Kind(models.TextChoices):
        SOSIALISASI = "sosialisasi", _("Sosialisasi")
        RAKOR = "rakor", _("Rapat koordinasi")
        APEL = "apel", _("Apel ikrar")
        DEKLARASI = "deklarasi", _("Deklarasi")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draf")
        OPEN = "open", _("Penandatanganan dibuka")
        CLOSED = "closed", _("Penandatanganan ditutup")

    class PaperSize(models.TextChoices):
        A4 = "a4", _("A4 (210 × 297 mm)")
        F4 = "f4", _("F4/Folio (215 × 330 mm)")

    kind = models.CharField(
        _("jenis kegiatan"), max_length=12, choices=Kind.choices, default=Kind.SOSIALISASI
    )
    title = models.CharField(_("judul"), max_length=250)
    election = models.ForeignKey(Election, models.PROTECT, related_name="events", verbose_name=_("pemilihan"))
    province = models.ForeignKey(Province, models.PROTECT, related_name="events", verbose_name=_("provinsi"))
    regency = models.ForeignKey(
        Regency,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("kabupaten/kota"),
        help_text=_("Kosongkan untuk kegiatan tingkat provinsi."),
    )
    venue = models.CharField(_("tempat"), max_length=250)
    starts_at = models.DateTimeField(_("mulai"))
    ends_at = models.DateTimeField(_("selesai"))
    organiser = models.ForeignKey(
        Agency, models.PROTECT, related_name="organised_events", verbose_name=_("penyelenggara")
    )
    # The text attendees sign belongs to the app that builds on events; settings name its model, as they name
    # the user model, so that this app depends on nothing above it.
    declaration = models.ForeignKey(
        settings.EVENT_DECLARATION_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("naskah pakta/ikrar"),
    )
    invited_agencies = models.ManyToManyField(
        Agency, through="Invitation", related_name="invited_events", verbose_name=_("instansi diundang")
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    signing_opened_at = models.DateTimeField(_("dibuka pada"), null=True, blank=True)
    signing_closed_at = models.DateTimeField(_("ditutup pada"), null=True, blank=True)
    signing_closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ditutup oleh"),
    )
    is_public = models.BooleanField(
        _("tampil di registri publik"),
        default=True,
        help_text=_("Jika tidak dicentang, pakta dari kegiatan ini tidak tampil di registri publik."),
    )
    allow_walk_ins = models.BooleanField(
        _("izinkan peserta tak terdaftar"),
        default=False,
        help_text=_("Peserta yang tidak ada di daftar boleh mendaftar sendiri saat menandatangani."),
    )
    paper_size = models.CharField(
        _("ukuran kertas"), max_length=2, choices=PaperSize.choices, default=PaperSize.A4
    )
    code = models.CharField(_("kode kegiatan"), max_length=8, unique=True, editable=False)
    attendance_secret = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("kegiatan")
        verbose_name_plural = _("kegiatan")
        indexes = [models.Index(fields=["province", "regency", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")),
                name="event_ends_after_start",
                violation_error_message=_("Waktu selesai harus setelah waktu mulai."),
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:detail", args=[self.pk])

    def clean(self):
        if self.regency_id and self.province_id and self.regency.province_id != self.province_id:
            raise ValidationError({"regency": _("Kabupaten/kota ini tidak berada di provinsi yang dipilih.")})
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": _("Waktu selesai harus setelah waktu mulai.")})

    def save(self, *args, **kwargs):
        if self.regency_id and not self.province_id:
            self.province_id = self.regency.province_id
        if not self.code:
            self.code = random_code(8)
        if not self.attendance_secret:
            self.attendance_secret = secrets.token_hex(32)
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def region(self):
        return self.regency or self.province

    def was_open_at(self, moment) -> bool:
        """Whether signing was open at that moment: a signature captured offline counts by when it was taken."""
        if self.is_draft or self.signing_opened_at is None or moment < self.signing_opened_at:
            return False
        return self.signing_closed_at is None or moment < self.signing_closed_at


class Invitation(models.Model):
    event = models.ForeignKey(Event, models.CASCADE, related_name="invitations", verbose_name=_("kegiatan"))
    agency = models.ForeignKey(Agency, models.PROTECT, related_name="invitations", verbose_name=_("instansi"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("undangan")
        verbose_name_plural = _("undangan")
        constraints = [models.UniqueConstraint(fields=["event", "agency"], name="invitation_unique_agency")]

    def __str__(self):
        return f"{self.agency} → {self.event}"


class AttendeeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Attendees a user may see: an OPD head sees only their own agency's people."""
        if not user.is_authenticated:
            return self.none()
        membership = getattr(user, "membership", None)
        rows = self.filter(event__in=Event.objects.visible_to(user))
        if not user.is_superuser and membership and membership.role == Membership.Role.OPD_HEAD:
            rows = rows.filter(agency_id=membership.agency_id)
        return rows


def fresh_personal_codes(count: int) -> list[str]:
    """Unused one-time codes, checked against the table in one query (bulk_create skips Attendee.save)."""
    codes: set[str] = set()
    while len(codes) < count:
        wanted = {random_code(8) for _ in range(count - len(codes))}
        wanted -= set(
            Attendee.objects.filter(personal_code__in=wanted).values_list("personal_code", flat=True)
        )
        codes |= wanted
    return list(codes)


class Attendee(models.Model):
    """A person invited to (or walking into) one event."""

    class IdentityKind(models.TextChoices):
        PNS = "pns", _("PNS (NIP)")
        PPPK = "pppk", _("PPPK (NI PPPK)")
        TNI = "tni", _("TNI (NRP)")
        POLRI = "polri", _("Polri (NRP)")
        OTHER = "other", _("Lainnya (tanpa nomor)")

    NUMBER_VALIDATORS = {
        IdentityKind.PNS: validators.validate_nip,
        IdentityKind.PPPK: validators.validate_ni_pppk,
        IdentityKind.TNI: validators.validate_nrp,
        IdentityKind.POLRI: validators.validate_nrp,
    }

    event = models.ForeignKey(Event, models.CASCADE, related_name="attendees", verbose_name=_("kegiatan"))
    full_name = models.CharField(
        _("nama lengkap"),
        max_length=200,
        help_text=_("Dengan gelar akademik, mis. Dr. Siti Aminah, S.Sos., M.Si."),
    )
    identity_kind = models.CharField(
        _("jenis identitas"), max_length=6, choices=IdentityKind.choices, default=IdentityKind.PNS
    )
    identity_number = models.CharField(_("NIP/NI PPPK/NRP"), max_length=18, blank=True)
    position = models.CharField(_("jabatan"), max_length=200, blank=True)
    rank = models.CharField(_("pangkat/golongan"), max_length=100, blank=True)
    agency = models.ForeignKey(Agency, models.PROTECT, related_name="attendees", verbose_name=_("instansi"))
    phone = models.CharField(_("telepon"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_walk_in = models.BooleanField(_("mendaftar di tempat"), default=False)
    # Removed (NULL) by the retention run once it can no longer be used: see README, "Retention".
    personal_code = models.CharField(
        _("kode pribadi"),
        max_length=8,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text=_("Kode sekali pakai yang dicetak di undangan untuk menandatangani dari ponsel."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = AttendeeQuerySet.as_manager()

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("peserta")
        verbose_name_plural = _("peserta")
        indexes = [models.Index(fields=["event", "agency"])]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "identity_number"],
                condition=~Q(identity_number=""),
                name="attendee_unique_number_per_event",
                violation_error_message=_("Nomor identitas ini sudah terdaftar pada kegiatan ini."),
            ),
            models.CheckConstraint(
                condition=Q(identity_kind="other") | ~Q(identity_number=""),
                name="attendee_number_required_for_kind",
                violation_error_message=_("PNS, PPPK, TNI dan Polri harus mengisi nomor identitas."),
            ),
        ]

    def __str__(self):
        return self.full_name

    def clean_fields(self, exclude=None):
        # Numbers are typed with spaces and dots; strip them before the length check sees them.
        self.identity_number = validators.normalize_number(self.identity_number)
        super().clean_fields(exclude)

    def clean(self):
        validator = self.NUMBER_VALIDATORS.get(self.identity_kind)
        if validator is None:
            self.identity_number = validators.normalize_number(self.identity_number)
            return
        if not self.identity_number:
            raise ValidationError({"identity_number": _("Nomor identitas wajib diisi untuk jenis ini.")})
        try:
            self.identity_number = validator(self.identity_number)
        except ValidationError as error:
            raise ValidationError({"identity_number": error.messages}) from None

    def save(self, *args, **kwargs):
        self.identity_number = validators.normalize_number(self.identity_number)
        if self._state.adding and not self.personal_code:
            self.personal_code = random_code(8)
        super().save(*args, **kwargs)


class Witness(models.Model):
    """Someone who witnesses the signing ("Mengetahui"/"Menyaksikan"); their signature belongs to the event."""

    class Role(models.TextChoices):
        ACKNOWLEDGES = "mengetahui", _("Mengetahui")
        WITNESSES = "menyaksikan", _("Menyaksikan")

    event = models.ForeignKey(Event, models.CASCADE, related_name="witnesses", verbose_name=_("kegiatan"))
    role = models.CharField(_("peran"), max_length=12, choices=Role.choices, default=Role.WITNESSES)
    name = models.CharField(_("nama"), max_length=200)
    title = models.CharField(_("jabatan"), max_length=200)
    identity_number = models.CharField(_("NIP"), max_length=18, blank=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    signature = models.ImageField(_("tanda tangan"), upload_to="witnesses/%Y/%m/", blank=True)
    signed_at = models.DateTimeField(_("ditandatangani pada"), null=True, blank=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("saksi")
        verbose_name_plural = _("saksi")

    def __str__(self):
        return f"{self.get_role_display()}: {self.name}"
