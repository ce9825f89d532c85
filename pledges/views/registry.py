"""The public pages: a pact, verification of a code, the registry, coverage, open data, privacy. No login.

The pages that only show the registry read from the replica when there is one (neutrality/db.py). Verification
stays on the primary: a pact signed a moment ago must never be answered "unknown".
"""

from django.conf import settings
from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from events.http import refuse
from neutrality.clients import client_ip
from neutrality.db import reads_from_replica
from pledges.coverage import coverage_cached
from pledges.filters import CoverageForm, RegistryFilter, VerifyForm, VerifyPdfForm
from pledges.keyset import BadCursor, keyset_page
from pledges.models import Pact, normalize_pact_code
from pledges.privacy import PUBLIC_FIELDS, pact_public_record
from pledges.qr import absolute_url, qr_svg
from pledges.spreadsheets import SafeWriter
from pledges.throttle import throttle_hit
from pledges.transparency.services import pact_log_status

REGISTRY_PAGE_SIZE = 50
CURSOR_INVALID = _("Penanda halaman (after/before) tidak sah. Mulai lagi dari halaman pertama registri.")
API_PAGE_SIZE = 100
# Counting every matching row of a million costs more than the page itself; above this, "more than" will do.
COUNT_CAP = 1_000
CSV_CHUNK = 2_000
CHART_BASE_HEIGHT, CHART_BAR_HEIGHT = 80, 32
SIGNATURE_MAX_AGE = 60  # seconds  # pixels: a horizontal bar chart grows with its rows

REGISTRY_RELATED = ("event__election", "agency__province", "agency__regency")
PACT_RELATED = (
    "event__election",
    "event__province",
    "event__regency",
    "declaration",
    "agency__province",
    "agency__regency",
)


@require_GET
@reads_from_replica
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
        "log": pact_log_status(pact),
    }
    return render(request, "pledges/registry/pact_detail.html", context)


@require_GET
@reads_from_replica
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
    # Kept by the browser only, and briefly: no shared cache holds a signature, and a withdrawn pact's image
    # (404 from then on) disappears from screens within SIGNATURE_MAX_AGE.
    response["Cache-Control"] = f"private, max-age={SIGNATURE_MAX_AGE}"
    return response


@require_GET
def verify(request):
    """The verification form; a submitted code is looked up like a scanned one."""
    form = VerifyForm(request.GET if "code" in request.GET else None)
    if form.is_bound and form.is_valid():
        return _verify_answer(request, form, form.cleaned_data["code"])
    return render(request, "pledges/registry/verify.html", {"form": form, "pdf_form": _pdf_form()})


def _pdf_form() -> VerifyPdfForm:
    return VerifyPdfForm(max_bytes=settings.VERIFY_PDF_MAX_BYTES)


@require_GET
def verify_code(request, code):
    """Where printed QR codes point: the answer for one code."""
    return _verify_answer(request, VerifyForm(initial={"code": code}), normalize_pact_code(code))


def _verify_answer(request, form, code: str):
    if not throttle_hit(scope="verify", key=client_ip(request), limit=settings.VERIFY_RATE_LIMIT):
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
        "log": pact_log_status(pact) if pact else None,
        "pdf_form": _pdf_form(),
    }
    return render(request, "pledges/registry/verify.html", context)


def _registry_filter(request) -> RegistryFilter:
    pacts = Pact.objects.in_registry().select_related(*REGISTRY_RELATED)
    return RegistryFilter(request.GET, queryset=pacts, request=request)


def _page(request, filterset: RegistryFilter, size: int):
    """The requested page of the filtered rows; a bad filter value gives no rows. Raises BadCursor."""
    rows = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    return keyset_page(
        rows, after=request.GET.get("after", ""), before=request.GET.get("before", ""), size=size
    )


def _capped_count(filterset: RegistryFilter) -> int:
    """How many rows match, counting no further than COUNT_CAP + 1 (and joining only what the filters need)."""
    return filterset.qs.select_related(None).order_by().values("pk")[: COUNT_CAP + 1].count()


