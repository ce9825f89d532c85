"""What the retention schedule removes from attendees and their history (the attendee-only rules).

Each function returns the rows that still hold something to remove, so a second run finds nothing; the caller
(the app that runs the whole schedule) counts them for a dry run and calls the matching `shred_*`. Updates go
through querysets: shredding is not an edit anyone made, so it leaves no new history row of its own.
"""

import datetime

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import Exists, OuterRef, Q, QuerySet

from events.models import Attendee, Event

SHREDDED = "█"
PERSONAL_FIELDS = ("identity_number", "position", "rank", "phone", "email")
HAS_CONTACT = ~Q(phone="") | ~Q(email="")


def events_closed_before(moment: datetime.datetime) -> QuerySet[Event]:
    """Events whose signing closed before the moment, or which ended before it without ever being closed."""
    closed = Q(status=Event.Status.CLOSED, signing_closed_at__lt=moment)
    never_closed = ~Q(status=Event.Status.CLOSED) & Q(ends_at__lt=moment)
    return Event.objects.filter(closed | never_closed)


def contact_data(now: datetime.datetime) -> tuple[QuerySet, QuerySet]:
    """Attendees (and their history rows) whose phone or e-mail outlived RETENTION_CONTACT_DAYS after closing."""
    events = events_closed_before(now - datetime.timedelta(days=settings.RETENTION_CONTACT_DAYS))
    return (
        Attendee.objects.filter(HAS_CONTACT, event__in=events),
        Attendee.history.filter(HAS_CONTACT, event_id__in=events.values("pk")),
    )


def shred_contact_data(now: datetime.datetime) -> tuple[int, int]:
    live, history = contact_data(now)
    return live.update(phone="", email=""), history.update(phone="", email="")


def deleted_attendee_history() -> QuerySet:
    """History rows of attendees who no longer exist and still name them (deleted people never signed)."""
    unshredded = ~Q(full_name=SHREDDED) | Q(personal_code__isnull=False)
    for name in PERSONAL_FIELDS:
        unshredded |= ~Q(**{name: ""})
    return Attendee.history.filter(unshredded).filter(~Exists(Attendee.objects.filter(pk=OuterRef("id"))))


def shred_deleted_attendee_history() -> int:
    blank = {name: "" for name in PERSONAL_FIELDS}
    return deleted_attendee_history().update(full_name=SHREDDED, personal_code=None, **blank)


def erase_contact_history(attendee: Attendee) -> int:
    """Blank the phone and e-mail in every history row of one attendee (erasure on the person's request)."""
    return Attendee.history.filter(HAS_CONTACT, id=attendee.pk).update(phone="", email="")


def expired_sessions(now: datetime.datetime) -> QuerySet:
    """Expired sessions, when sessions live in the database (a cache expires its own)."""
    if settings.SESSION_ENGINE not in (
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
    ):
        return Session.objects.none()
    return Session.objects.filter(expire_date__lt=now)
