from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from events import access
from events.models import Event

DASHBOARD_ROWS = 10


@login_required
def landing(request):
    """Where a user lands after signing in: staff on their dashboard, OPD heads on their unit's page."""
    if access.is_staff_member(request.user):
        return redirect("events:dashboard")
    if access.is_opd_head(request.user):
        return redirect("events:opd_home")
    return redirect("home")


@login_required
def dashboard(request):
    access.require_staff_member(request.user)
    now = timezone.now()
    events = (
        Event.objects.visible_to(request.user).with_counts().select_related("regency", "province", "election")
    )
    context = {
        "upcoming": events.filter(ends_at__gte=now).order_by("starts_at")[:DASHBOARD_ROWS],
        "past": events.filter(ends_at__lt=now).order_by("-starts_at")[:DASHBOARD_ROWS],
        "membership": getattr(request.user, "membership", None),
    }
    return render(request, "events/dashboard.html", context)
