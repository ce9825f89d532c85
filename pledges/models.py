"""Declarations (the text people sign) and the pacts they sign."""

import datetime
import hashlib
import hmac
import json
import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from events.models import Agency, Attendee, Event, random_code
from pledges.privacy import mask_number
from pledges.records import AccessRecord, AppendOnlyError  # noqa: F401 - the access log is a model of this app

TEXT_FIELDS = ("title", "opening", "points", "closing", "place_date_line")


class DeclarationLocked(ValidationError):
    pass


class Declaration(models.Model):
    """One version of a pledge text. Once anyone signed it, the text is frozen: revise by a new version."""

    title = models.CharField(_("judul"), max_length=200)
    opening = models.TextField(_("pembuka"))
    points = models.JSONField(_("butir-butir"), default=list, help_text=_("Satu butir per baris."))
    closing = models.TextField(_("penutup"), blank=True)
    place_date_line = models.CharField(
        _("baris tempat dan tanggal"),
        max_length=200,
        blank=True,
        help_text=_("Mis. Muaradua, 28 Agustus 2020"),
    )
    version = models.PositiveIntegerField(_("versi"), default=1)
    previous = models.OneToOneField(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="next_version",
        verbose_name=_("versi sebelumnya"),
    )
    province = models.ForeignKey(
        "events.Province",
        models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("provinsi pemilik"),
        help_text=_("Kosong untuk naskah bawaan yang dipakai semua kantor."),
    )
    regency = models.ForeignKey(
        "events.Regency", models.PROTECT, null=True, blank=True, verbose_name=_("kabupaten/kota pemilik")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["title", "-version"]
        verbose_name = _("naskah pakta/ikrar")
        verbose_name_plural = _("naskah pakta/ikrar")

    def __str__(self):
        return _("%(title)s (versi %(version)d)") % {"title": self.title, "version": self.version}

    def clean(self):
        points = [p.strip() for p in self.points or [] if str(p).strip()]
        if not points:
            raise ValidationError({"points": _("Naskah harus memiliki sedikitnya satu butir.")})
        self.points = points

    @property
    def is_locked(self) -> bool:
        return self.pk is not None and self.pacts.exists()

    def save(self, *args, **kwargs):
        if self.pk and self.is_locked:
            stored = Declaration.objects.filter(pk=self.pk).values(*TEXT_FIELDS).get()
            if any(stored[field] != getattr(self, field) for field in TEXT_FIELDS):
                raise DeclarationLocked(
                    _("Naskah ini sudah ditandatangani dan tidak dapat diubah; buat versi baru.")
                )
        super().save(*args, **kwargs)


class PaperSheet(models.Model):
    """A scanned signature sheet that came back signed by hand."""

    event = models.ForeignKey(Event, models.CASCADE, related_name="paper_sheets", verbose_name=_("kegiatan"))
    file = models.FileField(_("berkas pindaian"), upload_to="sheets/%Y/%m/")
    note = models.CharField(_("catatan"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("lembar kertas")
        verbose_name_plural = _("lembar kertas")

    def __str__(self):
        return f"{self.event} · {self.file.name}"


def new_pact_code() -> str:
    return random_code(10)


def new_content_salt() -> str:
    """256 random bits: what makes `content_hash` a commitment nobody can open by guessing the content."""
    return secrets.token_hex(32)


def normalize_pact_code(typed: str | None) -> str:
    """A code as people type it (lower case, with spaces or dashes) in the stored form."""
    return "".join(ch for ch in (typed or "").upper() if ch.isalnum())


class PactQuerySet(models.QuerySet):
    def public(self):
        """Pacts the public may look at: those of events whose staff left them public (any status)."""
        return self.filter(event__is_public=True)

    def in_registry(self):
        """What the public registry lists: valid pacts of public events."""
        return self.public().filter(status=Pact.Status.VALID)

    def with_code(self, typed: str | None):
        """The pact a typed or scanned code names (case and separators do not matter)."""
        return self.filter(code=normalize_pact_code(typed))


class Pact(models.Model):
    """A signed integrity pact: who signed which declaration version, when and how, with its evidence."""

    class Method(models.TextChoices):
        DRAWN = "drawn", _("Tanda tangan di layar")
        PAPER = "paper", _("Tanda tangan di kertas")

    class Status(models.TextChoices):
        VALID = "valid", _("Sah")
        WITHDRAWN = "withdrawn", _("Ditarik")

    event = models.ForeignKey(Event, models.PROTECT, related_name="pacts", verbose_name=_("kegiatan"))
    attendee = models.ForeignKey(Attendee, models.PROTECT, related_name="pacts", verbose_name=_("peserta"))
    declaration = models.ForeignKey(
        Declaration, models.PROTECT, related_name="pacts", verbose_name=_("naskah yang ditandatangani")
    )
    agency = models.ForeignKey(Agency, models.PROTECT, related_name="pacts", verbose_name=_("instansi"))
    method = models.CharField(_("cara"), max_length=5, choices=Method.choices)
    signed_at = models.DateTimeField(_("ditandatangani pada"))
    # The attendee's details as they stood when signing: later edits to the attendee do not rewrite history.
    signer_name = models.CharField(_("nama"), max_length=200)
    signer_identity_kind = models.CharField(_("jenis identitas"), max_length=6)
    signer_identity_number = models.CharField(_("nomor identitas"), max_length=18, blank=True)
    signer_position = models.CharField(_("jabatan"), max_length=200, blank=True)
    signer_rank = models.CharField(_("pangkat/golongan"), max_length=100, blank=True)
    signer_agency = models.CharField(_("instansi"), max_length=200)
    signature = models.ImageField(_("tanda tangan"), upload_to="signatures/%Y/%m/", blank=True)
    signature_print = models.ImageField(
        _("tanda tangan untuk cetak"), upload_to="signatures/print/%Y/%m/", blank=True
    )
    signature_sha256 = models.CharField(max_length=64, blank=True)
    paper_sheet = models.ForeignKey(
        PaperSheet,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="pacts",
        verbose_name=_("lembar kertas"),
    )
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dikumpulkan oleh"),
    )
    # Keyed hashes of the signing device's address and browser (pledges.clientdata), never the values.
    client_address_hmac = models.CharField(_("HMAC alamat IP"), max_length=64, blank=True)
    client_agent_hmac = models.CharField(_("HMAC peramban"), max_length=64, blank=True)
    # Private: with the salt, the content can be checked against `content_hash`; without it, nothing leaks.
    content_salt = models.CharField(max_length=64, default=new_content_salt, editable=False)
    content_hash = models.CharField(_("komitmen isi"), max_length=64)
    # A random value in the signing form: the same form posted again (its answer lost on the way) gets this
    # pact back instead of "already signed".
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    code = models.CharField(
        _("kode verifikasi"), max_length=10, unique=True, default=new_pact_code, editable=False
    )
    status = models.CharField(_("status"), max_length=9, choices=Status.choices, default=Status.VALID)
    withdrawn_at = models.DateTimeField(_("ditarik pada"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawal_reason = models.TextField(_("alasan penarikan"), blank=True)
    history = HistoricalRecords()

    objects = PactQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_at", "-pk"]
        verbose_name = _("pakta integritas")
        verbose_name_plural = _("pakta integritas")
        indexes = [
            models.Index(fields=["status", "-signed_at", "-id"], name="pact_registry_order"),
            models.Index(fields=["event", "status"]),
            models.Index(fields=["agency", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "attendee"],
                name="pact_one_per_attendee_per_event",
                violation_error_message=_("Peserta ini sudah menandatangani pakta pada kegiatan ini."),
            ),
            models.CheckConstraint(
                condition=Q(status="valid", withdrawn_at__isnull=True)
                | Q(status="withdrawn", withdrawn_at__isnull=False),
                name="pact_withdrawal_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.code} · {self.signer_name}"

    def content_payload(self) -> dict:
        """Everything the signer put their name to, as plain JSON values (what `content_hash` covers).

        For a drawn pact `signature_sha256` is the hash of the stored PNG; for a paper pact it is the hash of
        the scanned sheet the signature is on.
        """
        declaration = self.declaration
        return {
            "declaration": {
                "id": declaration.pk,
                "version": declaration.version,
                "title": declaration.title,
                "opening": declaration.opening,
                "points": list(declaration.points),
                "closing": declaration.closing,
                "place_date_line": declaration.place_date_line,
            },
            "signer": {
                "name": self.signer_name,
                "identity_kind": self.signer_identity_kind,
                "identity_number": self.signer_identity_number,
                "position": self.signer_position,
                "rank": self.signer_rank,
                "agency": self.signer_agency,
            },
            "event": self.event_id,
            "signed_at": self.signed_at.astimezone(datetime.UTC).isoformat(),
            "method": self.method,
            "signature_sha256": self.signature_sha256,
        }

    def canonical_content(self) -> bytes:
        """`content_payload()` as canonical JSON: sorted keys, no spaces, UTF-8."""
        return json.dumps(
            self.content_payload(), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode("utf-8")

    def compute_content_hash(self) -> str:
        """The commitment: HMAC-SHA256 keyed by the pact's private salt over `canonical_content()`.

        A plain hash would give away the full NIP, since everything else in the payload is public and a NIP
        has only some 10^7 plausible values. Whoever holds the salt (the signer, from the data-subject export)
        checks it with: hmac.new(bytes.fromhex(salt), canonical_json, hashlib.sha256).hexdigest().
        """
        return hmac.new(
            bytes.fromhex(self.content_salt), self.canonical_content(), hashlib.sha256
        ).hexdigest()

    @property
    def content_hash_matches(self) -> bool:
        return hmac.compare_digest(self.content_hash, self.compute_content_hash())

    def same_device_as(self, other: "Pact") -> bool:
        """Whether two pacts were signed from the same address with the same browser (while both hashes last)."""
        return bool(self.client_address_hmac and self.client_agent_hmac) and (
            (self.client_address_hmac, self.client_agent_hmac)
            == (other.client_address_hmac, other.client_agent_hmac)
        )

    def get_absolute_url(self):
        return reverse("pledges:pact", args=[self.code])

    @property
    def is_valid(self) -> bool:
        return self.status == self.Status.VALID

    @property
    def identity_kind_label(self) -> str:
        try:
            return Attendee.IdentityKind(self.signer_identity_kind).label
        except ValueError:
            return self.signer_identity_kind

    @property
    def masked_identity_number(self) -> str:
        """The identity number as the public may see it (UU 27/2022)."""
        return mask_number(self.signer_identity_number)


def document_job_upload_to(job: "DocumentJob", filename: str) -> str:
    return f"documents/{job.created_at:%Y/%m}/{filename}"


class DocumentJob(models.Model):
    """A big PDF rendered in the background for one staff member: its progress, then the stored file.

    `fingerprint` covers everything the document prints, so a request whose data has not changed is handed the
    stored file again (whoever asked first, since equal fingerprints mean equal contents) until `expires_at`.
    """

    class Kind(models.TextChoices):
        SHEET = "sheet", _("Lembar tanda tangan kosong")
        SIGNED_SHEET = "signed_sheet", _("Lembar bertanda tangan")
        PACTS = "pacts", _("Semua pakta")
        BLANK_DECLARATIONS = "blank_declarations", _("Pakta kosong untuk bermeterai")
        EXPORT_CSV = "export_csv", _("Ekspor peserta (CSV)")
        EXPORT_XLSX = "export_xlsx", _("Ekspor peserta (XLSX)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Menunggu giliran")
        RUNNING = "running", _("Sedang dibuat")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")

    kind = models.CharField(_("dokumen"), max_length=20, choices=Kind.choices)
    event = models.ForeignKey(Event, models.CASCADE, related_name="+", verbose_name=_("kegiatan"))
    agency = models.ForeignKey(Agency, models.CASCADE, null=True, blank=True, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    # The rows (attendee or pact ids, in document order) fixed when the job was asked for.
    rows = models.JSONField(default=list, editable=False)
    chunk_size = models.PositiveIntegerField(default=1)
    fingerprint = models.CharField(max_length=64)
    status = models.CharField(_("status"), max_length=7, choices=Status.choices, default=Status.QUEUED)
    chunks_total = models.PositiveIntegerField(default=1)
    chunks_done = models.PositiveIntegerField(default=0)
    pages = models.PositiveIntegerField(null=True, blank=True)
    file = models.FileField(upload_to=document_job_upload_to, blank=True, max_length=200)
    filename = models.CharField(max_length=200)
    # Exports carry their column headers in the language of the person who asked.
    language = models.CharField(max_length=10, default="id")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("pembuatan dokumen")
        verbose_name_plural = _("pembuatan dokumen")
        indexes = [models.Index(fields=["fingerprint", "status"]), models.Index(fields=["expires_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(chunks_done__lte=models.F("chunks_total")), name="document_job_chunks_in_range"
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | ~Q(file=""), name="document_job_done_has_file"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.event_id} · {self.get_status_display()}"

    def get_absolute_url(self):
        return reverse("pledges:document_job", args=[self.pk])

    @property
    def is_export(self) -> bool:
        return self.kind in (self.Kind.EXPORT_CSV, self.Kind.EXPORT_XLSX)

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        return (
            100
            if self.status == self.Status.DONE
            else int(100 * self.chunks_done / max(self.chunks_total, 1))
        )


class KioskDevice(models.Model):
    """A tablet that keeps signing offline for one event, bound to the staff member who set it up.

    Staff revoke a lost tablet: whatever it sends afterwards is refused and listed.
    """

    event = models.ForeignKey(Event, models.CASCADE, related_name="kiosk_devices", verbose_name=_("kegiatan"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="kiosk_devices", verbose_name=_("petugas")
    )
    device_id = models.UUIDField(_("ID perangkat"), unique=True)
    label = models.CharField(_("nama perangkat"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("didaftarkan pada"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("terakhir terhubung"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("dicabut pada"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("perangkat kios luring")
        verbose_name_plural = _("perangkat kios luring")

    def __str__(self):
        return self.label or str(self.device_id)

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class OfflineSignature(models.Model):
    """One signature a kiosk captured offline and sent later: the server's verdict on it, kept for good.

    The kiosk's key makes a resend harmless: the same key always gets the same answer.
    """

    class Verdict(models.TextChoices):
        ACCEPTED = "accepted", _("Diterima")
        REFUSED = "refused", _("Ditolak")

    key = models.UUIDField(_("kunci kiriman"), unique=True, default=uuid.uuid4)
    device = models.ForeignKey(
        KioskDevice, models.PROTECT, related_name="signatures", verbose_name=_("perangkat")
    )
    attendee = models.ForeignKey(
        Attendee, models.SET_NULL, null=True, related_name="+", verbose_name=_("peserta")
    )
    pact = models.OneToOneField(
        Pact, models.PROTECT, null=True, blank=True, related_name="offline_signature", verbose_name=_("pakta")
    )
    captured_at = models.DateTimeField(_("diambil pada"))
    received_at = models.DateTimeField(_("diterima server pada"), auto_now_add=True)
    verdict = models.CharField(_("keputusan"), max_length=8, choices=Verdict.choices)
    reason = models.CharField(_("alasan"), max_length=300, blank=True)

    class Meta:
        ordering = ["captured_at", "pk"]
        verbose_name = _("tanda tangan luring")
        verbose_name_plural = _("tanda tangan luring")
        constraints = [
            models.CheckConstraint(
                condition=Q(verdict="accepted", pact__isnull=False) | Q(verdict="refused", pact__isnull=True),
                name="offline_signature_verdict_matches_pact",
            )
        ]

    def __str__(self):
        return f"{self.key} · {self.get_verdict_display()}"


def with_counts(events: models.QuerySet) -> models.QuerySet:
    """Events with invited, signed on screen, signed on paper and not yet signed, as subqueries (no query per
    row)."""

    def count(rows):
        return Coalesce(
            Subquery(
                rows.filter(event=OuterRef("pk"))
                .order_by()
                .values("event")
                .annotate(n=Count("pk"))
                .values("n")[:1],
                output_field=models.IntegerField(),
            ),
            0,
        )

    valid = Pact.objects.filter(status=Pact.Status.VALID)
    return events.annotate(
        invited_count=count(Attendee.objects.all()),
        drawn_count=count(valid.filter(method=Pact.Method.DRAWN)),
        paper_count=count(valid.filter(method=Pact.Method.PAPER)),
    ).annotate(unsigned_count=F("invited_count") - F("drawn_count") - F("paper_count"))


def with_signing(attendees: models.QuerySet) -> models.QuerySet:
    """Attendees with their valid pact, if any: how and when they signed (one query for the whole list)."""
    pacts = Pact.objects.filter(attendee=OuterRef("pk"), status=Pact.Status.VALID)
    return attendees.annotate(
        signed_method=Subquery(pacts.values("method")[:1]),
        signed_at=Subquery(pacts.values("signed_at")[:1]),
        signed_code=Subquery(pacts.values("code")[:1]),
    )
