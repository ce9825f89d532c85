"""The log's tables. Entries, subtree hashes, checkpoints and cosignatures are append-only: the models refuse
to update or delete them, and on PostgreSQL triggers refuse it too (migration 0002)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pledges.models import Pact


class AppendOnly(Exception):
    """Something tried to change or remove a row of the log."""


class AppendOnlyModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly(f"{type(self).__name__} rows are never changed")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly(f"{type(self).__name__} rows are never deleted")


class Kind(models.TextChoices):
    PACT = "pact", _("Penandatanganan")
    WITHDRAWAL = "withdrawal", _("Penarikan")


class PendingEntry(models.Model):
    """A signing or withdrawal committed but not yet in the log: written in the same transaction as the pact,
    so that nothing is lost when the sequencer is late; removed once sequenced (this is a queue, not the log)."""

    pact = models.ForeignKey(Pact, models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pact", "kind"], name="log_pending_once")]

    def __str__(self):
        return f"{self.kind} {self.pact_id} (pending)"


class LogEntry(AppendOnlyModel):
    """One leaf: the canonical JSON of a signing or a withdrawal, at a consecutive index that never changes."""

    index = models.BigIntegerField(primary_key=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    pact = models.ForeignKey(Pact, models.PROTECT, related_name="log_entries")
    leaf = models.BinaryField()
    sequenced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("entri log")
        verbose_name_plural = _("entri log")
        constraints = [
            models.UniqueConstraint(fields=["pact", "kind"], name="log_entry_once"),
            models.CheckConstraint(condition=Q(index__gte=0), name="log_entry_index_not_negative"),
        ]

    def __str__(self):
        return f"#{self.index} {self.kind}"


class LogNode(AppendOnlyModel):
    """The hash of one perfect subtree, stored once when it completes; `id` is `merkle.node_id(level, index)`.
    Any proof needs O(log n) of these."""

    id = models.BigIntegerField(primary_key=True)
    hash = models.BinaryField(max_length=32)

    def __str__(self):
        return f"node {self.id}"


class Checkpoint(AppendOnlyModel):
    """A signed tree head (C2SP tlog-checkpoint). Every one is kept."""

    tree_size = models.BigIntegerField(primary_key=True)
    root_hash = models.BinaryField(max_length=32)
    note = models.TextField(help_text="The checkpoint with the log's signature line.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("checkpoint log")
        verbose_name_plural = _("checkpoint log")

    def __str__(self):
        return f"checkpoint {self.tree_size}"


class Cosignature(AppendOnlyModel):
    """A witness's C2SP cosignature of a checkpoint, from a key listed in settings.LOG_WITNESS_KEYS."""

    checkpoint = models.ForeignKey(Checkpoint, models.PROTECT, related_name="cosignatures")
    witness = models.CharField(max_length=200)
    line = models.TextField()
    signed_at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["witness"]
        constraints = [
            models.UniqueConstraint(fields=["checkpoint", "witness"], name="log_cosignature_once"),
        ]

    def __str__(self):
        return f"{self.witness} · {self.checkpoint_id}"