@require_GET
@reads_from_replica
def registry(request):
    """Every valid pact of public events, newest first, filtered and paginated by cursor."""
    filterset = _registry_filter(request)
    try:
        page = _page(request, filterset, REGISTRY_PAGE_SIZE)
    except BadCursor:
        return refuse(request, CURSOR_INVALID, back=reverse("pledges:registry"))
    matching = _capped_count(filterset) if filterset.is_valid() else 0
    context = {
        "filter": filterset,
        "page": page,
        "count": min(matching, COUNT_CAP),
        "count_capped": matching > COUNT_CAP,
    }
    return render(request, "pledges/registry/registry.html", context)


class _Echo:
    """csv.writer writes into this and gets the line back, so rows stream instead of piling up."""

    def write(self, value):
        return value


@require_GET
@reads_from_replica
def registry_csv(request):
    """The filtered registry as one CSV file, streamed; the same masked columns as the JSON API."""
    filterset = _registry_filter(request)
    if not filterset.is_valid():
        return JsonResponse({"errors": filterset.errors}, status=400)
    writer = SafeWriter(_Echo())

    def lines():
        yield "\ufeff"  # a byte-order mark, so that spreadsheet programs read the names as UTF-8
        yield writer.writerow(PUBLIC_FIELDS)
        for pact in filterset.qs.iterator(chunk_size=CSV_CHUNK):
            record = pact_public_record(pact)
            yield writer.writerow([record[field] for field in PUBLIC_FIELDS])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="registri-pakta-netralitas.csv"'
    return response


@require_GET
@reads_from_replica
def api_pacts(request):
    """The registry as JSON pages of 100, newest first, with the registry's filters; follow ``next``."""
    filterset = _registry_filter(request)
    if not filterset.is_valid():
        return JsonResponse({"errors": filterset.errors}, status=400)
    try:
        page = _page(request, filterset, API_PAGE_SIZE)
    except BadCursor:
        return JsonResponse({"errors": {"after": [str(CURSOR_INVALID)]}}, status=400)
    params = request.GET.copy()
    for key in ("after", "before"):
        params.pop(key, None)

    def link(key, cursor):
        if not cursor:
            return None
        query = params.copy()
        query[key] = cursor
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return JsonResponse(
        {
            "next": link("after", page.next_cursor),
            "previous": link("before", page.previous_cursor),
            "results": [pact_public_record(pact) for pact in page.rows],
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
@reads_from_replica
def coverage(request):
    """How far signing has reached, per regency and agency type, as charts and a table."""
    form = CoverageForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    figures = coverage_cached(
        election=filters.get("election"), province=filters.get("province"), regency=filters.get("regency")
    )
    charts = {
        name: {
            "labels": [row.label for row in rows],
            "invited": [row.agencies_invited for row in rows],
            "signed": [row.agencies_signed for row in rows],
            "height": CHART_BASE_HEIGHT + CHART_BAR_HEIGHT * len(rows),
        }
        for name, rows in (("region", figures.by_region), ("kind", figures.by_kind))
    }
    context = {"form": form, "coverage": figures, "charts": charts}
    return render(request, "pledges/registry/coverage.html", context)


@require_GET
def privacy(request):
    """What the site publishes, what it keeps and for how long, and whom to ask (UU 27/2022)."""
    context = {
        "contact_days": settings.RETENTION_CONTACT_DAYS,
        "client_days": settings.RETENTION_CLIENT_DAYS,
        "codes_days": settings.RETENTION_CLOSED_CODES_DAYS,
        "import_hours": settings.RETENTION_PENDING_IMPORT_HOURS,
        "contact_name": settings.PRIVACY_CONTACT_NAME,
        "contact_email": settings.PRIVACY_CONTACT_EMAIL,
    }
    return render(request, "pledges/registry/privacy.html", context)
