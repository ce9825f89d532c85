"""The one place that decides who may see or change an event and its attendees.

Views call a getter on their first line: an object outside the user's scope is a 404 (its existence does not
leak), an object the user may see but not change is a 403.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from events.models import Attendee, Event, Membership


def get_event_for_user(user, pk, *, manage: bool = False) -> Event:
    event = get_object_or_404(Event.objects.visible_to(user).distinct(), pk=pk)
    if manage and not can_manage_event(user, event):
        raise PermissionDenied
    return event


def can_manage_event(user, event: Event) -> bool:
    return Event.objects.managed_by(user).filter(pk=event.pk).exists()


def get_attendee_for_user(user, pk, *, manage: bool = False) -> Attendee:
    attendee = get_object_or_404(Attendee.objects.visible_to(user).select_related("event", "agency"), pk=pk)
    if manage and not can_change_attendee(user, attendee):
        raise PermissionDenied
    return attendee


def can_change_attendee(user, attendee: Attendee) -> bool:
    """Staff change attendees in their scope; an OPD head only their own people, and only while signing is open."""
    if can_manage_event(user, attendee.event):
        return True
    membership = getattr(user, "membership", None)
    return (
        membership is not None
        and membership.role == Membership.Role.OPD_HEAD
        and membership.agency_id == attendee.agency_id
        and attendee.event.is_open
    )


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
