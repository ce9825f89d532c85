"""Staff pages that show signing status: dashboard, event list and page, the OPD head's unit, export, history.

They keep the `events:` URL names (see neutrality/urls.py): the staff area is one place to its users, whichever
app serves a page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from events import access, services
from events.filters import EventFilter
from events.forms import AgencyForm, InvitationForm
from events.http import render_form
from events.models import Attendee, Event, Invitation
from pledges import accesslog, audit, exports, jobs
from pledges import services as pledge_services
from pledges.filters import AttendeeFilter
from pledges.forms import EventForm
from pledges.models import AccessRecord, DocumentJob, with_counts, with_signing

DASHBOARD_ROWS = 10
PAGE_SIZE = 25


@login_required
def dashboard(request):
    access.require_staff_member(request.user)
    now = timezone.now()
    events = with_counts(Event.objects.visible_to(request.user)).select_related(
        "regency", "province", "election"
    )
    context = {
        "upcoming": events.filter(ends_at__gte=now).order_by("starts_at")[:DASHBOARD_ROWS],
        "past": events.filter(ends_at__lt=now).order_by("-starts_at")[:DASHBOARD_ROWS],
        "membership": getattr(request.user, "membership", None),
    }
    return render(request, "events/dashboard.html", context)


@login_required
def event_list(request):
    access.require_staff_member(request.user)
    events = (
        with_counts(Event.objects.visible_to(request.user))
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
    return render_form(request, "events/event_form.html", {"form": form})


@login_required
def event_update(request, pk):
    event = access.get_event_for_user(request.user, pk, manage=True)
    form = EventForm(request.POST or None, instance=event, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            pledge_services.event_update(event=event, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        except services.EventError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Perubahan kegiatan disimpan."))
            return redirect(event)
    return render_form(request, "events/event_form.html", {"form": form, "event": event})


@login_required
def event_detail(request, pk):
    event = access.get_event_for_user(request.user, pk)
    if not access.is_staff_member(request.user):
        return redirect("events:opd_home")
    event = (
        with_counts(Event.objects.all())
        .select_related("regency", "province", "election", "organiser", "declaration", "signing_closed_by")
        .get(pk=event.pk)
    )
    invitations = (
        Invitation.objects.filter(event=event)
        .select_related("agency")
        .annotate(attendee_count=Count("agency__attendees", filter=Q(agency__attendees__event=event)))
        .order_by("agency__name")
    )
    attendees = with_signing(Attendee.objects.filter(event=event)).select_related("agency")
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


@login_required
def opd_home(request):
    """The events an OPD head's agency is invited to, with that unit's own people and whether they signed."""
    access.require_opd_head(request.user)
    unit = with_signing(Attendee.objects.visible_to(request.user)).order_by("full_name")
    events = (
        Event.objects.visible_to(request.user)
        .distinct()
        .select_related("regency", "province")
        .prefetch_related(Prefetch("attendees", queryset=unit, to_attr="unit_attendees"))
        .order_by("-starts_at", "-pk")
    )
    page = Paginator(events, 10).get_page(request.GET.get("page"))
    return render(
        request,
        "events/opd_home.html",
        {"page": page, "agency": request.user.membership.agency},
    )


EXPORTS = {"csv": DocumentJob.Kind.EXPORT_CSV, "xlsx": DocumentJob.Kind.EXPORT_XLSX}


@login_required
def export(request, pk, format):
    """The attendee list with signing status; a big one is written in the background (a document job)."""
    event = access.get_event_for_user(request.user, pk, manage=True)
    if format not in EXPORTS:
        raise Http404
    kind = EXPORTS[format]
    filename = f"peserta-{event.code}-{slugify(event.title)[:40]}.{format}"
    plan = exports.plan_export(kind, event, language=get_language())
    if jobs.runs_in_background(plan):
        job = jobs.document_job_request(
            user=request.user, plan=plan, filename=filename, language=get_language()
        )
        return redirect(job)
    build, _extension, content_type = exports.EXPORTERS[kind]
    response = HttpResponse(build(event), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    accesslog.record(request, action=AccessRecord.Action.EXPORT, target=filename, event=event)
    return response


@login_required
def history(request, pk):
    event = access.get_event_for_user(request.user, pk, manage=True)
    page = Paginator(audit.event_trail(event), 50).get_page(request.GET.get("page"))
    return render(request, "events/history.html", {"event": event, "page": page})
