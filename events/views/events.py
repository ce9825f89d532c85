from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from events import access, services
from events.filters import AttendeeFilter, EventFilter
from events.forms import AgencyForm, EventForm, InvitationForm
from events.models import Attendee, Event, Invitation

PAGE_SIZE = 25


@login_required
def event_list(request):
    access.require_staff_member(request.user)
    events = (
        Event.objects.visible_to(request.user)
        .with_counts()
        .select_related("regency", "province", "election")
        .order_by("-starts_at", "-pk")
    )
    filterset = EventFilter(request.GET, queryset=events, request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "events/event_list.html", {"filter": filterset, "page": page})


@login_required
def event_create(request):
    access.require_staff_member(request.user)
    form = EventForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Kegiatan dibuat. Undang instansi dan tambahkan peserta."))
            return redirect(event)
    return render(request, "events/event_form.html", {"form": form})


@login_required
def event_update(request, pk):
    event = access.get_event_for_user(request.user, pk, manage=True)
    form = EventForm(request.POST or None, instance=event, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(event=event, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        except services.EventError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Perubahan kegiatan disimpan."))
            return redirect(event)
    return render(request, "events/event_form.html", {"form": form, "event": event})


@login_required
def event_delete(request, pk):
    event = access.get_event_for_user(request.user, pk, manage=True)
    if request.method == "POST":
        try:
            services.event_delete(event=event, user=request.user)
        except services.EventError as error:
            messages.error(request, str(error))
            return redirect(event)
        messages.success(request, _("Kegiatan dihapus."))
        return redirect("events:list")
    return render(request, "events/event_confirm_delete.html", {"event": event})


@login_required
def event_detail(request, pk):
    event = access.get_event_for_user(request.user, pk)
    if not access.is_staff_member(request.user):
        return redirect("events:opd_home")
    event = (
        Event.objects.with_counts()
        .select_related("regency", "province", "election", "organiser", "declaration", "signing_closed_by")
        .get(pk=event.pk)
    )
    invitations = (
        Invitation.objects.filter(event=event)
        .select_related("agency")
        .annotate(attendee_count=Count("agency__attendees", filter=Q(agency__attendees__event=event)))
        .order_by("agency__name")
    )
    attendees = Attendee.objects.filter(event=event).with_signing().select_related("agency")
    filterset = AttendeeFilter(request.GET, queryset=attendees, agencies=event.invited_agencies.all())
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    can_manage = access.can_manage_event(request.user, event)
    context = {
        "event": event,
        "invitations": invitations,
        "filter": filterset,
        "page": page,
        "can_manage": can_manage,
        "can_edit": can_manage and not event.is_closed,
        "can_reopen": access.can_reopen_signing(request.user),
        "invitation_form": InvitationForm(event=event),
        "agency_form": AgencyForm(prefix="agency"),
    }
    return render(request, "events/event_detail.html", context)


def _signing_action(service, success):
    @login_required
    @require_POST
    def view(request, pk):
        event = access.get_event_for_user(request.user, pk, manage=True)
        try:
            service(event=event, user=request.user)
        except services.EventError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, success)
        return redirect(event)

    return view


open_signing = _signing_action(services.event_open_signing, _("Penandatanganan dibuka."))
close_signing = _signing_action(
    services.event_close_signing, _("Penandatanganan ditutup. Daftar peserta kini terkunci.")
)
reopen_signing = _signing_action(services.event_reopen_signing, _("Penandatanganan dibuka kembali."))


@login_required
@require_POST
def invitation_add(request, pk):
    event = access.get_event_for_user(request.user, pk, manage=True)
    if not access.can_edit_event(request.user, event):
        raise PermissionDenied
    form = InvitationForm(request.POST, event=event)
    if form.is_valid():
        for agency in form.cleaned_data["agencies"]:
            services.invitation_create(event=event, agency=agency)
        messages.success(request, _("Undangan disimpan."))
    else:
        messages.error(request, _("Pilih sedikitnya satu instansi dari daftar."))
    return redirect(event)


@login_required
@require_POST
def agency_add(request, pk):
    """Create a missing agency in the event's region and invite it at once."""
    event = access.get_event_for_user(request.user, pk, manage=True)
    if not access.can_edit_event(request.user, event):
        raise PermissionDenied
    form = AgencyForm(request.POST, prefix="agency")
    if form.is_valid():
        try:
            agency = services.agency_create(
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                province=event.province,
                regency=event.regency,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            services.invitation_create(event=event, agency=agency)
            messages.success(request, _("Instansi %(name)s dibuat dan diundang.") % {"name": agency.name})
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(event)


@login_required
@require_POST
def invitation_remove(request, pk, invitation_pk):
    event = access.get_event_for_user(request.user, pk, manage=True)
    invitation = event.invitations.filter(pk=invitation_pk).first()
    if invitation is None:
        return redirect(event)
    try:
        services.invitation_delete(invitation=invitation)
    except services.EventError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Undangan untuk %(name)s dibatalkan.") % {"name": invitation.agency})
    return redirect(event)
