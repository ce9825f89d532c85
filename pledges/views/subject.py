"""A data subject's requests, handled by staff: what is held about an identity number, a copy of it as a ZIP,
and correcting or erasing contact data. Every step is written to the access log.

The number travels in POST bodies and the session only, never in a URL (URLs end up in server logs).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from events import access
from events import services as event_services
from events.models import Event
from pledges import accesslog
from pledges.forms import ContactChangeForm, SubjectSearchForm
from pledges.models import AccessRecord
from pledges.subject import subject_data, subject_zip

SESSION_KEY = "data_subject_number"
NO_SUBJECT = _("Cari nomor identitasnya terlebih dahulu.")


def _current_number(request) -> str | None:
    """The number being handled, for staff only."""
    access.require_staff_member(request.user)
    return request.session.get(SESSION_KEY)


def _render(request, *, form=None, bound: ContactChangeForm | None = None, bound_pk=None, status=200):
    number = request.session.get(SESSION_KEY)
    context = {"form": form or SubjectSearchForm(), "number": number}
    if number:
        data = subject_data(user=request.user, identity_number=number)
        managed = set(Event.objects.managed_by(request.user).values_list("pk", flat=True))
        context["data"] = data
        context["rows"] = [
            {
                "attendee": attendee,
                "can_change": attendee.event_id in managed,
                "form": bound
                if attendee.pk == bound_pk
                else ContactChangeForm(
                    prefix=f"a{attendee.pk}", initial={"phone": attendee.phone, "email": attendee.email}
                ),
            }
            for attendee in data.attendees
        ]
    return render(request, "pledges/subject/subject.html", context, status=status)


@never_cache
@login_required
def subject(request):
    """GET: the search form, and what is held about the number being handled; POST: look a number up."""
    access.require_staff_member(request.user)
    form = SubjectSearchForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return _render(request, form=form, status=400)
        number = form.cleaned_data["identity_number"]
        request.session[SESSION_KEY] = number
        accesslog.record(request, action=AccessRecord.Action.SUBJECT_SEARCH, identity_number=number)
        return redirect("pledges:subject")
    return _render(request, form=form)


@login_required
@require_POST
def subject_export(request):
    """Everything held about the number, in scope, as a ZIP of JSON files and PDFs."""
    number = _current_number(request)
    if not number:
        messages.error(request, NO_SUBJECT)
        return redirect("pledges:subject")
    data = subject_data(user=request.user, identity_number=number)
    handle = subject_zip(data, generated_by=request.user.get_username())
    filename = f"data-pribadi-{number[-4:]}-{timezone.localdate():%Y%m%d}.zip"
    accesslog.record(
        request, action=AccessRecord.Action.SUBJECT_EXPORT, target=filename, identity_number=number
    )
    return FileResponse(handle, as_attachment=True, filename=filename, content_type="application/zip")


@login_required
@require_POST
def subject_contact(request, pk):
    """Correct or erase one attendee row's phone and e-mail (the row must carry the number being handled)."""
    number = _current_number(request)
    if not number:
        messages.error(request, NO_SUBJECT)
        return redirect("pledges:subject")
    attendee = get_object_or_404(subject_data(user=request.user, identity_number=number).attendees, pk=pk)
    if not access.can_manage_event(request.user, attendee.event):
        raise PermissionDenied
    form = ContactChangeForm(request.POST, prefix=f"a{attendee.pk}")
    if not form.is_valid():
        return _render(request, bound=form, bound_pk=attendee.pk, status=400)
    reason = form.cleaned_data["reason"]
    try:
        if form.cleaned_data["erase"]:
            event_services.attendee_contact_erase(attendee=attendee, reason=reason)
            action, done = (
                AccessRecord.Action.SUBJECT_ERASE,
                _("Telepon dan email dihapus, juga dari riwayatnya."),
            )
        else:
            event_services.attendee_contact_correct(
                attendee=attendee,
                phone=form.cleaned_data["phone"],
                email=form.cleaned_data["email"],
                reason=reason,
            )
            action, done = AccessRecord.Action.SUBJECT_CORRECT, _("Data kontak dikoreksi.")
    except ValidationError as error:
        form.add_error(None, error)
        return _render(request, bound=form, bound_pk=attendee.pk, status=400)
    accesslog.record(
        request,
        action=action,
        target=f"{attendee.event.code} · {reason}",
        event=attendee.event,
        identity_number=number,
    )
    messages.success(request, done)
    return redirect("pledges:subject")


@login_required
@require_POST
def subject_done(request):
    """Forget the number being handled."""
    access.require_staff_member(request.user)
    request.session.pop(SESSION_KEY, None)
    return redirect("pledges:subject")
