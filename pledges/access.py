"""Who may see or change declarations and pacts, on top of the event scope decided in events/access.py.

Views call a getter on their first line: outside the user's scope is a 404, visible but not changeable a 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from events.access import office_of
from events.models import Event
from pledges.models import Declaration, Pact


def declarations_visible_to(user) -> QuerySet:
    """Declarations a staff member may read and choose: the shared default texts, their province's and
    (for regency staff) their own regency's, or every regency of the province for provincial staff."""
    if user.is_superuser:
        return Declaration.objects.all()
    office = office_of(user)
    if office is None:
        return Declaration.objects.none()
    shared = Q(province=None, regency=None)
    if office.regency_id:
        return Declaration.objects.filter(
            shared | Q(province_id=office.province_id, regency=None) | Q(regency_id=office.regency_id)
        )
    return Declaration.objects.filter(shared | Q(province_id=office.province_id))


def declarations_managed_by(user) -> QuerySet:
    """Declarations a user may edit: those owned by their own office (administrators: all)."""
    if user.is_superuser:
        return Declaration.objects.all()
    office = office_of(user)
    if office is None:
        return Declaration.objects.none()
    if office.regency_id:
        return Declaration.objects.filter(regency_id=office.regency_id)
    return Declaration.objects.filter(province_id=office.province_id)


def get_declaration_for_user(user, pk, *, manage: bool = False):
    declaration = get_object_or_404(declarations_visible_to(user), pk=pk)
    if manage and not declarations_managed_by(user).filter(pk=declaration.pk).exists():
        raise PermissionDenied
    return declaration


def declaration_owner_for(user) -> dict:
    """Where a new declaration made by this user belongs (administrators make shared texts)."""
    office = office_of(user)
    if office is None:
        return {"province": None, "regency": None}
    return {"province": office.province, "regency": office.regency}


def get_pact_for_user(user, code, *, manage: bool = False):
    """A pact seen from the staff side: in scope of the user's events; `manage` for withdrawing it."""
    events = Event.objects.managed_by(user) if manage else Event.objects.visible_to(user)
    pact = get_object_or_404(Pact.objects.select_related("event", "attendee", "agency"), code=code)
    if not events.filter(pk=pact.event_id).exists():
        if Event.objects.visible_to(user).filter(pk=pact.event_id).exists():
            raise PermissionDenied
        raise Http404
    return pact
