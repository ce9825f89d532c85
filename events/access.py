"""The one place that decides who may see or change an event and its attendees.

Views call a getter on their first line: an object outside the user's scope is a 404 (its existence does not
leak), an object the user may see but not change is a 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from events.models import Agency, Attendee, Event, Membership, Province, Regency


def get_event_for_user(user, pk, *, manage: bool = False) -> Event:
    event = get_object_or_404(Event.objects.visible_to(user).distinct(), pk=pk)
    if manage and not can_manage_event(user, event):
        raise PermissionDenied
    return event


def can_manage_event(user, event: Event) -> bool:
    return Event.objects.managed_by(user).filter(pk=event.pk).exists()


def can_edit_event(user, event: Event) -> bool:
    """Closing signing is final: a closed event, its invitations and attendees stay as they were signed."""
    return not event.is_closed and can_manage_event(user, event)


def can_reopen_signing(user) -> bool:
    return user.is_authenticated and user.is_superuser


def get_attendee_for_user(user, pk, *, manage: bool = False) -> Attendee:
    attendee = get_object_or_404(Attendee.objects.visible_to(user).select_related("event", "agency"), pk=pk)
    if manage and not can_change_attendee(user, attendee):
        raise PermissionDenied
    return attendee


def can_change_attendee(user, attendee: Attendee) -> bool:
    """Staff change attendees in their scope until signing closes; an OPD head only their own people, and
    only while signing is open."""
    if can_edit_event(user, attendee.event):
        return True
    membership = getattr(user, "membership", None)
    return (
        membership is not None
        and membership.role == Membership.Role.OPD_HEAD
        and membership.agency_id == attendee.agency_id
        and attendee.event.is_open
    )


def can_add_attendee(user, event: Event) -> bool:
    """Staff add to any event they may edit; an OPD head adds their own staff to an invited, open event."""
    if can_edit_event(user, event):
        return True
    return (
        is_opd_head(user)
        and event.is_open
        and event.invitations.filter(agency_id=user.membership.agency_id).exists()
    )


def require_staff_member(user) -> None:
    if not is_staff_member(user):
        raise PermissionDenied


def require_opd_head(user) -> None:
    if not is_opd_head(user):
        raise PermissionDenied


def is_staff_member(user) -> bool:
    """Bawaslu staff or an administrator: the people who prepare events."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    membership = getattr(user, "membership", None)
    return membership is not None and membership.role == Membership.Role.BAWASLU


def is_opd_head(user) -> bool:
    membership = getattr(user, "membership", None) if user.is_authenticated else None
    return membership is not None and membership.role == Membership.Role.OPD_HEAD


def office_of(user) -> Membership | None:
    """The Bawaslu office of a staff member (None for administrators and everyone else)."""
    membership = getattr(user, "membership", None)
    if membership is None or membership.role != Membership.Role.BAWASLU:
        return None
    return membership


def provinces_for(user) -> QuerySet[Province]:
    """Provinces in which a user may create events."""
    if user.is_superuser:
        return Province.objects.all()
    office = office_of(user)
    if office is None:
        return Province.objects.none()
    return Province.objects.filter(code=office.province_id)


def regencies_for(user) -> QuerySet[Regency]:
    """Regencies in which a user may create events."""
    if user.is_superuser:
        return Regency.objects.select_related("province")
    office = office_of(user)
    if office is None:
        return Regency.objects.none()
    if office.regency_id:
        return Regency.objects.filter(code=office.regency_id)
    return Regency.objects.filter(province_id=office.province_id)


def agencies_for(user) -> QuerySet[Agency]:
    """Agencies a staff member may organise, invite or create: their region's, and their province's own."""
    if user.is_superuser:
        return Agency.objects.all()
    office = office_of(user)
    if office is None:
        return Agency.objects.none()
    if office.regency_id:
        return Agency.objects.filter(
            Q(regency_id=office.regency_id) | Q(province_id=office.province_id, regency=None)
        )
    return Agency.objects.filter(province_id=office.province_id)


def agencies_for_event(event: Event) -> QuerySet[Agency]:
    """Agencies that may be invited to an event: the event's region's, and its province's own."""
    if event.regency_id:
        return Agency.objects.filter(
            Q(regency_id=event.regency_id) | Q(province_id=event.province_id, regency=None)
        )
    return Agency.objects.filter(province_id=event.province_id)


def get_kiosk_event(user, pk) -> Event:
    """The signing kiosk: staff who manage the event, or an OPD head whose agency is invited to it.

    An OPD head runs the kiosk for their own people only: see `kiosk_attendees`.
    """
    event = get_event_for_user(user, pk)
    if not (can_manage_event(user, event) or is_opd_head(user)):
        raise PermissionDenied
    return event


def kiosk_attendees(user, event: Event):
    """The people this user may sign in at the kiosk: everyone for staff, their own agency for an OPD head."""
    return Attendee.objects.visible_to(user).filter(event=event)


def get_kiosk_attendee(user, event: Event, pk) -> Attendee:
    return get_object_or_404(kiosk_attendees(user, event).select_related("agency", "event"), pk=pk)
