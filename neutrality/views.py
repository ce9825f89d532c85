from django.shortcuts import render

from events.models import Event
from pledges.models import Pact


def home(request):
    """Says what the site is for, with the public figures that show it is in use."""
    context = {
        "pact_count": Pact.objects.filter(status=Pact.Status.VALID, event__is_public=True).count(),
        "event_count": Event.objects.exclude(status=Event.Status.DRAFT).count(),
    }
    return render(request, "home.html", context)
