"""The retention schedule (UU 27/2022: keep personal data only as long as its purpose needs), after pretix's
shredders: one rule per kind of data, each able to say what it would remove and to remove it.

`manage.py shred` and the periodic task run every rule; a rule only ever finds what is still there to remove,
so a second run removes nothing. Pacts themselves are never removed: they are the public record, kept with
their public fields, the identity number they were signed with and their commitment. The periods are settings
(``RETENTION_*``, see neutrality/settings.py and the README).
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from events import pending, retention
from events.models import Attendee
from pledges.models import AccessRecord, Pact
from pledges.sweep import media_sweep_orphans

HAS_CLIENT_DATA = ~Q(client_address_hmac="") | ~Q(client_agent_hmac="")


@dataclass
class Outcome:
    """What one rule removed (or, in a dry run, would remove): rows per table, and file names."""

    rule: str
    description: str
    rows: dict[str, int] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.rows.values()) + len(self.files)


class Rule:
    identifier = ""
    description = ""

    def find(self, now: datetime.datetime) -> Outcome:
        raise NotImplementedError

    def shred(self, now: datetime.datetime) -> Outcome:
        raise NotImplementedError

    def outcome(self, rows: dict[str, int] | None = None, files: list[str] | None = None) -> Outcome:
        return Outcome(self.identifier, self.description, rows or {}, files or [])


class ContactData(Rule):
    identifier = "contact"
    description = "attendees' phone and e-mail, RETENTION_CONTACT_DAYS after their event closed"

    def find(self, now):
        live, history = retention.contact_data(now)
        return self.outcome({"attendees": live.count(), "attendee history rows": history.count()})

    def shred(self, now):
        live, history = retention.shred_contact_data(now)
        return self.outcome({"attendees": live, "attendee history rows": history})


class PersonalCodes(Rule):
    identifier = "personal_codes"
    description = "one-time personal codes once used, or RETENTION_CLOSED_CODES_DAYS after signing closed"

    @staticmethod
    def _querysets(now):
        closed = retention.events_closed_before(
            now - datetime.timedelta(days=settings.RETENTION_CLOSED_CODES_DAYS)
        )
        unusable = Attendee.objects.filter(personal_code__isnull=False).filter(
            Q(Exists(Pact.objects.filter(attendee=OuterRef("pk")))) | Q(event__in=closed)
        )
        still_usable = Attendee.objects.filter(pk=OuterRef("id"), personal_code__isnull=False).exclude(
            pk__in=unusable.values("pk")
        )
        history = Attendee.history.filter(personal_code__isnull=False).exclude(Exists(still_usable))
        return unusable, history

    def find(self, now):
        live, history = self._querysets(now)
        return self.outcome({"attendees": live.count(), "attendee history rows": history.count()})

    def shred(self, now):
        live, history = self._querysets(now)
        codes = {"attendee history rows": history.update(personal_code=None)}
        return self.outcome({"attendees": live.update(personal_code=None), **codes})


class ClientData(Rule):
    identifier = "client_data"
    description = "keyed hashes of a signer's address and browser, RETENTION_CLIENT_DAYS after signing"

    @staticmethod
    def _querysets(now):
        before = now - datetime.timedelta(days=settings.RETENTION_CLIENT_DAYS)
        return (
            Pact.objects.filter(HAS_CLIENT_DATA, signed_at__lt=before),
            Pact.history.filter(HAS_CLIENT_DATA, signed_at__lt=before),
        )

    def find(self, now):
        live, history = self._querysets(now)
        return self.outcome({"pacts": live.count(), "pact history rows": history.count()})

    def shred(self, now):
        blank = {"client_address_hmac": "", "client_agent_hmac": ""}
        live, history = self._querysets(now)
        return self.outcome({"pacts": live.update(**blank), "pact history rows": history.update(**blank)})


class DeletedAttendees(Rule):
    identifier = "deleted_attendees"
    description = (
        "name, identity number, position, rank, contact and code in history rows of deleted attendees"
    )

    def find(self, now):
        return self.outcome({"attendee history rows": retention.deleted_attendee_history().count()})

    def shred(self, now):
        return self.outcome({"attendee history rows": retention.shred_deleted_attendee_history()})


class PendingImports(Rule):
    identifier = "pending_imports"
    description = "uploaded attendee lists not confirmed within RETENTION_PENDING_IMPORT_HOURS"

    def find(self, now):
        return self.outcome(files=[path.name for path in pending.expired_files(now=now.timestamp())])

    def shred(self, now):
        return self.outcome(files=pending.remove_expired(now=now.timestamp()))


class Sessions(Rule):
    identifier = "sessions"
    description = "expired sign-in and signing sessions"

    def find(self, now):
        return self.outcome({"sessions": retention.expired_sessions(now).count()})

    def shred(self, now):
        removed, _per_model = retention.expired_sessions(now).delete()
        return self.outcome({"sessions": removed})


class OrphanFiles(Rule):
    """Signature images, scans and witness signatures that no row names, in every upload folder (the periodic
    sweep looks at recent months only)."""

    identifier = "orphan_files"
    description = "uploaded files no record names, older than ORPHAN_MEDIA_AGE seconds"

    def find(self, now):
        return self.outcome(files=media_sweep_orphans(months=None, now=now, dry_run=True))

    def shred(self, now):
        return self.outcome(files=media_sweep_orphans(months=None, now=now))


RULES: tuple[Rule, ...] = (
    ContactData(),
    PersonalCodes(),
    ClientData(),
    DeletedAttendees(),
    PendingImports(),
    Sessions(),
    OrphanFiles(),
)


def shred(*, dry_run: bool = False, now: datetime.datetime | None = None) -> list[Outcome]:
    """Apply (or, in a dry run, only look for) every rule; what went is recorded in the access log."""
    now = now or timezone.now()
    if dry_run:
        return [rule.find(now) for rule in RULES]
    outcomes = []
    for rule in RULES:
        with transaction.atomic():
            outcomes.append(rule.shred(now))
    AccessRecord.objects.create(
        action=AccessRecord.Action.SHRED,
        target=summary(outcomes)[: AccessRecord._meta.get_field("target").max_length],
    )
    return outcomes


def summary(outcomes: list[Outcome]) -> str:
    """One line: each rule with what it removed, e.g. ``contact 12, personal_codes 0, ...``."""
    return ", ".join(f"{outcome.rule} {outcome.total}" for outcome in outcomes)
