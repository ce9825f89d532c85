from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from events import access


@login_required
def landing(request):
    """Where a user lands after signing in: staff on their dashboard, OPD heads on their unit's page."""
    if access.is_staff_member(request.user):
        return redirect("events:dashboard")
    if access.is_opd_head(request.user):
        return redirect("events:opd_home")
    return redirect("home")
