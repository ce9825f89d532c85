from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from events import access, services
from events.forms import AttendeeForm
from events.http import render_form


def _back_url(user, event) -> str:
    return event.get_absolute_url() if access.is_staff_member(user) else reverse("events:opd_home")


@login_required
def attendee_create(request, pk):
    event = access.get_event_for_user(request.user, pk)
    if not access.can_add_attendee(request.user, event):
        raise PermissionDenied
    form = AttendeeForm(request.POST or None, event=event, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            attendee = services.attendee_create(event=event, **form.service_fields())
        except ValidationError as error:
            form.add_error(None, error)
        except services.EventError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("%(name)s ditambahkan.") % {"name": attendee.full_name})
            if "add_another" in request.POST:
                return redirect("events:attendee_create", event.pk)
            return redirect(_back_url(request.user, event))
    return render_form(request, "events/attendee_form.html", {"form": form, "event": event})


@login_required
def attendee_update(request, pk):
    attendee = access.get_attendee_for_user(request.user, pk, manage=True)
    event = attendee.event
    form = AttendeeForm(request.POST or None, instance=attendee, event=event, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.attendee_update(attendee=attendee, **form.service_fields())
        except ValidationError as error:
            form.add_error(None, error)
        except services.EventError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Data %(name)s disimpan.") % {"name": attendee.full_name})
            return redirect(_back_url(request.user, event))
    return render_form(
        request,
        "events/attendee_form.html",
        {
            "form": form,
            "event": event,
            "attendee": attendee,
            "can_delete": access.can_edit_event(request.user, event),
        },
    )


@login_required
def attendee_delete(request, pk):
    attendee = access.get_attendee_for_user(request.user, pk, manage=True)
    event = attendee.event
    if not access.can_edit_event(request.user, event):
        raise PermissionDenied
    if request.method == "POST":
        try:
            services.attendee_delete(attendee=attendee)
        except services.EventError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("%(name)s dihapus dari daftar.") % {"name": attendee.full_name})
        return redirect(event)
    return render(request, "events/attendee_confirm_delete.html", {"attendee": attendee, "event": event})
