"""The access log's model: who read (or corrected) personal data, when, what and from where.

Kept apart from pledges/models.py by concern; that module imports it, so it is a model of this app.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event


class AppendOnlyError(RuntimeError):
    """The access log is evidence: the application adds to it and never changes or removes an entry."""


class AccessRecordQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("access records cannot be changed")

    def delete(self):
        raise AppendOnlyError("access records cannot be deleted")


class AccessRecord(models.Model):
    """Who read (or corrected) personal data, when, what and from where; written by pledges.accesslog.

    The user and the event are kept as plain ids (no database constraint, nothing cascades): an entry outlives
    both. On PostgreSQL a trigger refuses UPDATE and DELETE as well (migration 0009).
    """

    class Action(models.TextChoices):
        EXPORT = "export", _("Ekspor daftar peserta")
        DOCUMENT = "document", _("Dokumen dengan NIP lengkap")
        SUBJECT_SEARCH = "subject_search", _("Pencarian data seseorang")
        SUBJECT_EXPORT = "subject_export", _("Salinan data seseorang")
        SUBJECT_CORRECT = "subject_correct", _("Koreksi data kontak")
        SUBJECT_ERASE = "subject_erase", _("Penghapusan data kontak")
        SIGN_IN = "sign_in", _("Masuk")
        SIGN_IN_FAILED = "sign_in_failed", _("Gagal masuk")
        SHRED = "shred", _("Penghapusan sesuai jadwal retensi")

    at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pengguna"),
    )
    username = models.CharField(_("nama pengguna"), max_length=150, blank=True)
    action = models.CharField(_("tindakan"), max_length=16, choices=Action.choices)
    target = models.CharField(_("objek"), max_length=300, blank=True)
    event = models.ForeignKey(
        Event,
        models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kegiatan"),
    )
    # Keyed hashes (pledges.clientdata): whose data it was (an identity number) and where the request came from.
    subject_hmac = models.CharField(_("HMAC nomor identitas"), max_length=64, blank=True, db_index=True)
    address_hmac = models.CharField(_("HMAC alamat IP"), max_length=64, blank=True)

    objects = AccessRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("catatan akses data pribadi")
        verbose_name_plural = _("catatan akses data pribadi")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} · {self.username or '-'} · {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("access records cannot be changed")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("access records cannot be deleted")
