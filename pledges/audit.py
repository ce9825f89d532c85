"""The audit trail of one event: who changed what and when, read from django-simple-history."""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from events.models import Attendee, Event
from pledges.models import Declaration, Pact

ACTIONS = {"+": _("dibuat"), "~": _("diubah"), "-": _("dihapus")}
# Fields nobody needs to read in a trail (secrets, internal bookkeeping).
HIDDEN_FIELDS = {
    "attendance_secret",
    "personal_code",
    "signature_sha256",
    "content_hash",
    "content_salt",
    "client_address_hmac",
    "client_agent_hmac",
    "created_at",
}


@dataclass
class Change:
    field: str
    old: str
    new: str
    related_model: type | None = None


@dataclass
class Entry:
    when: datetime
    user: object
    kind: str
    subject: str
    action: str
    changes: list[Change] = field(default_factory=list)


def _display(record, model_field) -> str:
    value = getattr(record, model_field.attname)
    if value in (None, ""):
        return "–"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return str(value)


def _entries(records, model, kind: str, subject) -> list[Entry]:
    """Diff each record against the previous one of the same object, in memory (no query per record)."""
    fields = [
        f
        for f in model._meta.concrete_fields
        if f.name not in HIDDEN_FIELDS and f.name != model._meta.pk.name
    ]
    entries, previous = [], {}
    for record in records:
        before = previous.get(record.id)
        changes = []
        if record.history_type == "~" and before is not None:
            for model_field in fields:
                old, new = _display(before, model_field), _display(record, model_field)
                if old != new:
                    related = model_field.related_model if model_field.is_relation else None
                    changes.append(Change(str(model_field.verbose_name), old, new, related))
            if not changes:
                previous[record.id] = record
                continue
        previous[record.id] = record
        entries.append(
            Entry(
                when=record.history_date,
                user=record.history_user,
                kind=kind,
                subject=subject(record),
                action=str(ACTIONS.get(record.history_type, record.history_type)),
                changes=changes,
            )
        )
    return entries


def event_trail(event: Event) -> list[Entry]:
    """Every recorded change to the event, its attendees, its declaration and its pacts, newest first."""

    def ordered(history):
        return history.select_related("history_user").order_by("history_date", "history_id")

    entries = _entries(
        ordered(Event.history.filter(id=event.pk)), Event, str(_("Kegiatan")), lambda r: r.title
    )
    entries += _entries(
        ordered(Attendee.history.filter(event_id=event.pk)),
        Attendee,
        str(_("Peserta")),
        lambda r: r.full_name,
    )
    if event.declaration_id:
        entries += _entries(
            ordered(Declaration.history.filter(id=event.declaration_id)),
            Declaration,
            str(_("Naskah")),
            lambda r: f"{r.title} (v{r.version})",
        )
    entries += _entries(
        ordered(Pact.history.filter(event_id=event.pk)),
        Pact,
        str(_("Pakta")),
        lambda r: f"{r.code} · {r.signer_name}",
    )
    _name_related(entries)
    return sorted(entries, key=lambda entry: entry.when, reverse=True)


def _name_related(entries: list[Entry]) -> None:
    """Show a changed foreign key by name, one query per related model that changed (not per record)."""
    wanted: dict[type, set[str]] = {}
    changes = [change for entry in entries for change in entry.changes if change.related_model]
    for change in changes:
        wanted.setdefault(change.related_model, set()).update({change.old, change.new} - {"–"})
    names = {
        model: {str(pk): str(obj) for pk, obj in model._default_manager.in_bulk(list(ids)).items()}
        for model, ids in wanted.items()
    }
    for change in changes:
        known = names[change.related_model]
        change.old, change.new = known.get(change.old, change.old), known.get(change.new, change.new)
