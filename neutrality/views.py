from django.core.cache import cache
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from events.models import Event
from neutrality.db import reads_from_replica
from neutrality.health import DOWN, system_status
from pledges.models import Pact

FIGURES_CACHE_SECONDS = 60


@reads_from_replica
def home(request):
    """Says what the site is for, with the public figures that show it is in use.

    Counting a registry of a million pacts on every visit to the front page is wasted work: the figures are
    cached for a minute.
    """
    figures = cache.get_or_set(
        "home:figures",
        lambda: {
            "pact_count": Pact.objects.in_registry().count(),
            "event_count": Event.objects.exclude(status=Event.Status.DRAFT).count(),
        },
        FIGURES_CACHE_SECONDS,
    )
    return render(request, "home.html", figures)


@never_cache
@require_GET
def healthz(request):
    """For load balancers and monitoring: each component's status, 503 when one is down; no login, no data."""
    status = system_status()
    return JsonResponse(status, status=503 if DOWN in status.values() else 200)


def server_error(request):
    """The 500 page without context processors: whatever broke (the database, the session) is not touched."""
    return HttpResponseServerError(loader.get_template("500.html").render({"request_path": request.path}))
