"""Event changes that need nothing of signatures: delete, open and close signing, invitations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from events import access, services
from events.forms import AgencyForm, InvitationForm
from events.http import refuse


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
        return redirect(event)
    return refuse(request, _("Pilih sedikitnya satu instansi dari daftar."), back=event.get_absolute_url())


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
            return refuse(request, " ".join(error.messages), back=event.get_absolute_url())
        services.invitation_create(event=event, agency=agency)
        messages.success(request, _("Instansi %(name)s dibuat dan diundang.") % {"name": agency.name})
        return redirect(event)
    errors = " ".join(e for errors in form.errors.values() for e in errors)
    return refuse(request, errors, back=event.get_absolute_url())


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
