from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from events import access, imports
from events.forms import AttendeeImportForm
from events.http import render_form
from events.pending import PendingImport
from events.services import EventError


def _event_for_import(request, pk):
    event = access.get_event_for_user(request.user, pk, manage=True)
    if not access.can_edit_event(request.user, event):
        raise PermissionDenied
    return event


@login_required
def upload(request, pk):
    event = _event_for_import(request, pk)
    form = AttendeeImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            records = imports.parse_upload(upload)
        except imports.AttendeeImportError as error:
            form.add_error("file", str(error))
        else:
            PendingImport(request.session).save(event=event, filename=upload.name, records=records)
            return redirect("events:import_preview", event.pk)
    return render_form(request, "events/import_upload.html", {"form": form, "event": event})


@login_required
def preview(request, pk):
    """GET shows each row's verdict; POST imports the rows the user kept ticked."""
    event = _event_for_import(request, pk)
    pending = PendingImport(request.session)
    try:
        filename, records = pending.load(event)
    except imports.AttendeeImportError as error:
        messages.error(request, str(error))
        return redirect("events:import", event.pk)
    if request.method == "POST":
        lines = {int(line) for line in request.POST.getlist("rows") if line.isdigit()}
        create = {imports.agency_key(name) for name in request.POST.getlist("create_agency")}
        try:
            count = imports.import_commit(
                event=event, records=records, lines=lines, create_agencies=create, user=request.user
            )
        except (imports.AttendeeImportError, EventError) as error:
            messages.error(request, str(error))
        else:
            pending.discard()
            messages.success(
                request,
                _("%(count)d peserta diimpor dari %(file)s; %(skipped)d baris dilewati.")
                % {"count": count, "file": filename, "skipped": len(records) - count},
            )
            return redirect(event)
    checks = imports.check_rows(event, records)
    context = {
        "event": event,
        "filename": filename,
        "checks": checks,
        "valid_count": sum(check.is_valid for check in checks),
        "unknown_agencies": imports.unknown_agencies(checks),
    }
    return render(request, "events/import_preview.html", context)


@login_required
@require_POST
def cancel(request, pk):
    """Drop the pending upload: its rows (numbers, phones, e-mails) leave the disk at once."""
    event = _event_for_import(request, pk)
    PendingImport(request.session).discard()
    messages.info(request, _("Impor dibatalkan; berkas yang diunggah sudah dihapus dari server."))
    return redirect(event)
