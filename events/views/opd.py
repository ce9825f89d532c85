from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import render

from events import access
from events.models import Attendee, Event


@login_required
def opd_home(request):
    """The events an OPD head's agency is invited to, with that unit's own people and whether they signed."""
    access.require_opd_head(request.user)
    unit = Attendee.objects.visible_to(request.user).with_signing().order_by("full_name")
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
