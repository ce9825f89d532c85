"""The public pages: a pact, verification of a code, the registry, coverage and open data. No login."""

from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from pledges.filters import VerifyForm
from pledges.models import Pact, normalize_pact_code
from pledges.qr import absolute_url, qr_svg
from pledges.throttle import client_ip, throttle_hit

# Lookups of a code per client address and minute: plenty for people, useless for guessing 31^10 codes.
VERIFY_RATE_LIMIT = 20

PACT_RELATED = (
    "event__election",
    "event__province",
    "event__regency",
    "declaration",
    "agency__province",
    "agency__regency",
)


@require_GET
def pact_detail(request, code):
    """A pact as signed, for anyone; pacts of events that are not public do not exist here."""
    pact = get_object_or_404(
        Pact.objects.public().select_related(*PACT_RELATED), code=normalize_pact_code(code)
    )
    if code != pact.code:
        return redirect(pact, permanent=True)
    verify_url = absolute_url(reverse("pledges:verify_code", args=[pact.code]))
    context = {
        "pact": pact,
        "declaration": pact.declaration,
        "verify_url": verify_url,
        "verify_qr": mark_safe(qr_svg(verify_url, scale=3)),  # noqa: S308 - segno's own SVG, no user input
    }
    return render(request, "pledges/registry/pact_detail.html", context)


@require_GET
def pact_signature(request, code):
    """The signature image of a valid public pact; media files are never linked to directly."""
    pact = get_object_or_404(Pact.objects.in_registry(), code=normalize_pact_code(code))
    if not pact.signature:
        raise Http404
    try:
        image = pact.signature.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(image, content_type="image/png")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def verify(request):
    """The verification form; a submitted code is looked up like a scanned one."""
    form = VerifyForm(request.GET if "code" in request.GET else None)
    if form.is_bound and form.is_valid():
        return _verify_answer(request, form, form.cleaned_data["code"])
    return render(request, "pledges/registry/verify.html", {"form": form})


@require_GET
def verify_code(request, code):
    """Where printed QR codes point: the answer for one code."""
    return _verify_answer(request, VerifyForm(initial={"code": code}), normalize_pact_code(code))


def _verify_answer(request, form, code: str):
    limit = getattr(settings, "VERIFY_RATE_LIMIT", VERIFY_RATE_LIMIT)
    if not throttle_hit(scope="verify", key=client_ip(request), limit=limit):
        return render(request, "pledges/registry/rate_limited.html", status=429)
    pact = (
        Pact.objects.select_related("event", "agency__regency", "agency__province").filter(code=code).first()
    )
    context = {
        "form": form,
        "code": code,
        "answered": True,
        "pact": pact,
        # Someone holding the code holds the paper: confirm it, but a non-public event's details stay hidden.
        "details_public": pact is not None and pact.event.is_public,
    }
    return render(request, "pledges/registry/verify.html", context)
